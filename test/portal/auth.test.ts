import { createHmac } from 'node:crypto';
import {
  createMerchant,
  createSessionCookie,
  getSessionPrincipal,
  LOCKOUT_MAX_FAILURES,
  loginWithPassword,
  parseConfig,
  portalEnvSchema,
  randomHex,
  recordLogout,
  resolvePortalAuthConfig,
  SEED_ADMIN,
  verifySessionToken,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Db;
const context = { ip: '203.0.113.7', userAgent: 'vitest-portal-auth' };
const merchantAuth = resolvePortalAuthConfig(
  'MERCHANT',
  parseConfig(portalEnvSchema('MERCHANT'), { NODE_ENV: 'test' }),
);
const adminAuth = resolvePortalAuthConfig('ADMIN', parseConfig(portalEnvSchema('ADMIN'), { NODE_ENV: 'test' }));

beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 4 });
});
afterAll(() => db.close());

async function newMerchant() {
  const email = `auth-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, { name: 'Auth test', email, password, openingBalance: 0 });
  return { id, email, password };
}

const auditActions = async (merchantId: string) =>
  (await db.prisma.auditLog.findMany({ where: { merchantId }, orderBy: { id: 'asc' }, select: { action: true } })).map(
    (a) => a.action,
  );

describe('portal login', () => {
  it('when the password is right, then it succeeds and the success is audited with IP and user agent', async () => {
    const m = await newMerchant();
    const result = await loginWithPassword(db, {
      realm: 'MERCHANT',
      email: m.email.toUpperCase(),
      password: m.password,
      context,
    });
    expect(result).toMatchObject({ ok: true, principal: { id: m.id, realm: 'MERCHANT' } });
    const row = await db.prisma.auditLog.findFirstOrThrow({ where: { merchantId: m.id, action: 'login.succeeded' } });
    expect(row).toMatchObject({ actorType: 'MERCHANT', actorId: m.id, ip: context.ip, userAgent: context.userAgent });
  });

  it('when 5 wrong passwords are given within 15 minutes, then the account is locked, even for the right password', async () => {
    const m = await newMerchant();
    const results = [];
    for (let i = 0; i < LOCKOUT_MAX_FAILURES; i++) {
      results.push(await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: 'wrong', context }));
    }
    expect(results.slice(0, -1).every((r) => !r.ok && r.reason === 'INVALID_CREDENTIALS')).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, reason: 'LOCKED' });
    const locked = await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password, context });
    expect(locked).toMatchObject({ ok: false, reason: 'LOCKED' });
    if (!locked.ok && locked.reason === 'LOCKED') {
      expect(locked.retryAfterSeconds).toBeGreaterThan(0);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    }
    const actions = await auditActions(m.id);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(LOCKOUT_MAX_FAILURES + 1);
    expect(actions.filter((a) => a === 'login.locked_out')).toHaveLength(1);
  });

  it('when the lock window has passed, then the right password works again', async () => {
    const m = await newMerchant();
    const old = new Date(Date.now() - 31 * 60_000);
    await db.prisma.loginAttempt.createMany({
      data: Array.from({ length: LOCKOUT_MAX_FAILURES }, () => ({
        realm: 'MERCHANT' as const,
        email: m.email,
        success: false,
        createdAt: old,
      })),
    });
    const result = await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password, context });
    expect(result.ok).toBe(true);
  });

  it('when the merchant is suspended, then the right password is refused and a live session stops working', async () => {
    const m = await newMerchant();
    const ok = await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password });
    if (!ok.ok) throw new Error('expected a login');
    const cookie = await createSessionCookie(merchantAuth, ok.principal);
    expect(await getSessionPrincipal(db, merchantAuth, cookie.value)).toMatchObject({ id: m.id });

    await db.prisma.merchant.update({ where: { id: m.id }, data: { status: 'SUSPENDED' } });
    expect(await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password })).toEqual({
      ok: false,
      reason: 'SUSPENDED',
    });
    expect(await getSessionPrincipal(db, merchantAuth, cookie.value)).toBeNull();
  });

  it('when the email is unknown, then the answer is the same as for a wrong password', async () => {
    const result = await loginWithPassword(db, {
      realm: 'MERCHANT',
      email: `nobody-${randomHex(4)}@example.test`,
      password: 'whatever',
    });
    expect(result).toEqual({ ok: false, reason: 'INVALID_CREDENTIALS' });
  });
});

describe('portal sessions', () => {
  it('when a merchant session is shown to the admin realm, then it is refused (and vice versa)', async () => {
    const m = await newMerchant();
    const merchantCookie = await createSessionCookie(merchantAuth, {
      realm: 'MERCHANT',
      id: m.id,
      email: m.email,
      name: 'x',
    });
    expect(merchantCookie.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    expect(merchantCookie.name).not.toBe(adminAuth.cookieName);
    expect(await verifySessionToken(adminAuth.secret, 'ADMIN', merchantCookie.value)).toBeNull();
    // Even with one secret for both portals, the audience keeps the realms apart.
    expect(await verifySessionToken(merchantAuth.secret, 'ADMIN', merchantCookie.value)).toBeNull();

    const admin = await db.prisma.adminUser.findUniqueOrThrow({ where: { email: SEED_ADMIN.email } });
    const adminCookie = await createSessionCookie(adminAuth, {
      realm: 'ADMIN',
      id: admin.id,
      email: admin.email,
      name: admin.name,
    });
    expect(await getSessionPrincipal(db, adminAuth, adminCookie.value)).toMatchObject({ id: admin.id, realm: 'ADMIN' });
    expect(await getSessionPrincipal(db, merchantAuth, adminCookie.value)).toBeNull();
  });

  it('when a token has expired or was tampered with, then it is refused', async () => {
    const m = await newMerchant();
    const cookie = await createSessionCookie(merchantAuth, { realm: 'MERCHANT', id: m.id, email: m.email, name: 'x' });
    const later = new Date(Date.now() + (merchantAuth.sessionTtlSeconds + 5) * 1000);
    expect(await verifySessionToken(merchantAuth.secret, 'MERCHANT', cookie.value, later)).toBeNull();
    const [h, p, s] = cookie.value.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'mer_other' }),
    ).toString('base64url');
    expect(await verifySessionToken(merchantAuth.secret, 'MERCHANT', `${h}.${forged}.${s}`)).toBeNull();
  });

  it('when the account logs out, then every earlier token of it is refused, a new login works', async () => {
    const m = await newMerchant();
    const first = await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password });
    if (!first.ok) throw new Error('expected a login');
    const copied = await createSessionCookie(merchantAuth, first.principal);
    const otherDevice = await createSessionCookie(merchantAuth, first.principal);
    expect(await getSessionPrincipal(db, merchantAuth, copied.value)).toMatchObject({ id: m.id });

    await recordLogout(db, first.principal, context);
    expect(await getSessionPrincipal(db, merchantAuth, copied.value)).toBeNull();
    expect(await getSessionPrincipal(db, merchantAuth, otherDevice.value)).toBeNull();
    expect(await auditActions(m.id)).toContain('logout.succeeded');

    const again = await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password });
    if (!again.ok) throw new Error('expected a login');
    expect(again.principal.sessionVersion).toBe(first.principal.sessionVersion + 1);
    const fresh = await createSessionCookie(merchantAuth, again.principal);
    expect(await getSessionPrincipal(db, merchantAuth, fresh.value)).toMatchObject({ id: m.id });
  });

  it('when a token carries no session version, then it is refused', async () => {
    const m = await newMerchant();
    // Signed like a real session token (HS256, issuer, audience), only without `sv`.
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
      email: m.email,
      iss: 'mypay-sandbox',
      aud: 'mypay-merchant-portal',
      sub: m.id,
      iat: now,
      exp: now + 3600,
    })}`;
    const legacy = `${unsigned}.${createHmac('sha256', merchantAuth.secret).update(unsigned).digest('base64url')}`;
    expect(await verifySessionToken(merchantAuth.secret, 'MERCHANT', legacy)).toBeNull();
    expect(await getSessionPrincipal(db, merchantAuth, legacy)).toBeNull();
  });

  it('when production runs without a session secret, then the config is refused', () => {
    expect(() =>
      parseConfig(portalEnvSchema('MERCHANT'), { NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@db:3306/mypay' }),
    ).toThrow(/MERCHANT_JWT_SECRET: required in production/);
    const env = parseConfig(portalEnvSchema('MERCHANT'), {
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://u:p@db:3306/mypay',
      MERCHANT_JWT_SECRET: 'x'.repeat(40),
    });
    expect(resolvePortalAuthConfig('MERCHANT', env).cookieSecure).toBe(true);
  });
});
