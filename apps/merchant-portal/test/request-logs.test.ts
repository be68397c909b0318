import { createMerchant, randomHex } from '@mypay/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../../services/payment-api/test/support.ts';
import { addKey, client, payoutBody, startTestApi, type TestApi } from '../../../services/payout-api/test/support.ts';
import { TestBrowser } from '../../../test/support/browser.ts';
import { type RunningPortal, startPortal } from '../../../test/support/portal-server.ts';

/**
 * Developers → Logs and the "Requests" panels, in Chromium against the built portal. The requests
 * are real ones: both APIs run in this process on the shared test database and log as they serve.
 */

let api: TestApi;
let pay: payment.TestApi;
let portal: RunningPortal;
let browser: TestBrowser;
const merchant = { id: '', email: '', password: '', key: '' };
const ids = { create: '', invalid: '', read: '', hook: '', checkout: '', pay: '' };
let payoutId = '';
let checkoutId = '';
let transactionId = '';
let webhookSecret = '';
const idemKey = `portal-logs-${randomHex(6)}`;

const loggedIn = (): Promise<Page> =>
  browser.loggedInPage(portal.url, merchant, { viewport: { width: 1280, height: 900 } });

beforeAll(async () => {
  api = startTestApi({ worker: false });
  pay = payment.startTestApi({ workers: false });
  merchant.email = `portal-logs-${randomHex(6)}@example.test`;
  merchant.password = `pw-${randomHex(8)}`;
  ({ id: merchant.id } = await createMerchant(api.db, {
    name: `Portal logs ${randomHex(2)}`,
    email: merchant.email,
    password: merchant.password,
    openingBalance: 10_000_000,
  }));
  merchant.key = await addKey(api.db, merchant.id, 'all');
  for (const k of Object.keys(ids) as (keyof typeof ids)[]) ids[k] = `${k}-${randomHex(8)}`;

  const c = client(api.app, merchant.key);
  const created = await c
    .post('/payouts', payoutBody())
    .set('Idempotency-Key', idemKey)
    .set('X-Request-Id', ids.create);
  expect(created.status).toBe(201);
  payoutId = created.body.id;
  await c.post('/payouts', { amount: 'lots' }).set('X-Request-Id', ids.invalid);
  await c.get(`/payouts/${payoutId}`).set('X-Request-Id', ids.read);
  const hook = await c.post('/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }).set('X-Request-Id', ids.hook);
  expect(hook.status).toBe(201);
  webhookSecret = hook.body.secret;
  expect(webhookSecret).toMatch(/^whsec_/);
  const checkout = await payment
    .client(pay.app, merchant.key)
    .post('/api/checkout/create', payment.checkoutBody())
    .set('X-Request-Id', ids.checkout);
  expect(checkout.status).toBe(201);
  checkoutId = checkout.body.id;
  const paid = await payment
    .client(pay.app, merchant.key)
    .post('/payment/complete', { checkoutId, provider: 'JAZZCASH', mobile: '03000000001' })
    .set('X-Request-Id', ids.pay);
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  transactionId = paid.body.id;
  await Promise.all([api.requestLog?.flush(), pay.requestLog?.flush()]);

  [portal, browser] = await Promise.all([
    startPortal('merchant-portal', { PUBLIC_PAYOUT_API_URL: 'http://127.0.0.1:4001' }),
    TestBrowser.launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await pay?.close();
  await api?.close();
});

const rowIds = (page: Page, table: string) =>
  page
    .getByRole('table', { name: table })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id')));

describe('Developers → Logs (built portal, Chromium)', () => {
  it("when the merchant filters by status 4xx, then only the failed request is listed; unfiltered, both APIs' requests are listed", async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/developers`);
    await page.getByRole('navigation', { name: 'Developers' }).getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL(`${portal.url}/developers/logs`);
    await expect
      .poll(() => rowIds(page, 'Logged requests'))
      .toEqual([ids.pay, ids.checkout, ids.hook, ids.read, ids.invalid, ids.create]);

    await page.getByLabel('Status').fill('4xx');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=4xx/);
    await expect.poll(() => rowIds(page, 'Logged requests')).toEqual([ids.invalid]);
    expect(await page.getByRole('table', { name: 'Logged requests' }).textContent()).toContain('VALIDATION_ERROR');

    await page.goto(`${portal.url}/developers/logs?status=4x`);
    await expect.poll(() => page.locator('p.alert.error').textContent()).toContain('status');
  });

  it('when the merchant opens a payout create, then both bodies are pretty-printed, its events are linked and the curl has no key', async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/developers/logs?idempotencyKey=${idemKey}`);
    await expect.poll(() => rowIds(page, 'Logged requests')).toEqual([ids.create]);
    await page.getByRole('link', { name: /POST \/api\/v1\/payouts/ }).click();
    await page.waitForURL(`${portal.url}/developers/logs/${ids.create}`);

    const requestBody = (await page.getByTestId('request-body').textContent()) ?? '';
    expect(JSON.parse(requestBody)).toMatchObject({ amount: 10_000, currency: 'PKR' });
    expect(requestBody).toContain('\n  "amount": 10000'); // pretty-printed
    const responseBody = (await page.getByTestId('response-body').textContent()) ?? '';
    expect(JSON.parse(responseBody)).toMatchObject({ id: payoutId });

    const curl = (await page.getByTestId('curl').textContent()) ?? '';
    expect(curl).toContain('curl -X POST');
    expect(curl).toContain('http://127.0.0.1:4001/api/v1/payouts');
    expect(curl).toContain('$MYPAY_API_KEY');
    expect(curl).toContain(`Idempotency-Key: ${idemKey}`);
    expect(curl).not.toContain(merchant.key);
    expect(await page.content()).not.toContain(merchant.key);

    const events = page.getByRole('list', { name: 'Events it caused' });
    await expect.poll(() => events.getByRole('link', { name: 'payout.created' }).count()).toBe(1);
    await page.getByRole('link', { name: payoutId }).first().click();
    await page.waitForURL(`${portal.url}/payouts/${payoutId}`);
  });

  it('when the merchant opens the webhook endpoint create, then its signing secret shows as [redacted] and is nowhere on the page', async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/developers/logs/${ids.hook}`);
    const responseBody = (await page.getByTestId('response-body').textContent()) ?? '';
    expect(JSON.parse(responseBody)).toMatchObject({ secret: '[redacted]' });
    expect(await page.content()).not.toContain(webhookSecret);
  });

  it("when another merchant's request id is opened, then it is not found", async () => {
    const page = await loggedIn();
    const other = await payment.createTestMerchant(api.db, { scope: 'all' });
    await client(api.app, other.key).get('/balance').set('X-Request-Id', `other-${ids.read}`);
    await api.requestLog?.flush();
    const res = await page.goto(`${portal.url}/developers/logs/other-${ids.read}`);
    expect(res?.status()).toBe(404);
  });
});

describe('"Requests" panels (built portal, Chromium)', () => {
  it('when the merchant opens a payout, then its panel lists the requests that created and read it, each opening its entry', async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/payouts/${payoutId}`);
    const panel = page.getByTestId('requests-panel');
    await expect.poll(() => rowIds(page, 'Requests')).toEqual([ids.read, ids.create]);
    await panel.getByRole('link', { name: `GET /api/v1/payouts/${payoutId}` }).click();
    await page.waitForURL(`${portal.url}/developers/logs/${ids.read}`);
    expect(await page.getByTestId('response-body').textContent()).toContain(payoutId);
  });

  it('when the merchant opens a checkout, then its panel lists the Payment API request that created it', async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/payments/checkouts/${checkoutId}`);
    await expect.poll(() => rowIds(page, 'Requests')).toEqual([ids.checkout]);
    await page.getByTestId('requests-panel').getByRole('link', { name: 'All in Logs →' }).click();
    await page.waitForURL(/\/developers\/logs\?objectId=/);
    await expect.poll(() => rowIds(page, 'Logged requests')).toEqual([ids.checkout]);
  });

  it('when the merchant opens a transaction, then its panel lists the payment that made it', async () => {
    const page = await loggedIn();
    await page.goto(`${portal.url}/payments/transactions/${transactionId}`);
    await expect.poll(() => rowIds(page, 'Requests')).toEqual([ids.pay]);
    expect(await page.getByTestId('requests-panel').textContent()).toContain('POST /payment/complete');
  });
});
