import { formatPkr, randomHex, recordAudit, SEED_ADMIN } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../../services/payment-api/test/support.ts';
import * as payout from '../../../services/payout-api/test/support.ts';
import {
  expectNoHorizontalOverflow,
  LAPTOP,
  saveScreenshot,
  TestBrowser,
  visibleBox,
  waitForStreamed,
} from '../../../test/support/browser.ts';
import { type RunningPortal, startPortal } from '../../../test/support/portal-server.ts';

/**
 * The admin's everyday tables in Chromium at 1366×768 (and a phone): the audit log one line a
 * row with its JSON behind an expand control, deliveries with the Redeliver column on screen,
 * payouts and payments across merchants with filters and detail pages, a merchant's ledger.
 * Screenshots go to artifacts/ (and docs/images/ with MYPAY_UPDATE_DOCS_SCREENSHOTS=1).
 */

const PHONE = { width: 390, height: 844 };
/** One line of 0.9rem text plus cell padding and border, with room for a badge or button. */
const ONE_LINE_ROW_PX = 48;

let portal: RunningPortal;
let browser: TestBrowser;
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
let merchantId: string;
let merchantName: string;
let payoutId: string;
let paymentId: string;

const adminPage = (viewport = LAPTOP) =>
  browser.loggedInPage(portal.url, { email: SEED_ADMIN.email, password: SEED_ADMIN.devPassword }, { viewport });

