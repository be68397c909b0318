import { createMerchant, hashPassword, randomHex, resetMerchantPassword, SEED_ADMIN } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, submitForm } from '../support/portal-http.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../support/portal-server.ts';

/**
 * /account/password of both built portals over plain HTTP (the form posted the way a browser
 * without JavaScript posts it): wrong current password, weak new one, success (the session
 * version moves, so a cookie copied before is refused), the audit rows, and the forced change
 * after a password someone else chose.
 */

let db: Db;
let merchantPortal: RunningPortal;
let adminPortal: RunningPortal;

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  [merchantPortal, adminPortal] = await Promise.all([startPortal('merchant-portal'), startPortal('admin-portal')]);
});

afterAll(async () => {
  await Promise.all([merchantPortal?.stop(), adminPortal?.stop()]);
  await db?.close();
});

type PortalName = 'merchant' | 'admin';

interface Account {
  id: string;
  email: string;
  password: string;
}

const PORTALS: Record<PortalName, { cookie: string; pages: string[]; portal: () => RunningPortal }> = {
  merchant: {
    cookie: 'mypay_merchant_session',
    pages: ['/', '/payouts', '/payments', '/developers'],
    portal: () => merchantPortal,
  },
  admin: { cookie: 'mypay_admin_session', pages: ['/', '/merchants', '/audit', '/admins'], portal: () => adminPortal },
};

