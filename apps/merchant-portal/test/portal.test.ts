import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { changeBalance, createMerchant, formatPkr, randomHex, SEED_MERCHANT, verifySignature } from '@mypay/core';
import { createDb, type Db, withSqlTransaction } from '@mypay/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildPaymentApp } from '../../../services/payment-api/src/app.ts';
import { parsePaymentApiConfig } from '../../../services/payment-api/src/config.ts';
import { buildApp } from '../../../services/payout-api/src/app.ts';
import { parsePayoutApiConfig } from '../../../services/payout-api/src/config.ts';
import { logIn, TestBrowser } from '../../../test/support/browser.ts';
import {
  freePort,
  REPO_ROOT,
  type RunningPortal,
  startPortal,
  testDatabaseUrl,
} from '../../../test/support/portal-server.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const DOCS = path.join(REPO_ROOT, 'docs');
// Committed screenshots change only when asked for, so a test run leaves the tree clean.
const UPDATE_DOCS = process.env.MYPAY_UPDATE_DOCS_SCREENSHOTS === '1';

let db: Db;
let portal: RunningPortal;
let browser: TestBrowser;
// The Payment API (in this process) serves the hosted checkout page the portal sends merchants to.
let paymentApi: Server;
let paymentApiUrl: string;

const newPage = (viewport = { width: 1280, height: 900 }): Promise<Page> => browser.newPage({ viewport });

async function freshMerchant(label: string, openingBalance = 100_000_000) {
  const email = `portal-${label}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, { name: `Portal ${label} ${randomHex(2)}`, email, password, openingBalance });
  return { id, email, password };
}

async function loggedInPage(label: string) {
  const merchant = await freshMerchant(label);
  const page = await browser.loggedInPage(portal.url, merchant, { viewport: { width: 1280, height: 900 } });
  return { merchant, page };
}

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const paymentPort = await freePort();
  paymentApiUrl = `http://127.0.0.1:${paymentPort}`;
  const paymentConfig = parsePaymentApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    LOG_LEVEL: 'silent',
    PUBLIC_SANDBOX_URL: paymentApiUrl,
  });
  paymentApi = await new Promise<Server>((resolve) => {
    const s = buildPaymentApp(paymentConfig, { db }).listen(paymentPort, '127.0.0.1', () => resolve(s));
  });
  [portal, browser] = await Promise.all([
    startPortal('merchant-portal', {
      PUBLIC_SANDBOX_URL: paymentApiUrl,
      PUBLIC_PAYOUT_API_URL: 'http://127.0.0.1:4001',
    }),
    TestBrowser.launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  if (paymentApi) await new Promise((resolve) => paymentApi.close(resolve));
  await db?.close();
});

