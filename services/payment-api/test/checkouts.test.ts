import { MAX_AMOUNT } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addKey,
  checkoutBody,
  client,
  createTestMerchant,
  openCheckout,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from './support.ts';

let api: TestApi;
let m: TestMerchant;

beforeAll(async () => {
  api = startTestApi({ workers: false });
  m = await createTestMerchant(api.db);
});
afterAll(async () => {
  await api?.close();
});

describe('POST /api/checkout/create', () => {
  it('when the body is valid, then 201 with an OPEN checkout, its hosted page URL and a 30-minute expiry', async () => {
    const before = Date.now();
    const res = await client(api.app, m.key).post(
      '/api/checkout/create',
      checkoutBody({ orderId: 'ORDER-1', customer: { mobile: '03001234567', email: 'a@b.test' } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'OPEN',
      amount: 250_000,
      currency: 'PKR',
      orderId: 'ORDER-1',
      customer: { mobile: '03001234567', email: 'a@b.test' },
      successUrl: 'https://shop.example/paid',
      cancelUrl: 'https://shop.example/cancelled',
      completedAt: null,
    });
    expect(res.body.id).toMatch(/^cs_[A-Za-z0-9]{24}$/);
    expect(res.body.checkoutUrl).toBe(`http://pay.sandbox.test/checkout/${res.body.id}`);
    const ttl = new Date(res.body.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(1_799_000);
    expect(ttl).toBeLessThan(1_801_000);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('when expiresInSeconds is given, then expiresAt follows it', async () => {
    const res = await client(api.app, m.key).post('/api/checkout/create', checkoutBody({ expiresInSeconds: 120 }));
    expect(res.status).toBe(201);
    const ttl = new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime();
    expect(ttl).toBe(120_000);
  });

  it.each([
    ['amount 0', { amount: 0 }, 'amount'],
    ['negative amount', { amount: -5 }, 'amount'],
    ['fractional amount', { amount: 10.5 }, 'amount'],
    ['amount above the maximum', { amount: MAX_AMOUNT + 1 }, 'amount'],
    ['amount as a string', { amount: '1000' }, 'amount'],
    ['missing orderId', { orderId: undefined }, 'orderId'],
    ['empty orderId', { orderId: '   ' }, 'orderId'],
    ['orderId over 191 characters', { orderId: 'x'.repeat(192) }, 'orderId'],
    ['orderId with a control character', { orderId: 'a\u0000b' }, 'orderId'],
    ['malformed currency', { currency: 'RUPEES' }, 'currency'],
    ['javascript: successUrl', { successUrl: 'javascript:alert(1)' }, 'successUrl'],
    ['data: cancelUrl', { cancelUrl: 'data:text/html,<script>alert(1)</script>' }, 'cancelUrl'],
    ['relative successUrl', { successUrl: '/thanks' }, 'successUrl'],
    ['ftp successUrl', { successUrl: 'ftp://shop.example/x' }, 'successUrl'],
    ['successUrl with credentials', { successUrl: 'https://user:pw@shop.example/x' }, 'successUrl'],
    ['protocol-relative cancelUrl', { cancelUrl: '//evil.example/x' }, 'cancelUrl'],
    // Hosts the URL parser accepts but a CSP source cannot hold (the hosted page pastes the origin there).
    ['successUrl host with ;', { successUrl: 'https://shop.example;script-src/x' }, 'successUrl'],
    ['cancelUrl host with ,', { cancelUrl: 'https://shop.example,evil.example/x' }, 'cancelUrl'],
    ["successUrl host with '", { successUrl: "https://shop'.example/x" }, 'successUrl'],
    ['successUrl host with *', { successUrl: 'https://*.example/x' }, 'successUrl'],
    ['cancelUrl host with _', { cancelUrl: 'https://my_shop.example/x' }, 'cancelUrl'],
    ['successUrl host with an empty label', { successUrl: 'https://shop..example/x' }, 'successUrl'],
    ['expiresInSeconds below 60', { expiresInSeconds: 59 }, 'expiresInSeconds'],
    ['expiresInSeconds above a day', { expiresInSeconds: 86_401 }, 'expiresInSeconds'],
    ['bad customer mobile', { customer: { mobile: '12345' } }, 'customer.mobile'],
    ['bad customer email', { customer: { email: 'nope' } }, 'customer.email'],
  ])('when %s, then 400 VALIDATION_ERROR naming the field', async (_name, overrides, field) => {
    const res = await client(api.app, m.key).post('/api/checkout/create', checkoutBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it.each(['USD', 'pkr', 'EUR'])(
    'when the currency is %s, then 422 UNSUPPORTED_CURRENCY and nothing is created',
    async (currency) => {
      const orderId = `cur-${currency}-${Date.now()}`;
      const res = await client(api.app, m.key).post('/api/checkout/create', checkoutBody({ currency, orderId }));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('UNSUPPORTED_CURRENCY');
      const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Checkout WHERE merchantId = ? AND orderId = ?', [
        m.merchantId,
        orderId,
      ]);
      expect(Number(rows[0].n)).toBe(0);
    },
  );

  it('when the body is not JSON, then 400 INVALID_JSON', async () => {
    const res = await client(api.app, m.key)
      .post('/api/checkout/create')
      .set('Content-Type', 'application/json')
      .send('{"amount": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('when the body is over 100 KB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await client(api.app, m.key).post(
      '/api/checkout/create',
      checkoutBody({ orderId: 'x'.repeat(110_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when no key, an unknown key or a payout-scope key is sent, then 401/401/403 in the error shape', async () => {
    const none = await request(api.app).post('/api/checkout/create').send(checkoutBody());
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const unknown = await client(api.app, 'not-a-real-key-123').post('/api/checkout/create', checkoutBody());
    expect(unknown.status).toBe(401);
    const payoutKey = await addKey(api.db, m.merchantId, 'payout');
    const wrongScope = await client(api.app, payoutKey).post('/api/checkout/create', checkoutBody());
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body.error.code).toBe('FORBIDDEN');
    const allKey = await addKey(api.db, m.merchantId, 'all');
    const viaX = await request(api.app).post('/api/checkout/create').set('X-API-Key', allKey).send(checkoutBody());
    expect(viaX.status).toBe(201);
  });

  it('when the same Idempotency-Key and body are sent twice, then the second is the stored response and one checkout exists', async () => {
    const body = checkoutBody();
    const c = client(api.app, m.key);
    const first = await c.post('/api/checkout/create', body).set('Idempotency-Key', `create-${body.orderId}`);
    const second = await c.post('/api/checkout/create', body).set('Idempotency-Key', `create-${body.orderId}`);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Checkout WHERE orderId = ?', [body.orderId]);
    expect(Number(rows[0].n)).toBe(1);
    const other = await c
      .post('/api/checkout/create', { ...body, amount: 999 })
      .set('Idempotency-Key', `create-${body.orderId}`);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('GET /checkouts/:id', () => {
  it('when the checkout is the merchant’s, then it is returned with latestTransaction null before any attempt', async () => {
    const created = await openCheckout(api.app, m.key);
    const res = await client(api.app, m.key).get(`/checkouts/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, status: 'OPEN', latestTransaction: null });
  });

  it('when the checkout belongs to another merchant or does not exist, then 404 NOT_FOUND', async () => {
    const other = await createTestMerchant(api.db);
    const theirs = await openCheckout(api.app, other.key);
    const res = await client(api.app, m.key).get(`/checkouts/${theirs.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const missing = await client(api.app, m.key).get('/checkouts/cs_doesnotexist000000000000');
    expect(missing.status).toBe(404);
  });

  it('when no key is sent, then 401', async () => {
    const res = await request(api.app).get('/checkouts/cs_x');
    expect(res.status).toBe(401);
  });
});

describe('GET /checkouts', () => {
  it('when listing page by page, then every checkout appears once, newest first', async () => {
    const owner = await createTestMerchant(api.db);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openCheckout(api.app, owner.key)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await client(api.app, owner.key).get(`/checkouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when filtering by orderId, status and time, then only matching checkouts come back, and only the merchant’s', async () => {
    const owner = await createTestMerchant(api.db);
    const orderId = `shared-order-${Date.now()}`;
    const mine = await openCheckout(api.app, owner.key, { orderId });
    await openCheckout(api.app, owner.key);
    await openCheckout(api.app, m.key, { orderId });
    const byOrder = await client(api.app, owner.key).get(`/checkouts?orderId=${orderId}`);
    expect(byOrder.body.data.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    const open = await client(api.app, owner.key).get('/checkouts?status=OPEN');
    expect(open.body.data).toHaveLength(2);
    const cancelled = await client(api.app, owner.key).get('/checkouts?status=CANCELLED');
    expect(cancelled.body.data).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    const later = await client(api.app, owner.key).get(`/checkouts?from=${encodeURIComponent(future)}`);
    expect(later.body.data).toEqual([]);
  });

  it('when a filter is unknown or invalid, then 400 VALIDATION_ERROR names it', async () => {
    const unknown = await client(api.app, m.key).get('/checkouts?order=1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: 'order' })]);
    const invalid = await client(api.app, m.key).get('/checkouts?status=PAID');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual([expect.objectContaining({ field: 'status' })]);
  });
});