async function newAccount(kind: PortalName, options: { mustChangePassword?: boolean } = {}): Promise<Account> {
  const email = `pwpage-${kind}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  if (kind === 'merchant') {
    const { id } = await createMerchant(db, { name: 'Password page', email, password, openingBalance: 0 });
    if (options.mustChangePassword) {
      // What an admin's reset does: a password someone else chose, to be replaced at the next login.
      const temporary = `temporary-${randomHex(8)}`;
      await resetMerchantPassword(db, { merchantId: id, newPassword: temporary }, { adminId: SEED_ADMIN.id });
      return { id, email, password: temporary };
    }
    return { id, email, password };
  }
  const id = `adm_${randomHex(8)}`;
  await db.prisma.adminUser.create({
    data: {
      id,
      email,
      name: 'Password page admin',
      passwordHash: await hashPassword(password),
      mustChangePassword: options.mustChangePassword ?? false,
    },
  });
  return { id, email, password };
}

async function logIn(kind: PortalName, account: Account) {
  const { portal, cookie } = PORTALS[kind];
  const res = await submitForm(portal().url, '/login', { email: account.email, password: account.password, next: '' });
  expect(res.status).toBe(303);
  const value = cookieFrom(res.setCookies, cookie);
  if (!value) throw new Error('no session cookie after login');
  return { cookie: value, location: res.location };
}

async function pageWith(kind: PortalName, path: string, cookie: string) {
  const res = await fetch(`${PORTALS[kind].portal().url}${path}`, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

const change = (kind: PortalName, cookie: string, fields: Record<string, string>) =>
  submitForm(PORTALS[kind].portal().url, '/account/password', fields, { cookie });

const audits = (kind: PortalName, id: string, action: string) =>
  db.prisma.auditLog.count({ where: { actorType: kind === 'merchant' ? 'MERCHANT' : 'ADMIN', actorId: id, action } });

const sessionVersion = async (kind: PortalName, id: string) =>
  kind === 'merchant'
    ? (await db.prisma.merchant.findUniqueOrThrow({ where: { id } })).sessionVersion
    : (await db.prisma.adminUser.findUniqueOrThrow({ where: { id } })).sessionVersion;

describe.each(['merchant', 'admin'] as const)('/account/password of the %s portal (over HTTP)', (kind) => {
  it('when the current password is wrong, then it is refused, nothing changes, and the attempt is audited', async () => {
    const account = await newAccount(kind);
    const { cookie } = await logIn(kind, account);
    const version = await sessionVersion(kind, account.id);
    const res = await change(kind, cookie, {
      currentPassword: 'not-my-password',
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('The current password is wrong.');
    expect(await sessionVersion(kind, account.id)).toBe(version);
    expect(await pageWith(kind, '/', cookie)).toMatchObject({ status: 200 });
    expect(await audits(kind, account.id, 'password.change_failed')).toBe(1);
    expect(await audits(kind, account.id, 'password.changed')).toBe(0);
  });

  it('when the new password is weak, then it is refused with a message saying why', async () => {
    const account = await newAccount(kind);
    const { cookie } = await logIn(kind, account);
    for (const [weak, why] of [
      // Every rule it breaks, in one message (the form shows only the message).
      ['test123456', 'must be at least 12 characters and is a well-known password'],
      [`${account.email.split('@')[0]}-2026`, 'must not contain your email address'],
      ['short-1', 'must be at least 12 characters'],
      ['aaaaaaaaaaaaaaaa', 'must use at least 5 different characters'],
    ]) {
      const res = await change(kind, cookie, {
        currentPassword: account.password,
        newPassword: weak!,
        confirmPassword: weak!,
      });
      expect(res.status, weak).toBe(200);
      expect(res.body, weak).toContain(`The new password ${why}.`);
    }
    expect(await pageWith(kind, '/', cookie)).toMatchObject({ status: 200 });
    expect(await audits(kind, account.id, 'password.changed')).toBe(0);
  });

  it('when the change succeeds, then the session version moves, a cookie copied before is refused, the new one works, and it is audited', async () => {
    const account = await newAccount(kind);
    const { cookie: copied } = await logIn(kind, account);
    const version = await sessionVersion(kind, account.id);
    const res = await change(kind, copied, {
      currentPassword: account.password,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/?password=changed');
    expect(await sessionVersion(kind, account.id)).toBeGreaterThan(version);
    const renewed = cookieFrom(res.setCookies, PORTALS[kind].cookie);
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(copied);
    expect(await pageWith(kind, '/', copied)).toMatchObject({
      status: 307,
      location: expect.stringMatching(/\/login$/),
    });
    expect(await pageWith(kind, '/', renewed!)).toMatchObject({ status: 200 });
    expect(await audits(kind, account.id, 'password.changed')).toBe(1);
    // The old password no longer signs in; the new one does.
    const old = await submitForm(PORTALS[kind].portal().url, '/login', {
      email: account.email,
      password: account.password,
      next: '',
    });
    expect(old.status).toBe(200);
    await logIn(kind, { ...account, password: 'a brand new passphrase' });
  });

  it('when the password was chosen by someone else, then every page sends to /account/password until it is changed', async () => {
    const account = await newAccount(kind, { mustChangePassword: true });
    const { cookie } = await logIn(kind, account);
    for (const page of PORTALS[kind].pages) {
      expect(await pageWith(kind, page, cookie), page).toMatchObject({
        status: 307,
        location: expect.stringMatching(/\/account\/password$/),
      });
    }
    const form = await fetch(`${PORTALS[kind].portal().url}/account/password`, { headers: { cookie } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Choose your own before you continue');

    const res = await change(kind, cookie, {
      currentPassword: account.password,
      newPassword: 'my very own passphrase',
      confirmPassword: 'my very own passphrase',
    });
    expect(res.status).toBe(303);
    const renewed = cookieFrom(res.setCookies, PORTALS[kind].cookie)!;
    for (const page of PORTALS[kind].pages) {
      expect(await pageWith(kind, page, renewed), page).toMatchObject({ status: 200 });
    }
    // The session from before the change ended with it.
    expect((await pageWith(kind, '/', cookie)).location).toMatch(/\/login$/);
  });
});

describe('the merchant login page in production', () => {
  it('when the portal runs with NODE_ENV=production, then the login page prints no demo credentials (outside production it does)', async () => {
    const production = await startPortal('merchant-portal', {
      NODE_ENV: 'production',
      MYPAY_NODE_ENV: 'production',
      MERCHANT_JWT_SECRET: randomHex(32),
    });
    try {
      const res = await fetch(`${production.url}/login`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Sign in to the merchant portal');
      expect(html).not.toContain('test@mycodigital.io');
      expect(html).not.toContain('test123456');
    } finally {
      await production.stop();
    }
    const dev = await (await fetch(`${merchantPortal.url}/login`)).text();
    expect(dev).toContain('test@mycodigital.io');
  });
});
