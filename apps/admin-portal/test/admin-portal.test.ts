import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  changeBalance,
  createMerchant,
  createSessionCookie,
  formatPkr,
  randomHex,
  resolvePortalAuthConfig,
  SEED_ADMIN,
} from '@mypay/core';
import { createDb, type Db, withSqlTransaction } from '@mypay/db';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/payout-api/src/app.ts';
import { parsePayoutApiConfig } from '../../../services/payout-api/src/config.ts';
import { launchChromium, logIn } from '../../../test/support/browser.ts';
import { parseCsv } from '../../../test/support/csv.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../../../test/support/portal-server.ts';

const ADMIN_PAGES = ['/', '/merchants', '/merchants/new', '/audit', '/webhooks', '/reconciliation', '/system'];

let db: Db;
let portal: RunningPortal;
let browser: Browser;
let payoutApi: Server;
let payoutApiUrl: string;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  return context.newPage();
}

async function adminPage(): Promise<Page> {
  const page = await newPage();
  await logIn(page, portal.url, SEED_ADMIN.email, SEED_ADMIN.devPassword);
  await page.waitForURL(`${portal.url}/`);
  return page;
}

const getBalance = (key: string) =>
  fetch(`${payoutApiUrl}/api/v1/balance`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  // The Payout API in this process (the way its own tests run it), on a random port.
  const config = parsePayoutApiConfig({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' });
  const app = buildApp(config, { db });
  payoutApi = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  payoutApiUrl = `http://127.0.0.1:${(payoutApi.address() as AddressInfo).port}`;
  [portal, browser] = await Promise.all([
    startPortal('admin-portal', { PAYOUT_API_URL: payoutApiUrl, PAYMENT_API_URL: 'http://127.0.0.1:1' }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await portal?.stop();
  await new Promise((resolve) => (payoutApi ? payoutApi.close(resolve) : resolve(undefined)));
  await db?.close();
});

describe('admin portal (built, in Chromium)', () => {
  it('when the password is wrong, then the login page shows an error and no admin session starts', async () => {
    // An unknown email: a wrong password for the seeded admin would count towards its lockout.
    const page = await newPage();
    await logIn(page, portal.url, `nobody-${randomHex(4)}@example.test`, 'not-the-password');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('Wrong email or password');
    expect((await page.context().cookies()).find((c) => c.name === 'mypay_admin_session')).toBeUndefined();
  });

  it('when an admin creates, suspends and adjusts a merchant, then the API, ledger, audit log and CSV export agree', async () => {
    const page = await adminPage();
    const session = (await page.context().cookies()).find((c) => c.name === 'mypay_admin_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    // Create a merchant: the payout key is shown once.
    const email = `admin-e2e-${randomHex(5)}@example.test`;
    await page.goto(`${portal.url}/merchants/new`);
    await page.getByLabel('Business name').fill('E2E Traders');
    await page.getByLabel('Portal login email').fill(email);
    await page.getByLabel('Portal password').fill('e2e-password-123');
    await page.getByLabel('Opening balance (PKR)').fill('2,500.00');
    await page.getByRole('button', { name: 'Create merchant' }).click();
    const key = (await page.getByTestId('payout-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^mp_test_[0-9a-f]{40}$/);
    const merchant = await db.prisma.merchant.findUniqueOrThrow({ where: { email } });

    // Its key works on the Payout API.
    const ok = await getBalance(key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ currency: 'PKR', available: 250_000 });

    // Suspend it: the key gets 403 FORBIDDEN (the auth cache lives about a second).
    await page.getByTestId('merchant-link').click();
    await page.waitForURL(`${portal.url}/merchants/${merchant.id}`);
    await page.getByLabel('Reason (optional)').fill('e2e check');
    await page.getByRole('button', { name: 'Suspend merchant' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('SUSPENDED');
    await expect.poll(async () => (await getBalance(key)).status, { timeout: 5_000, interval: 250 }).toBe(403);
    const forbidden = await getBalance(key);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    // Adjust its balance: a ledger entry and an audit entry appear.
    await page.getByLabel('Amount (PKR)').fill('-500.25');
    await page.getByLabel('Reason', { exact: true }).fill('e2e fee');
    await page.getByRole('button', { name: 'Adjust balance' }).click();
    await expect.poll(() => page.getByTestId('available').textContent()).toBe(formatPkr(250_000 - 50_025));
    await expect.poll(() => page.getByTestId('ledger').textContent()).toContain('Admin adjustment: e2e fee');
    const entries = await db.prisma.ledgerEntry.findMany({
      where: { merchantId: merchant.id },
      orderBy: { id: 'asc' },
    });
    expect(entries.map((e) => [e.type, Number(e.amount)])).toEqual([
      ['OPENING', 250_000],
      ['ADJUSTMENT', -50_025],
    ]);

    // The audit log filtered by this merchant shows every action, with the admin as actor.
    await page.goto(`${portal.url}/audit`);
    await page.getByLabel('Merchant id').fill(merchant.id);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/merchantId=/);
    const table = page.getByTestId('audit-table');
    for (const action of ['merchant.created', 'api_key.created', 'merchant.suspended', 'balance.adjusted']) {
      await expect.poll(() => table.locator(`tr[data-action="${action}"]`).count()).toBe(1);
    }
    expect(await table.locator('tbody tr').count()).toBe(4);
    expect(await table.textContent()).toContain(SEED_ADMIN.id);

    // Export the filtered set: the file parses and has those rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
    const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
    const header = csv[0]!;
    const rows = csv.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(rows.map((r) => r.action).sort()).toEqual(
      ['api_key.created', 'balance.adjusted', 'merchant.created', 'merchant.suspended'].sort(),
    );
    expect(
      rows.every((r) => r.merchantId === merchant.id && r.actorType === 'ADMIN' && r.actorId === SEED_ADMIN.id),
    ).toBe(true);
    const adjusted = rows.find((r) => r.action === 'balance.adjusted')!;
    expect(JSON.parse(adjusted.before!)).toMatchObject({ available: 250_000 });
    expect(JSON.parse(adjusted.after!)).toMatchObject({ available: 199_975, reason: 'e2e fee' });
    expect(adjusted.userAgent).toContain('Chrome');
    // The export itself is in the trail.
    expect(
      await db.prisma.auditLog.count({ where: { actorId: SEED_ADMIN.id, action: 'audit_log.exported' } }),
    ).toBeGreaterThan(0);
  });

  it('when a balance is corrupted in the database, then reconciliation shows it in red and home counts it', async () => {
    const { id } = await createMerchant(db, {
      name: `Corrupt ${randomHex(3)}`,
      email: `corrupt-${randomHex(5)}@example.test`,
      password: 'not-used-here',
      openingBalance: 10_000,
    });
    const page = await adminPage();
    const countBefore = Number(await page.getByTestId('mismatch-count').textContent());
    await db.pool.query('UPDATE MerchantBalance SET available = available + 1 WHERE merchantId = ?', [id]);
    try {
      await page.goto(`${portal.url}/reconciliation`);
      const row = page.locator(`tr[data-merchant="${id}"]`);
      expect(await row.getAttribute('class')).toBe('mismatch');
      expect(await row.textContent()).toContain(formatPkr(1));
      const color = await row
        .locator('td')
        .first()
        .evaluate((td) => getComputedStyle(td).color);
      expect(color).toBe('rgb(180, 35, 24)');
      await page.goto(`${portal.url}/`);
      // Other suites may corrupt (and restore) balances of their own meanwhile: at least ours is counted.
      const count = page.getByTestId('mismatch-count');
      expect(Number(await count.textContent())).toBeGreaterThanOrEqual(countBefore + 1);
      expect(await count.getAttribute('class')).toContain('danger');
    } finally {
      await db.pool.query('UPDATE MerchantBalance SET available = available - 1 WHERE merchantId = ?', [id]);
    }
  });

  it('when a refund took a balance below zero, then reconciliation shows it negative (and not as a mismatch)', async () => {
    const { id } = await createMerchant(db, {
      name: `Negative ${randomHex(3)}`,
      email: `negative-${randomHex(5)}@example.test`,
      password: 'not-used-here',
      openingBalance: 10_000,
    });
    await withSqlTransaction(db.pool, (conn) =>
      changeBalance(conn, { merchantId: id, type: 'PAYMENT_REFUND', amount: -25_000, allowNegative: true }),
    );
    const page = await adminPage();
    await page.goto(`${portal.url}/reconciliation`);
    const row = page.locator(`tr[data-merchant="${id}"]`);
    expect(await row.getAttribute('class')).toBeNull();
    expect(await row.textContent()).toContain('-PKR 150.00');
    expect(await row.textContent()).toContain('negative');
    expect(await page.getByTestId('reconciliation-negatives').textContent()).toMatch(/negative available balance/);
  });

  it('when the system page loads, then the Payout API is up and the unreachable Payment API is down', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/system`);
    const payout = page.getByRole('row', { name: /Payout API/ });
    const payment = page.getByRole('row', { name: /Payment API/ });
    expect(await payout.locator('.badge').textContent()).toBe('up');
    expect(await payment.locator('.badge').textContent()).toBe('down');
    expect(
      await page
        .getByRole('row', { name: /Database/ })
        .locator('.badge')
        .textContent(),
    ).toBe('up');
  });

  it('when a merchant session is presented, then no admin page or export opens and each redirects to the admin login', async () => {
    const email = `merchant-in-admin-${randomHex(5)}@example.test`;
    const { id } = await createMerchant(db, { name: 'Intruder', email, password: 'not-used', openingBalance: 0 });
    // A genuine merchant-portal session cookie (test env: the dev merchant secret), under its own
    // name, and the same token under the admin cookie's name.
    const merchantAuth = resolvePortalAuthConfig('MERCHANT', { NODE_ENV: 'test', SESSION_TTL: 3_600_000 });
    const cookie = await createSessionCookie(merchantAuth, { realm: 'MERCHANT', id, email, name: 'Intruder' });
    const host = new URL(portal.url).hostname;
    for (const name of [cookie.name, 'mypay_admin_session']) {
      const page = await newPage();
      await page.context().addCookies([{ name, value: cookie.value, domain: host, path: '/', httpOnly: true }]);
      for (const path of [...ADMIN_PAGES, `/merchants/${id}`]) {
        await page.goto(`${portal.url}${path}`);
        expect(new URL(page.url()).pathname, `${name} on ${path}`).toBe('/login');
      }
      const exported = await fetch(`${portal.url}/audit/export`, {
        headers: { cookie: `${name}=${cookie.value}` },
        redirect: 'manual',
      });
      expect(exported.status).toBe(303);
      expect(new URL(exported.headers.get('location')!).pathname).toBe('/login');
    }
  });
});
