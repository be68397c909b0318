import { createWebhookEndpoint, SCENARIOS } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePaymentApiConfig } from '../src/config.ts';
import { client, createTestMerchant, startShop, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

describe('platform routes', () => {
  it('when /health is called without a key, then 200 with db up', async () => {
    const res = await request(api.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'up', version: expect.any(String) });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('when the caller sends X-Request-Id, then it is echoed', async () => {
    const res = await request(api.app).get('/health').set('X-Request-Id', 'my-trace-123');
    expect(res.headers['x-request-id']).toBe('my-trace-123');
  });

  it('when /openapi.json is fetched (root or /api/checkout/), then it is OpenAPI 3.1 listing every route', async () => {
    for (const path of ['/openapi.json', '/api/checkout/openapi.json']) {
      const res = await request(api.app).get(path);
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/checkout/create',
          '/checkouts/{id}',
          '/payment/complete',
          '/transactions',
          '/webhooks/test',
          '/health',
        ]),
      );
      expect(res.body.paths['/api/checkout/create'].post.requestBody).toBeTruthy();
      expect(res.body.paths['/payment/complete'].post.responses['422']).toBeTruthy();
    }
  });

  it('when /docs is fetched, then an HTML reference without scripts', async () => {
    const res = await request(api.app).get('/api/checkout/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('/payment/complete');
    expect(res.text).not.toContain('<script');
  });

  it('when /docs is fetched, then it has curl for checkout create and refunds with the key header and the seeded scenario table', async () => {
    const html = (await request(api.app).get('/docs')).text;
    for (const call of ['POST $BASE/api/checkout/create', 'POST $BASE/refunds', 'curl -s $BASE/checkouts/cs_'])
      expect(html).toContain(call);
    expect(html).toContain('Authorization: Bearer $KEY');
    const rows = [...html.matchAll(/<tr><td>(\d+)<\/td><td><code>([A-Z_]+)<\/code><\/td><td>(\d+)<\/td>/g)];
    expect(rows.map(([, n, key, mobile]) => ({ n: Number(n), key, mobile }))).toEqual(
      SCENARIOS.map((s) => ({ n: s.number, key: s.key, mobile: s.mobile })),
    );
  });

  it('when an unknown route is called, then a JSON 404', async () => {
    const res = await request(api.app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('POST /webhooks/test', () => {
  it('when the merchant has an endpoint, then a signed webhook.test is delivered now and the attempt returned', async () => {
    const m = await createTestMerchant(api.db);
    const shop = await startShop();
    try {
      const endpoint = await createWebhookEndpoint(
        api.db,
        { merchantId: m.merchantId, url: `${shop.url}/hooks` },
        { allowPrivateTargets: true },
      );
      const res = await client(api.app, m.key).post('/webhooks/test');
      expect(res.status).toBe(200);
      expect(res.body.eventId).toMatch(/^evt_/);
      expect(res.body.deliveries).toHaveLength(1);
      expect(res.body.deliveries[0]).toMatchObject({
        endpointId: endpoint.id,
        status: 'DELIVERED',
        attempt: { statusCode: 200 },
      });
      expect(shop.hits).toContain('/hooks');
      expect(endpoint.secret).toMatch(/^whsec_/);
    } finally {
      await shop.close();
    }
  });

  it('when the merchant has no endpoint, then 422 INVALID_STATE', async () => {
    const m = await createTestMerchant(api.db);
    const res = await client(api.app, m.key).post('/webhooks/test', {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_STATE');
  });

  it('when no key is sent, then 401', async () => {
    expect((await request(api.app).post('/webhooks/test')).status).toBe(401);
  });

  it('when the test delivery fails, then it is FAILED at once and never rescheduled', async () => {
    const m = await createTestMerchant(api.db);
    // Nothing listens on the discard port: the connection is refused.
    await createWebhookEndpoint(
      api.db,
      { merchantId: m.merchantId, url: 'http://127.0.0.1:9/hooks' },
      { allowPrivateTargets: true },
    );
    const res = await client(api.app, m.key).post('/webhooks/test');
    expect(res.status).toBe(200);
    expect(res.body.deliveries).toHaveLength(1);
    expect(res.body.deliveries[0]).toMatchObject({ status: 'FAILED', attempt: { attemptNumber: 1, statusCode: null } });
    const [row] = await api.db.pool.query('SELECT status, nextAttemptAt FROM WebhookDelivery WHERE id = ?', [
      res.body.deliveries[0].deliveryId,
    ]);
    expect(row).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
  });

  it('when a merchant sends more test events a minute than allowed, then 429 RATE_LIMITED with Retry-After, for that merchant only', async () => {
    const limited = startTestApi({ env: { WEBHOOK_TEST_LIMIT_PER_MINUTE: '2' }, workers: false });
    const shop = await startShop();
    try {
      const m = await createTestMerchant(limited.db);
      const other = await createTestMerchant(limited.db);
      for (const merchant of [m, other]) {
        await createWebhookEndpoint(
          limited.db,
          { merchantId: merchant.merchantId, url: `${shop.url}/hooks` },
          { allowPrivateTargets: true },
        );
      }
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await client(limited.app, m.key).post('/webhooks/test')).status);
      expect(statuses).toEqual([200, 200, 429]);
      const refused = await client(limited.app, m.key).post('/webhooks/test');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Refused sends leave nothing behind: two events, two deliveries.
      const [count] = await limited.db.pool.query(
        "SELECT COUNT(*) AS n FROM WebhookEvent WHERE merchantId = ? AND type = 'webhook.test'",
        [m.merchantId],
      );
      expect(Number(count.n)).toBe(2);
      expect(shop.hits.filter((hit) => hit === '/hooks')).toHaveLength(2);
      expect((await client(limited.app, other.key).post('/webhooks/test')).status).toBe(200);
    } finally {
      await shop.close();
      await limited.close();
    }
  });
});

describe('config', () => {
  it('when production lacks CHECKOUT_CSRF_SECRET or PUBLIC_SANDBOX_URL, then every problem is named', () => {
    expect(() => parsePaymentApiConfig({ NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@db:3306/mypay' })).toThrow(
      /CHECKOUT_CSRF_SECRET[\s\S]*PUBLIC_SANDBOX_URL|PUBLIC_SANDBOX_URL[\s\S]*CHECKOUT_CSRF_SECRET/,
    );
  });

  it('when production has them, then the cookie is Secure and checkoutUrl uses the public base', () => {
    const config = parsePaymentApiConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://u:p@db:3306/mypay',
      CHECKOUT_CSRF_SECRET: 'a'.repeat(40),
      PUBLIC_SANDBOX_URL: 'https://sandbox.mycodigital.io/',
    });
    expect(config.cookieSecure).toBe(true);
    expect(config.publicUrl).toBe('https://sandbox.mycodigital.io');
  });
});