beforeAll(async () => {
  payoutApi = payout.startTestApi();
  paymentApi = payment.startTestApi();
  const m = await payout.createTestMerchant(payoutApi.db, { scope: 'all', balance: 50_000_000 });
  merchantId = m.merchantId;
  merchantName = (await payoutApi.db.prisma.merchant.findUniqueOrThrow({ where: { id: merchantId } })).name;
  // A webhook endpoint nobody answers, with a long URL: its deliveries fail and wait for a retry.
  await payout
    .client(payoutApi.app, m.key)
    .post('/webhook-endpoints', {
      url: `http://127.0.0.1:9/hooks/${'very-long-path-segment-'.repeat(6)}end`,
      events: ['payout.created'],
    })
    .expect(201);
  const created = await payout
    .client(payoutApi.app, m.key)
    .post('/payouts', payout.payoutBody({ amount: 4_567_89, reference: `adm-${randomHex(4)}` }))
    .expect(201);
  payoutId = created.body.id;
  const checkout = await payment.openCheckout(paymentApi.app, m.key, { amount: 7_654_32 });
  const paid = await payment
    .client(paymentApi.app, m.key)
    .post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000001' });
  expect(paid.status, JSON.stringify(paid.body)).toBeLessThan(300);
  paymentId = paid.body.transactionId ?? paid.body.id ?? paid.body.payment?.id;
  if (!paymentId) {
    const rows = await paymentApi.db.pool.query('SELECT id FROM PaymentTransaction WHERE merchantId = ?', [merchantId]);
    paymentId = rows[0].id;
  }
  // Thirteen audit rows with long before/after JSON (what made a 13,000 px page).
  const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field_${i}`, `value ${i} `.repeat(8)]));
  for (let i = 0; i < 13; i++) {
    await recordAudit(payoutApi.db, {
      actorType: 'ADMIN',
      actorId: SEED_ADMIN.id,
      action: 'balance.adjusted',
      targetType: 'merchant',
      targetId: merchantId,
      merchantId,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140 Safari/537.36',
      requestId: `req-${randomHex(8)}`,
      before: { ...big, n: i },
      after: { ...big, n: i + 1 },
    });
  }
  [portal, browser] = await Promise.all([startPortal('admin-portal'), TestBrowser.launch()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('admin portal tables at 1366×768 (Chromium)', () => {
  it('when the audit log shows 13 rows with long JSON, then each row is one line, the table fits the window and the JSON expands', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/audit?merchantId=${merchantId}`);
    const table = page.getByTestId('audit-table');
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(13);
    await waitForStreamed(page);
    const heights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    for (const h of heights) expect(h).toBeLessThanOrEqual(ONE_LINE_ROW_PX);
    const box = await visibleBox(page, table);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(LAPTOP.width);
    await expectNoHorizontalOverflow(page);
    // The time column stays on one line.
    const time = table.getByTestId('audit-time').first();
    const lineHeight = await time.evaluate((td) => Number.parseFloat(getComputedStyle(td).lineHeight) || 20);
    const timeBox = await visibleBox(page, time);
    expect(timeBox.height).toBeLessThan(lineHeight * 2 + 16);
    expect(await time.evaluate((td) => getComputedStyle(td).whiteSpace)).toBe('nowrap');
    // … and is not cut off: every time cell shows its whole "YYYY-MM-DD HH:MM:SS UTC".
    const clipped = await table
      .getByTestId('audit-time')
      .evaluateAll((tds) => tds.filter((td) => td.scrollWidth > td.clientWidth).length);
    expect(clipped).toBe(0);
    // The page is about a screen tall, not 13,000 px.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2_000);
    await saveScreenshot(page, 'admin-audit-log.png');

    // Expanding one row's "after" shows the whole value, formatted.
    const after = rows.first().locator('td').nth(7).locator('details');
    expect(await after.getAttribute('open')).toBeNull();
    await after.locator('summary').click();
    await expect.poll(() => after.getAttribute('open')).not.toBeNull();
    const pre = after.locator('pre');
    expect(await pre.isVisible()).toBe(true);
    expect(JSON.parse((await pre.textContent())!)).toMatchObject({ field_29: expect.any(String) });
    await saveScreenshot(page, 'admin-audit-log-expanded.png');
  });

  it('when the audit log opens on a phone, then the page does not scroll sideways (the table scrolls in its panel)', async () => {
    const page = await adminPage(PHONE);
    await page.goto(`${portal.url}/audit?merchantId=${merchantId}`);
    await expect.poll(() => page.getByTestId('audit-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await expectNoHorizontalOverflow(page);
  });

  it('when deliveries to a long endpoint URL are listed, then the Redeliver column is on screen', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/webhooks?merchantId=${merchantId}`);
    const table = page.getByTestId('deliveries-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(0);
    const button = table.getByRole('button', { name: 'Redeliver' }).first();
    const box = await visibleBox(page, button);
    expect(box.x + box.width).toBeLessThanOrEqual(LAPTOP.width);
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-deliveries.png');
  });

  it('when payouts are filtered by merchant, then the payout is listed and its detail page shows amount, history and ledger', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/payouts`);
    await page.getByLabel('Merchant id').fill(merchantId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/merchantId=/);
    const row = page.locator(`tr[data-payout="${payoutId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(formatPkr(4_567_89));
    expect(await row.textContent()).toContain(merchantName);
    expect(await page.getByTestId('payouts-table').locator('tbody tr').count()).toBe(1);
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-payouts.png');
    // By id, across all merchants.
    await page.goto(`${portal.url}/payouts?q=${payoutId}`);
    await expect.poll(() => page.getByTestId('payouts-table').locator('tbody tr').count()).toBe(1);

    await row.getByRole('link', { name: payoutId }).click();
    await page.waitForURL(`${portal.url}/payouts/${payoutId}`);
    expect(await page.getByTestId('payout-amount').textContent()).toBe(formatPkr(4_567_89));
    await expect.poll(() => page.getByTestId('payout-history').textContent()).toContain('COMPLETED');
    expect(await page.getByTestId('ledger').textContent()).toContain('PAYOUT_DEBIT');
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-payout-detail.png');
  });

  it('when payments are filtered by status, then the payment is listed and its detail page shows it with its ledger credit', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/payments?merchantId=${merchantId}&status=SUCCEEDED`);
    const row = page.locator(`tr[data-payment="${paymentId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(formatPkr(7_654_32));
    await page.goto(`${portal.url}/payments?merchantId=${merchantId}&status=FAILED`);
    expect(await page.locator('.empty').textContent()).toContain('No payments match');
    await page.goto(`${portal.url}/payments?merchantId=${merchantId}`);
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-payments.png');
    await page.goto(`${portal.url}/payments/${paymentId}`);
    expect(await page.getByTestId('payment-amount').textContent()).toBe(formatPkr(7_654_32));
    expect(await page.getByTestId('ledger').textContent()).toContain(formatPkr(7_654_32));
    await saveScreenshot(page, 'admin-payment-detail.png');
    // An unknown id is the not-found page, with its status.
    expect((await page.goto(`${portal.url}/payments/txn_does_not_exist`))?.status()).toBe(404);
    await expect.poll(() => page.locator('body').textContent()).toContain('This page or object does not exist');
  });

  it('when a merchant’s ledger and detail page open, then the running balance shows and no amount is cut off', async () => {
    const page = await adminPage();
    await page.goto(`${portal.url}/merchants/${merchantId}/ledger`);
    const ledger = page.getByTestId('ledger');
    await expect.poll(() => ledger.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    const text = (await ledger.textContent())!;
    expect(text).toContain('OPENING');
    expect(text).toContain(formatPkr(50_000_000));
    const balance = await payoutApi.db.prisma.merchantBalance.findUniqueOrThrow({ where: { merchantId } });
    // The newest line's running balance is the merchant's available balance.
    expect(await ledger.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe(
      formatPkr(Number(balance.available)),
    );
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-merchant-ledger.png');

    await page.goto(`${portal.url}/merchants/${merchantId}`);
    for (const id of ['recent-payouts', 'recent-payments']) {
      const table = page.getByTestId(id);
      const cell = table.locator('td.num').first();
      const [cellBox, panelBox] = [await visibleBox(page, cell), await visibleBox(page, table.locator('xpath=..'))];
      expect(cellBox.x + cellBox.width, id).toBeLessThanOrEqual(panelBox.x + panelBox.width);
      expect(await cell.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
    }
    await expectNoHorizontalOverflow(page);
    await saveScreenshot(page, 'admin-merchant.png');
  });
});
