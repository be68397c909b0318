import { createMerchant, createWebhookEndpoint, insertApiKey, randomHex } from '@mypay/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../../services/payment-api/test/support.ts';
import * as payout from '../../../services/payout-api/test/support.ts';
import { LAPTOP, saveScreenshot, TestBrowser } from '../../../test/support/browser.ts';
import { type RunningPortal, startPortal } from '../../../test/support/portal-server.ts';

/**
 * The events list's delivery and object columns, the dashboard chart's axes (PKR, days), and the
 * main lists at 1366×768 and 375 px wide: no table wider than its panel on a laptop, no page that
 * scrolls sideways on a phone. Screenshots go to artifacts/ (and docs/images/ with
 * MYPAY_UPDATE_DOCS_SCREENSHOTS=1).
 */

const PHONE = { width: 375, height: 812 };

let portal: RunningPortal;
let browser: TestBrowser;
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
let merchant: { id: string; email: string; password: string };
let payoutId: string;
let transactionId: string;
let checkoutId: string;

const merchantPage = (viewport = LAPTOP) => browser.loggedInPage(portal.url, merchant, { viewport });

/** The page does not scroll sideways, and (on a laptop) no table is wider than its wrapper. */
async function layoutProblems(page: Page, tablesMustFit: boolean): Promise<string[]> {
  return page.evaluate((mustFit) => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth)
      problems.push(`page ${doc.scrollWidth}px > viewport ${window.innerWidth}px`);
    if (mustFit) {
      for (const table of Array.from(document.querySelectorAll('main table'))) {
        const box = (table.closest('.table-wrap') ?? table.parentElement) as HTMLElement;
        if (table.scrollWidth > box.clientWidth + 1)
          problems.push(
            `${table.getAttribute('data-testid') ?? 'table'} ${table.scrollWidth}px > ${box.clientWidth}px`,
          );
      }
    }
    return problems;
  }, tablesMustFit);
}

