import { createMerchant, hashPassword, randomHex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, TestBrowser } from '../../../test/support/browser.ts';
import { cookieFrom, submitForm } from '../../../test/support/portal-http.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../../../test/support/portal-server.ts';

/**
 * The admin portal's account actions in Chromium, against the built admin and merchant portals:
 * resetting a merchant's password (its sessions end, the temporary password forces a change)
 * and disabling another admin (its session ends, it cannot sign in; itself it cannot disable).
 */

let db: Db;
let adminPortal: RunningPortal;
let merchantPortal: RunningPortal;
let browser: TestBrowser;

const newPage = (): Promise<Page> => browser.newPage({ viewport: { width: 1280, height: 900 } });

async function newAdmin(tag: string) {
  const email = `accounts-${tag}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const id = `adm_${randomHex(8)}`;
  await db.prisma.adminUser.create({
    data: { id, email, name: `Admin ${tag}`, passwordHash: await hashPassword(password) },
  });
  return { id, email, password };
}

const signedInAdmin = (admin: { email: string; password: string }): Promise<Page> =>
  browser.loggedInPage(adminPortal.url, admin, { viewport: { width: 1280, height: 900 } });

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  [adminPortal, merchantPortal, browser] = await Promise.all([
    startPortal('admin-portal'),
    startPortal('merchant-portal'),
    TestBrowser.launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([adminPortal?.stop(), merchantPortal?.stop()]);
  await db?.close();
});

describe('admin account actions (built portals, in Chromium)', () => {
  it('when an admin resets a merchant password, then the merchant’s old cookie is refused and the temporary password forces /account/password', async () => {
    const admin = await newAdmin('reset');
    const email = `reset-${randomHex(6)}@example.test`;
    const password = `pw-${randomHex(8)}`;
    const { id } = await createMerchant(db, { name: 'Reset me', email, password, openingBalance: 0 });

    // The merchant's session before the reset (what a copied cookie would be).
    const login = await submitForm(merchantPortal.url, '/login', { email, password, next: '' });
    expect(login.status).toBe(303);
    const oldCookie = cookieFrom(login.setCookies, 'mypay_merchant_session')!;
    const home = (cookie: string) => fetch(`${merchantPortal.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect((await home(oldCookie)).status).toBe(200);

    const page = await signedInAdmin(admin);
    await page.goto(`${adminPortal.url}/merchants/${id}`);
    await page.getByRole('button', { name: 'Reset password' }).click();
    const temporary = (await page.getByTestId('temp-password').textContent())?.trim() ?? '';
    expect(temporary.length).toBeGreaterThanOrEqual(12);

    // Every session of the merchant ended.
    const refused = await home(oldCookie);
    expect(refused.status).toBe(307);
    expect(refused.headers.get('location')).toMatch(/\/login$/);
    // Audited, with the acting admin.
    expect(
      await db.prisma.auditLog.count({
        where: { action: 'merchant.password_reset', actorType: 'ADMIN', actorId: admin.id, merchantId: id },
      }),
    ).toBe(1);
    // The old password is gone; the temporary one signs in and must be replaced before anything else.
    const merchant = await newPage();
    await logIn(merchant, merchantPortal.url, email, temporary);
    await merchant.waitForURL(`${merchantPortal.url}/account/password`);
    await merchant.goto(`${merchantPortal.url}/payouts`);
    await merchant.waitForURL(`${merchantPortal.url}/account/password`);
    await expect.poll(() => merchant.getByRole('status').first().textContent()).toContain('Choose your own');
    await merchant.getByLabel('Current password').fill(temporary);
    await merchant.getByLabel('New password', { exact: true }).fill('my own passphrase 42');
    await merchant.getByLabel('Repeat the new password').fill('my own passphrase 42');
    await merchant.getByRole('button', { name: 'Change password' }).click();
    await merchant.waitForURL(`${merchantPortal.url}/?password=changed`);
    await merchant.goto(`${merchantPortal.url}/payouts`);
    expect(new URL(merchant.url()).pathname).toBe('/payouts');
  });

  it('when an admin disables another admin, then that admin’s session is refused and it cannot sign in; itself it cannot disable', async () => {
    const acting = await newAdmin('acting');
    const other = await newAdmin('other');
    const otherPage = await signedInAdmin(other);
    const page = await signedInAdmin(acting);

    await page.goto(`${adminPortal.url}/admins`);
    // No button for oneself.
    expect(await page.getByRole('button', { name: `Disable ${acting.email}` }).count()).toBe(0);
    await expect.poll(() => page.locator(`tr[data-admin="${acting.id}"]`).textContent()).toContain('you');
    await page.getByRole('button', { name: `Disable ${other.email}` }).click();
    await expect.poll(() => page.locator(`tr[data-admin="${other.id}"]`).textContent()).toContain('disabled');
    expect(
      await db.prisma.auditLog.count({
        where: { action: 'admin_user.disabled', actorId: acting.id, targetId: other.id },
      }),
    ).toBe(1);

    // The other admin's open session is refused on its next request…
    await otherPage.goto(`${adminPortal.url}/merchants`);
    await otherPage.waitForURL(/\/login$/);
    // …and it cannot sign in again.
    await logIn(otherPage, adminPortal.url, other.email, other.password);
    await expect.poll(() => otherPage.locator('#login-error').textContent()).toBeTruthy();
    expect(new URL(otherPage.url()).pathname).toBe('/login');
    await otherPage.goto(`${adminPortal.url}/`);
    await otherPage.waitForURL(/\/login$/);
  });
});
