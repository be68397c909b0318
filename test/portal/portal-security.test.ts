import { createMerchant, hashPassword, randomHex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, submitForm } from '../support/portal-http.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../support/portal-server.ts';

/**
 * Both built portals, driven over plain HTTP (test/support/portal-http.ts): what leaves the
 * server — status, Location, Set-Cookie, headers — is what these tests assert.
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

async function newMerchant(tag: string) {
  const email = `sec-${tag}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, { name: `Security ${tag}`, email, password, openingBalance: 0 });
  return { id, email, password };
}

async function newAdmin(tag: string) {
  const email = `sec-admin-${tag}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const id = `adm_${randomHex(8)}`;
  await db.prisma.adminUser.create({
    data: { id, email, name: `Admin ${tag}`, passwordHash: await hashPassword(password) },
  });
  return { id, email, password };
}

// Variants that a "starts with / and not //" check let through; browsers resolve most of them
// to https://evil.example/.
const REDIRECT_VARIANTS = [
  '/\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '//evil.example',
  'https://evil.example/',
  '/%5Cevil.example',
  '/%09/evil.example',
  '/.//evil.example',
  '\\\\evil.example',
];

describe('login redirect (both portals, over HTTP)', () => {
  for (const portalName of ['merchant', 'admin'] as const) {
    it(`when the ${portalName} login gets a hostile next, then the 303 Location stays on the portal's origin`, async () => {
      const portal = portalName === 'merchant' ? merchantPortal : adminPortal;
      const account = portalName === 'merchant' ? await newMerchant('redirect') : await newAdmin('redirect');
      for (const next of REDIRECT_VARIANTS) {
        const res = await submitForm(portal.url, '/login', { email: account.email, password: account.password, next });
        expect(res.status, JSON.stringify(next)).toBe(303);
        const target = new URL(res.location ?? '', portal.url);
        expect(target.origin, `${JSON.stringify(next)} → ${res.location}`).toBe(portal.url);
        expect(target.pathname).toBe('/');
      }
      // A local path is still honoured.
      const local = await submitForm(portal.url, '/login', {
        email: account.email,
        password: account.password,
        next: '/audit?action=login.',
      });
      expect(local.status).toBe(303);
      expect(local.location).toBe('/audit?action=login.');
    });
  }
});

/** Logs in over HTTP; the session cookie as a Cookie header value. */
async function logInOverHttp(portal: RunningPortal, cookieName: string, email: string, password: string) {
  const res = await submitForm(portal.url, '/login', { email, password, next: '' });
  expect(res.status).toBe(303);
  const cookie = cookieFrom(res.setCookies, cookieName);
  if (!cookie) throw new Error(`no ${cookieName} cookie after login`);
  return cookie;
}

/** What the portal answers a page request carrying `cookie`: 200, or a redirect to /login. */
async function pageWith(portal: RunningPortal, path: string, cookie: string) {
  const res = await fetch(`${portal.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

describe('logout revokes (both portals, over HTTP)', () => {
  for (const portalName of ['merchant', 'admin'] as const) {
    it(`when a ${portalName} logs out, then a copy of the session cookie taken before is refused`, async () => {
      const portal = portalName === 'merchant' ? merchantPortal : adminPortal;
      const cookieName = portalName === 'merchant' ? 'mypay_merchant_session' : 'mypay_admin_session';
      const account = portalName === 'merchant' ? await newMerchant('logout') : await newAdmin('logout');
      const cookie = await logInOverHttp(portal, cookieName, account.email, account.password);
      // What an attacker copied: the very value the browser still sends until logout deletes it.
      const copied = cookie;
      expect(await pageWith(portal, '/', copied)).toMatchObject({ status: 200 });

      const out = await submitForm(portal.url, '/', {}, { cookie, form: 'Log out' });
      expect(out.status).toBe(303);
      expect(out.location).toBe('/login');

      const after = await pageWith(portal, '/', copied);
      expect(after.status).toBe(307);
      expect(after.location).toMatch(/\/login$/);
    });
  }
});