beforeAll(async () => {
  payoutApi = payout.startTestApi();
  paymentApi = payment.startTestApi();
  const password = `pw-${randomHex(8)}`;
  const email = `events-${randomHex(6)}@example.test`;
  const { id } = await createMerchant(payoutApi.db, {
    name: `Events ${randomHex(2)}`,
    email,
    password,
    openingBalance: 10_000_000,
  });
  const conn = await payoutApi.db.pool.getConnection();
  let key: string;
  try {
    ({ key } = await insertApiKey(conn, { merchantId: id, name: 'events', scope: 'all' }));
  } finally {
    conn.release();
  }
  merchant = { id, email, password };
  // Two endpoints (nothing listens: no delivery worker runs here, the states are set below).
  const endpoints = [];
  for (const name of ['a', 'b'])
    endpoints.push(
      await createWebhookEndpoint(
        payoutApi.db,
        { merchantId: id, url: `http://127.0.0.1:9/${name}`, events: null },
        { allowPrivateTargets: true },
      ),
    );
  const created = await payout
    .client(payoutApi.app, key)
    .post('/payouts', payout.payoutBody({ amount: 2_500_00 }))
    .expect(201);
  payoutId = created.body.id;
  const checkout = await payment.openCheckout(paymentApi.app, key, { amount: 7_000_00 });
  checkoutId = checkout.id;
  const paid = await payment
    .client(paymentApi.app, key)
    .post('/payment/complete', { checkoutId, provider: 'JAZZCASH', mobile: '03000000001' });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  transactionId = paid.body.id;
  // payout.created: delivered to a, failed at b after 3 attempts; every other event stays pending.
  await payoutApi.db.pool.query(
    `UPDATE WebhookDelivery d JOIN WebhookEvent e ON e.id = d.eventId
        SET d.status = IF(d.endpointId = ?, 'DELIVERED', 'FAILED'), d.attemptCount = IF(d.endpointId = ?, 1, 3),
            d.nextAttemptAt = NULL
      WHERE e.merchantId = ? AND e.type = 'payout.created'`,
    [endpoints[0]!.id, endpoints[0]!.id, id],
  );
  [portal, browser] = await Promise.all([startPortal('merchant-portal'), TestBrowser.launch()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('events list, dashboard chart and layout (Chromium)', () => {
  it('when the events list opens, then each row shows its deliveries with attempts and links the object it is about', async () => {
    const page = await merchantPage();
    await page.goto(`${portal.url}/developers/events`);
    const table = page.getByTestId('events-table');
    const row = (type: string) => table.locator('tbody tr', { hasText: type });
    await expect.poll(() => row('payout.created').count(), { timeout: 30_000 }).toBe(1);

    const created = row('payout.created');
    expect(await created.getByTestId('event-delivery').getAttribute('data-status')).toBe('FAILED');
    expect(await created.getByTestId('event-delivery').textContent()).toBe('FAILED1 delivered, 1 failed · 4 attempts');
    const pending = row('payment.succeeded').getByTestId('event-delivery');
    expect(await pending.getAttribute('data-status')).toBe('PENDING');
    expect(await pending.textContent()).toBe('PENDING2 pending · 0 attempts');

    expect(await row('checkout.completed').getByTestId('event-object').textContent()).toBe(`checkout ${checkoutId}`);
    expect(await row('payment.succeeded').getByRole('link', { name: transactionId }).getAttribute('href')).toBe(
      `/payments/transactions/${transactionId}`,
    );
    expect(await layoutProblems(page, true)).toEqual([]);
    await saveScreenshot(page, 'merchant-events.png');

    await created.getByRole('link', { name: payoutId }).click();
    await page.waitForURL(`${portal.url}/payouts/${payoutId}`);
  });

  it('when the dashboard opens, then the chart says PKR on the value axis and days on the time axis', async () => {
    const page = await merchantPage();
    const chart = page.getByTestId('volume-chart');
    // Recharts 3 draws ticks and labels in z-index layers, outside the axis group: the value axis's
    // ticks are the end-anchored texts, the time axis's the middle-anchored ones.
    const yTicks = chart.locator('text.recharts-cartesian-axis-tick-value[text-anchor="end"]');
    const xTicks = chart.locator('text.recharts-cartesian-axis-tick-value[text-anchor="middle"]');
    // The chart is drawn after hydration (ResponsiveContainer measures its box first).
    await expect.poll(() => yTicks.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect((await chart.locator('text.recharts-label').allTextContents()).sort()).toEqual(['Day (UTC)', 'PKR']);
    // Rupees, compact (the payment of PKR 7,000 puts the top tick in thousands).
    const yTexts = await yTicks.allTextContents();
    for (const t of yTexts) expect(t).toMatch(/^\d+(\.\d)?[kM]?$/);
    expect(yTexts.some((t) => t.endsWith('k'))).toBe(true);
    const xTexts = await xTicks.allTextContents();
    expect(xTexts.length).toBeGreaterThan(2);
    for (const t of xTexts) expect(t).toMatch(/^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/);
    const now = new Date();
    const today = `${now.getUTCDate()} ${now.toLocaleString('en', { month: 'short', timeZone: 'UTC' })}`;
    // The range ends today; the tooltip of the last bar names it (ticks may skip days in between).
    await chart.locator('.recharts-bar-rectangle').last().hover();
    await expect.poll(() => chart.locator('.recharts-tooltip-label').textContent()).toBe(today);
    expect(await layoutProblems(page, true)).toEqual([]);
    await saveScreenshot(page, 'merchant-dashboard-chart.png');
  });

  it('when the main lists open at 1366×768, then no table is wider than its panel and the page does not scroll sideways', async () => {
    const page = await merchantPage();
    for (const url of ['/payouts', '/payments', '/payments/transactions', '/payments/refunds', '/developers/logs']) {
      await page.goto(`${portal.url}${url}`);
      await page.locator('main').waitFor();
      expect(await layoutProblems(page, true), url).toEqual([]);
    }
  });

  it('when the pages open on a 375 px phone, then none scrolls sideways (wide tables scroll inside their panel)', async () => {
    const page = await merchantPage(PHONE);
    for (const url of ['/', '/developers/events', '/payouts', '/payments/transactions', `/payouts/${payoutId}`]) {
      await page.goto(`${portal.url}${url}`);
      await page.locator('main').waitFor();
      expect(await layoutProblems(page, false), url).toEqual([]);
    }
    await page.goto(`${portal.url}/developers/events`);
    await saveScreenshot(page, 'merchant-events-phone.png');
  });
});
