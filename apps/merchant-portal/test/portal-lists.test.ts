import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createMerchant, formatPkr, insertApiKey, randomHex } from '@mypay/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../../services/payment-api/test/support.ts';
import * as payout from '../../../services/payout-api/test/support.ts';
import { launchChromium, logIn } from '../../../test/support/browser.ts';
import { parseCsv } from '../../../test/support/csv.ts';
import { REPO_ROOT, type RunningPortal, startPortal } from '../../../test/support/portal-server.ts';

/**
 * The merchant's balance history (ledger with running balance, CSV), the CSV exports of payouts
 * and transactions, and the search by object id or reference — in Chromium at 1366×768 and on a
 * phone. Screenshots go to artifacts/ (and docs/images/ with MYPAY_UPDATE_DOCS_SCREENSHOTS=1).
 */

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs/images');
const UPDATE_DOCS = process.env.MYPAY_UPDATE_DOCS_SCREENSHOTS === '1';
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let portal: RunningPortal;
let browser: Browser;
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
let merchant: { id: string; email: string; password: string; key: string };
let payoutId: string;
let reference: string;
let transactionId: string;
const contexts: BrowserContext[] = [];

async function merchantPage(viewport = LAPTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  await logIn(page, portal.url, merchant.email, merchant.password);
  await page.waitForURL(`${portal.url}/`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name) });
  if (UPDATE_DOCS) await page.screenshot({ path: path.join(DOCS_IMAGES, name) });
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(inner);
}

async function download(page: Page, testId: string): Promise<Record<string, string>[]> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const [header, ...rows] = parseCsv(readFileSync(await file.path(), 'utf8'));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

beforeAll(async () => {
  payoutApi = payout.startTestApi();
  paymentApi = payment.startTestApi();
  const password = `pw-${randomHex(8)}`;
  const email = `lists-${randomHex(6)}@example.test`;
  const { id } = await createMerchant(payoutApi.db, {
    name: `Lists ${randomHex(2)}`,
    email,
    password,
    openingBalance: 10_000_000,
  });
  payout.claimRowsOf(id);
  const conn = await payoutApi.db.pool.getConnection();
  let key: string;
  try {
    ({ key } = await insertApiKey(conn, { merchantId: id, name: 'lists', scope: 'all' }));
  } finally {
    conn.release();
  }
  merchant = { id, email, password, key };
  reference = `INV-${randomHex(4).toUpperCase()}`;
  const created = await payout
    .client(payoutApi.app, key)
    .post('/payouts', payout.payoutBody({ amount: 1_234_56, reference }))
    .expect(201);
  payoutId = created.body.id;
  const checkout = await payment.openCheckout(paymentApi.app, key, { amount: 654_32 });
  const paid = await payment
    .client(paymentApi.app, key)
    .post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000001' });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  transactionId = paid.body.id;
  // The payout completes (scenario 1) and the payment succeeds: both are on the ledger.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const types = (
      (await payoutApi.db.pool.query('SELECT type FROM LedgerEntry WHERE merchantId = ?', [id])) as { type: string }[]
    ).map((r) => r.type);
    if (['OPENING', 'PAYOUT_DEBIT', 'PAYMENT_CREDIT'].every((t) => types.includes(t))) break;
    if (Date.now() > deadline) throw new Error(`ledger incomplete: ${types.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  [portal, browser] = await Promise.all([startPortal('merchant-portal'), launchChromium()]);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await portal?.stop();
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('merchant portal lists (Chromium)', () => {
  it('when balance history opens at 1366×768, then each entry shows the running balance, it fits and the CSV agrees', async () => {
    const page = await merchantPage();
    await page.goto(`${portal.url}/balance`);
    const table = page.getByTestId('ledger-table');
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const now = (await page.getByTestId('balance-now').textContent())!;
    expect(await rows.first().locator('td').nth(4).textContent()).toBe(now);
    expect(await table.textContent()).toContain('OPENING');
    expect(await table.textContent()).toContain(formatPkr(-1_234_56));
    await expectNoHorizontalOverflow(page);
    await shot(page, 'merchant-balance-history.png');

    const csv = await download(page, 'export-ledger');
    expect(csv.length).toBe(await rows.count());
    // Newest first: each line's balance less its amount is the next (older) line's balance.
    for (let i = 0; i + 1 < csv.length; i++) {
      expect(Number(csv[i]!.balanceAfter) - Number(csv[i]!.amount)).toBe(Number(csv[i + 1]!.balanceAfter));
    }
    expect(csv.at(-1)).toMatchObject({ type: 'OPENING', amount: '10000000', balanceAfter: '10000000' });
    expect(csv.find((r) => r.type === 'PAYOUT_DEBIT')).toMatchObject({ payoutId, amount: '-123456' });
  });

  it('when balance history opens on a phone, then the page does not scroll sideways', async () => {
    const page = await merchantPage(PHONE);
    await page.goto(`${portal.url}/balance`);
    await expect.poll(() => page.getByTestId('ledger-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await expectNoHorizontalOverflow(page);
    await shot(page, 'merchant-balance-history-phone.png');
  });

  it('when a date range has no entries, then the empty state says so', async () => {
    const page = await merchantPage();
    await page.goto(`${portal.url}/balance?from=2001-01-01&to=2001-01-31`);
    await expect.poll(() => page.locator('.empty').textContent()).toBe('No balance changes in this range.');
  });

  it('when payouts and transactions are exported, then the CSV files hold them', async () => {
    const page = await merchantPage();
    await page.goto(`${portal.url}/payouts`);
    const payouts = await download(page, 'export-payouts');
    expect(payouts).toEqual([expect.objectContaining({ id: payoutId, reference, amount: '123456', currency: 'PKR' })]);
    await page.goto(`${portal.url}/payments/transactions`);
    const transactions = await download(page, 'export-transactions');
    expect(transactions).toEqual([
      expect.objectContaining({ id: transactionId, status: 'SUCCEEDED', amount: '65432', provider: 'JAZZCASH' }),
    ]);
  });

  it('when searching by payout id, reference prefix or transaction id, then the object is found, and nothing of another merchant', async () => {
    const page = await merchantPage();
    await page.goto(`${portal.url}/search`);
    await page.getByLabel('Object id or reference').fill(reference.slice(0, 6).toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/search\?q=/);
    const results = page.getByTestId('search-results');
    await expect.poll(() => results.locator(`tr[data-kind="payout"]`).count()).toBe(1);
    expect(await results.textContent()).toContain(payoutId);
    await expectNoHorizontalOverflow(page);
    await shot(page, 'merchant-search.png');

    await page.goto(`${portal.url}/search?q=${transactionId}`);
    await expect.poll(() => results.locator('tr[data-kind="payment"]').count()).toBe(1);
    await results.getByRole('link', { name: transactionId }).click();
    await page.waitForURL(`${portal.url}/payments/transactions/${transactionId}`);

    await page.goto(`${portal.url}/search?q=${payoutId}`);
    await expect.poll(() => results.locator('tr').count()).toBeGreaterThan(1);
    // Another merchant's payout id finds nothing.
    const other = await payout.createTestMerchant(payoutApi.db, { scope: 'payout' });
    const theirs = await payout.client(payoutApi.app, other.key).post('/payouts', payout.payoutBody()).expect(201);
    await page.goto(`${portal.url}/search?q=${theirs.body.id}`);
    await expect.poll(() => page.locator('.empty').textContent()).toContain('Nothing of yours matches');
  });
});