describe('merchant portal (built, in Chromium)', () => {
  it('when the client writes its own first X-Forwarded-For entry, then the login record stores what the proxy saw', async () => {
    // As behind nginx: "<client's text>, <address nginx saw>". The portal runs with the default
    // TRUST_PROXY (loopback), so the right-most entry not on loopback is the client.
    const merchant = await freshMerchant('xff');
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.91' } });
    const page = await context.newPage();
    await logIn(page, portal.url, merchant.email, 'not-the-password');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('Wrong email or password');
    await logIn(page, portal.url, merchant.email, merchant.password);
    await page.waitForURL(`${portal.url}/`);
    const rows = await db.prisma.auditLog.findMany({
      where: { merchantId: merchant.id, action: { in: ['login.failed', 'login.succeeded'] } },
      select: { action: true, ip: true },
    });
    expect(rows.map((r) => r.action).sort()).toEqual(['login.failed', 'login.succeeded']);
    expect(rows.every((r) => r.ip === '203.0.113.91')).toBe(true);
    const attempts = await db.prisma.loginAttempt.findMany({ where: { email: merchant.email }, select: { ip: true } });
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.ip === '203.0.113.91')).toBe(true);
  });

  it('when the password is wrong, then the login page shows an error and no session starts', async () => {
    const merchant = await freshMerchant('wrongpw');
    const page = await newPage();
    await logIn(page, portal.url, merchant.email, 'not-the-password');
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('Wrong email or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'mypay_merchant_session')).toBeUndefined();
  });

  it('when the seeded merchant logs in, then the dashboard shows its PKR balance', async () => {
    const page = await newPage();
    await logIn(page, portal.url, SEED_MERCHANT.email, SEED_MERCHANT.password);
    await page.waitForURL(`${portal.url}/`);
    // Other suites may have moved the seeded balance; the page must show whatever it is now.
    const row = await db.prisma.merchantBalance.findFirstOrThrow({
      where: { merchant: { email: SEED_MERCHANT.email } },
    });
    const shown = await page.getByTestId('available-balance').textContent();
    expect(shown).toBe(formatPkr(Number(row.available)));
    const session = (await page.context().cookies()).find((c) => c.name === 'mypay_merchant_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
  });

  it('when a merchant with PKR 1,000,000.00 logs in, then the dashboard shows it, with the chart and counts', async () => {
    const { page } = await loggedInPage('dashboard');
    await expect.poll(() => page.getByTestId('available-balance').textContent()).toBe('PKR 1,000,000.00');
    expect(await page.getByTestId('pending-balance').textContent()).toBe('PKR 0.00');
    await expect.poll(() => page.getByText('Payouts by status').count()).toBe(1);
  });

  it('when a refund took the balance below zero, then the dashboard shows it negative and says why', async () => {
    const { merchant, page } = await loggedInPage('negative');
    await withSqlTransaction(db.pool, (conn) =>
      changeBalance(conn, {
        merchantId: merchant.id,
        type: 'PAYMENT_REFUND',
        amount: -100_050_000,
        description: 'Refund after a payout',
        allowNegative: true,
      }),
    );
    await page.reload();
    await expect.poll(() => page.getByTestId('available-balance').textContent()).toBe('-PKR 500.00');
    expect(await page.getByTestId('negative-balance-note').textContent()).toContain('refund');
  });

  it('when a merchant creates an API key in the UI, then the Payout API accepts it', async () => {
    const { merchant, page } = await loggedInPage('apikey');
    await page.goto(`${portal.url}/developers`);
    await page.getByLabel('Name').fill('e2e key');
    await page.getByLabel('Scope').selectOption('payout');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent({ timeout: 15_000 }))?.trim() ?? '';
    expect(key).toMatch(/^mp_test_[0-9a-f]{40}$/);
    // The list shows the prefix only, never the full key.
    await expect.poll(() => page.getByText('e2e key').count()).toBe(1);
    await page.reload();
    expect(await page.content()).not.toContain(key);

    const config = parsePayoutApiConfig({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' });
    const app = buildApp(config, { db });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/balance`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ currency: 'PKR', available: 100_000_000 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const audit = await db.prisma.auditLog.findFirst({ where: { merchantId: merchant.id, action: 'api_key.created' } });
    expect(audit?.actorId).toBe(merchant.id);
  });

  it('when a merchant adds a webhook endpoint and sends a test event, then the local receiver gets it signed', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/hooks/${randomHex(3)}`;
      const { page } = await loggedInPage('webhook');
      await page.goto(`${portal.url}/developers/webhooks`);
      await page.getByLabel('Endpoint URL').fill(url);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = (await page.getByTestId('webhook-secret').textContent({ timeout: 15_000 }))?.trim() ?? '';
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'Send test event' }).click();
      await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
      const [hit] = received;
      expect(JSON.parse(hit!.body)).toMatchObject({ type: 'webhook.test' });
      expect(verifySignature(hit!.body, hit!.headers['mypay-signature'] as string, secret)).toBe(true);
      await expect.poll(() => page.getByTestId('test-event-result').textContent()).toContain('DELIVERED');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('when a merchant creates a test payout from the form, then it is in the list with its timeline', async () => {
    const { page } = await loggedInPage('payout');
    await page.goto(`${portal.url}/payouts/new`);
    const reference = `e2e-${randomHex(4)}`;
    await page.getByLabel('Amount (PKR)').fill('1500.50');
    await page.getByLabel('Scenario').selectOption('SUCCESS');
    await page.getByLabel('Reference').fill(reference);
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.waitForURL(/\/payouts\/po_/);
    expect(await page.getByTestId('payout-amount').textContent()).toBe('PKR 1,500.50');
    const timeline = page.getByRole('list', { name: 'Status timeline' });
    await expect.poll(() => timeline.textContent()).toContain('COMPLETED');
    await page.screenshot({ path: path.join(ARTIFACTS, 'merchant-payout.png'), fullPage: true });
    const detailUrl = page.url();

    await page.goto(`${portal.url}/payouts?q=${reference}`);
    await expect.poll(() => page.getByRole('link', { name: reference }).count()).toBe(1);
    await page.goto(`${portal.url}/payouts?status=COMPLETED`);
    await expect.poll(() => page.getByRole('link', { name: reference }).count()).toBe(1);

    await page.goto(`${portal.url}/`);
    await expect.poll(() => page.getByTestId('available-balance').textContent()).toBe('PKR 998,499.50');
    await page.screenshot({ path: path.join(ARTIFACTS, 'merchant-dashboard.png'), fullPage: true });
    if (UPDATE_DOCS) {
      const small = await newPage({ width: 1000, height: 760 });
      await small.context().addCookies(await page.context().cookies());
      await small.goto(`${portal.url}/`);
      // The chart draws after hydration; a shot before it shows an empty panel.
      await small.locator('.chart .recharts-cartesian-axis-tick-value').first().waitFor();
      await small.screenshot({ path: path.join(DOCS, 'merchant-dashboard.png') });
      await small.goto(detailUrl);
      await small.screenshot({ path: path.join(DOCS, 'merchant-payout.png') });
    }
  });

  it('when the payout form holds a malformed mobile number, then the contract schema’s message shows on that field and nothing is created', async () => {
    const { page } = await loggedInPage('payout-invalid');
    await page.goto(`${portal.url}/payouts/new`);
    await page.getByLabel('Amount (PKR)').fill('10');
    await page.getByLabel('Mobile number').fill('0300123');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await expect
      .poll(() => page.locator('#account-error').textContent())
      .toBe('a wallet account is a mobile number: 03XXXXXXXXX, +923XXXXXXXXX, 923XXXXXXXXX or 00923XXXXXXXXX');
    expect(page.url()).toMatch(/\/payouts\/new$/);
  });

  it('when the Developers page lists the API docs, then its links point at the pages the APIs serve', async () => {
    const { page } = await loggedInPage('docs-links');
    await page.goto(`${portal.url}/developers/docs`);
    const links = await page
      .locator('dl.kv a')
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toEqual([
      'http://127.0.0.1:4001/api/v1/docs',
      `${paymentApiUrl}/api/checkout/docs`,
      'http://127.0.0.1:4001/api/v1/openapi.json',
      `${paymentApiUrl}/api/checkout/openapi.json`,
    ]);
    // The Payment API runs here: its links are followed (the Payout API's paths are the ones it serves, see docs-links.test.ts).
    for (const link of links.filter((l) => l.startsWith(paymentApiUrl)))
      expect((await fetch(link)).status, link).toBe(200);
  });

  it('when a merchant creates a test checkout, then its hosted page opens and the checkout is listed', async () => {
    const { page } = await loggedInPage('checkout');
    await page.goto(`${portal.url}/payments/new`);
    const orderId = `order-e2e-${randomHex(4)}`;
    await page.getByLabel('Amount (PKR)').fill('2500');
    await page.getByLabel('Order id').fill(orderId);
    await page.getByRole('button', { name: 'Create and open the hosted page' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${paymentApiUrl}/checkout/cs_`));
    expect(await page.content()).toContain('2,500.00');

    await page.goto(`${portal.url}/payments`);
    await page.getByRole('link', { name: orderId }).click();
    await page.waitForURL(/\/payments\/checkouts\/cs_/);
    expect(await page.getByRole('heading', { name: `Checkout ${orderId}` }).count()).toBe(1);
    expect(await page.getByText('OPEN', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('when a merchant logs out, then a protected URL redirects to the login page', async () => {
    const { page } = await loggedInPage('logout');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${portal.url}/login`);
    await page.goto(`${portal.url}/payouts`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${portal.url}/developers`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it("when a merchant opens another merchant's payout URL, then it is not found", async () => {
    const owner = await loggedInPage('owner');
    await owner.page.goto(`${portal.url}/payouts/new`);
    await owner.page.getByRole('button', { name: 'Create payout' }).click();
    await owner.page.waitForURL(/\/payouts\/po_/);
    const payoutUrl = owner.page.url();

    const other = await loggedInPage('other');
    const res = await other.page.goto(payoutUrl);
    expect(res?.status()).toBe(404);
    // Next 16 draws a notFound() page from its flight payload after hydration, not into the
    // server's HTML (vercel/next.js#62228), so the heading is waited for rather than counted at once.
    await other.page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await other.page.getByTestId('payout-amount').count()).toBe(0);
  });

  it('when a detail page is opened for an unknown id, then it answers 404, while its list page answers 200', async () => {
    // A loading boundary above a detail page would send a 200 before its notFound() ran.
    const { page } = await loggedInPage('unknown-ids');
    const unknown = randomHex(8);
    const pages: [list: string, detail: string][] = [
      ['/payouts', `/payouts/po_${unknown}`],
      ['/payments/transactions', `/payments/transactions/txn_${unknown}`],
      ['/payments', `/payments/checkouts/cs_${unknown}`],
      ['/developers/events', `/developers/events/evt_${unknown}`],
      ['/developers/logs', `/developers/logs/req-${unknown}`],
      ['/developers/webhooks', `/developers/webhook-endpoints/we_${unknown}`],
    ];
    for (const [list, detail] of pages) {
      expect((await page.goto(`${portal.url}${detail}`))?.status(), detail).toBe(404);
      expect((await page.goto(`${portal.url}${list}`))?.status(), list).toBe(200);
    }
  });

  it('when the page is 375 px wide, then the dashboard fits without sideways scrolling', async () => {
    const merchant = await freshMerchant('narrow');
    const page = await newPage({ width: 375, height: 800 });
    await logIn(page, portal.url, merchant.email, merchant.password);
    await page.waitForURL(`${portal.url}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
