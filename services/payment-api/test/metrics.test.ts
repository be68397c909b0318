import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames, sampleValue } from '../../../test/support/metrics.ts';
import { client, createTestMerchant, openCheckout, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

const scrape = async () => {
  const res = await request(api.app).get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
};

describe('GET /metrics (Payment API)', () => {
  it('when scraped, then it serves the HTTP, pool, outbox and domain metrics', async () => {
    expect(metricNames(await scrape())).toEqual(
      expect.arrayContaining([
        'mypay_http_requests_total',
        'mypay_db_pool_connections',
        'mypay_db_up',
        'mypay_webhook_outbox_oldest_due_seconds',
        'mypay_payments_created_total',
        'mypay_request_log_dropped_total',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
  });

  it('when a payment is made, then the payment counter and the route counter move', async () => {
    const merchant = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, merchant.key, { amount: 25_000 });
    const before = await scrape();
    const res = await client(api.app, merchant.key).post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03001234567',
    });
    expect(res.status).toBe(201);
    const after = await scrape();
    const labels = { status: res.body.status, scenario: 'SUCCESS' };
    expect(sampleValue(after, 'mypay_payments_created_total', labels)).toBeGreaterThanOrEqual(
      sampleValue(before, 'mypay_payments_created_total', labels) + 1,
    );
    const route = { method: 'POST', route: '/payment/complete', status: '201' };
    expect(sampleValue(after, 'mypay_http_requests_total', route)).toBe(
      sampleValue(before, 'mypay_http_requests_total', route) + 1,
    );
  });
});
