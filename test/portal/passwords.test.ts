import {
  changeOwnPassword,
  createMerchant,
  createSessionCookie,
  disableAdminUser,
  getSessionPrincipal,
  hashPassword,
  isAppError,
  loginWithPassword,
  parseConfig,
  passwordProblems,
  portalEnvSchema,
  randomHex,
  resetMerchantPassword,
  resolvePortalAuthConfig,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Db;
const merchantAuth = resolvePortalAuthConfig(
  'MERCHANT',
  parseConfig(portalEnvSchema('MERCHANT'), { NODE_ENV: 'test' }),
);
const adminAuth = resolvePortalAuthConfig('ADMIN', parseConfig(portalEnvSchema('ADMIN'), { NODE_ENV: 'test' }));

beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 4 });
});
afterAll(() => db.close());

async function loggedInMerchant() {
  const email = `pw-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, { name: 'Password test', email, password, openingBalance: 0 });
  const login = await loginWithPassword(db, { realm: 'MERCHANT', email, password });
  if (!login.ok) throw new Error('expected a login');
  return { id, email, password, principal: login.principal };
}

async function newAdmin() {
  const email = `pw-admin-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const id = `adm_${randomHex(8)}`;
  await db.prisma.adminUser.create({ data: { id, email, name: 'Admin', passwordHash: await hashPassword(password) } });
  const login = await loginWithPassword(db, { realm: 'ADMIN', email, password });
  if (!login.ok) throw new Error('expected a login');
  return { id, email, password, principal: login.principal };
}

const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
};

describe('password rules', () => {
  it('when a password is short, well-known, repetitive or contains the email, then it is refused', () => {
    expect(passwordProblems('short1')).toContain('must be at least 12 characters');
    expect(passwordProblems('test123456')).toContain('is a well-known password');
    expect(passwordProblems('aaaaaaaaaaaaaa')).toContain('must use at least 5 different characters');
    expect(passwordProblems('alice-rocks-2026', { email: 'alice@example.test' })).toContain(
      'must not contain your email address',
    );
    expect(passwordProblems('é'.repeat(40))).toContain('must be at most 72 bytes');
    expect(passwordProblems('correct horse battery')).toEqual([]);
  });
});

describe('changing one own password', () => {
  it('when the current password is right and the new one strong, then it changes, is audited and a copied cookie is refused', async () => {
    const m = await loggedInMerchant();
    const copied = await createSessionCookie(merchantAuth, m.principal);
    const updated = await changeOwnPassword(db, {
      principal: m.principal,
      currentPassword: m.password,
      newPassword: 'a new strong passphrase',
      context: { ip: '203.0.113.9' },
    });
    expect(await getSessionPrincipal(db, merchantAuth, copied.value)).toBeNull();
    const fresh = await createSessionCookie(merchantAuth, updated);
    expect(await getSessionPrincipal(db, merchantAuth, fresh.value)).toMatchObject({ id: m.id });
    expect(await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password })).toMatchObject({
      ok: false,
    });
    expect(
      (await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: 'a new strong passphrase' })).ok,
    ).toBe(true);
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { merchantId: m.id, action: 'password.changed' },
    });
    expect(audit).toMatchObject({ actorType: 'MERCHANT', actorId: m.id, ip: '203.0.113.9' });
    expect(JSON.stringify(audit.after)).not.toContain('passphrase');
  });

  it('when the current password is wrong or the new one weak, then nothing changes', async () => {
    const m = await loggedInMerchant();
    const cookie = await createSessionCookie(merchantAuth, m.principal);
    const wrong = await errorOf(
      changeOwnPassword(db, {
        principal: m.principal,
        currentPassword: 'nope',
        newPassword: 'a new strong passphrase',
      }),
    );
    expect(wrong.code).toBe('VALIDATION_ERROR');
    expect(wrong.details?.[0]?.field).toBe('currentPassword');
    const weak = await errorOf(
      changeOwnPassword(db, { principal: m.principal, currentPassword: m.password, newPassword: 'test123456' }),
    );
    expect(weak.details?.map((d) => d.field)).toContain('newPassword');
    expect(weak.message).toBe('The new password must be at least 12 characters and is a well-known password.');
    expect(await getSessionPrincipal(db, merchantAuth, cookie.value)).toMatchObject({ id: m.id });
    expect((await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password })).ok).toBe(true);
    expect(await db.prisma.auditLog.count({ where: { merchantId: m.id, action: 'password.change_failed' } })).toBe(1);
  });
});

describe('admin actions', () => {
  it('when an admin resets a merchant password, then its sessions end, it must change it, and it is audited', async () => {
    const admin = await newAdmin();
    const m = await loggedInMerchant();
    const cookie = await createSessionCookie(merchantAuth, m.principal);
    await resetMerchantPassword(db, { merchantId: m.id, newPassword: 'temporary passphrase 1' }, { adminId: admin.id });
    expect(await getSessionPrincipal(db, merchantAuth, cookie.value)).toBeNull();
    const login = await loginWithPassword(db, {
      realm: 'MERCHANT',
      email: m.email,
      password: 'temporary passphrase 1',
    });
    expect(login).toMatchObject({ ok: true, principal: { mustChangePassword: true } });
    expect(
      await db.prisma.auditLog.count({
        where: { merchantId: m.id, action: 'merchant.password_reset', actorId: admin.id },
      }),
    ).toBe(1);
  });

  it('when an admin disables another admin, then its sessions end and it cannot log in; itself it cannot disable', async () => {
    const admin = await newAdmin();
    const other = await newAdmin();
    const cookie = await createSessionCookie(adminAuth, other.principal);
    expect(await disableAdminUser(db, { adminUserId: other.id }, { adminId: admin.id })).toEqual({ changed: true });
    expect(await getSessionPrincipal(db, adminAuth, cookie.value)).toBeNull();
    expect(await loginWithPassword(db, { realm: 'ADMIN', email: other.email, password: other.password })).toMatchObject(
      {
        ok: false,
        reason: 'SUSPENDED',
      },
    );
    expect(await disableAdminUser(db, { adminUserId: other.id }, { adminId: admin.id })).toEqual({ changed: false });
    expect((await errorOf(disableAdminUser(db, { adminUserId: admin.id }, { adminId: admin.id }))).code).toBe(
      'INVALID_STATE',
    );
    expect(await db.prisma.auditLog.count({ where: { targetId: other.id, action: 'admin_user.disabled' } })).toBe(1);
  });
});
