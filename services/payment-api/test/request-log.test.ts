import type { Db } from '@mypay/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestMerchant,
  openCheckout,
  startTestApi,
  type TestApi,
  type TestMerchant,
  uniqueSuffix,
  waitFor,
} from './support.ts';

interface LogRow {
  requestId: string;
  api: string;
  method: string;
  path: string;
  route: string | null;
  status: number;
  errorCode: string | null;
  objectId: string | null;
  keyPrefix: string | null;
  requestBody: string | null;
  responseBody: string | null;
}

let api: TestApi;
let m: TestMerchant;

beforeAll(async () => {
  api = startTestApi({ workers: false });
  m = await createTestMerchant(api.db);
});
afterAll(async () => {
  await api?.close();
});

async function rowsOf(db: Db, merchantId: string, expected: number): Promise<LogRow[]> {
  await api.requestLog?.flush();
  return waitFor(
    async () =>
      (await db.pool.query('SELECT * FROM RequestLog WHERE merchantId = ? ORDER BY id', [merchantId])) as LogRow[],
    (rows) => rows.length >= expected,
  );
}

async function openPage(id: string) {
  const res = await request(api.app).get(`/checkout/${id}`);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
  return { cookie, csrf };
}

describe('the request log on the Payment API', () => {
  it('when checkouts and payments are made with a key, then each is an entry of the payment API naming its object, the OTP redacted', async () => {
    const merchant = await createTestMerchant(api.db);
    const requestId = `pay-${uniqueSuffix()}`;
    const checkout = await openCheckout(api.app, merchant.key);
    const paid = await client(api.app, merchant.key)
      .post('/payment/complete', {
        checkoutId: checkout.id,
        provider: 'JAZZCASH',
        mobile: '03000000001',
        otp: '480915',
      })
      .set('X-Request-Id', requestId);
    expect(paid.status).toBe(201);
    await client(api.app, merchant.key).get(`/checkouts/${checkout.id}`);

    const rows = await rowsOf(api.db, merchant.merchantId, 3);
    expect(rows.map((r) => [r.api, r.method, r.route, r.status, r.objectId])).toEqual([
      ['payment', 'POST', '/api/checkout/create', 201, checkout.id],
      ['payment', 'POST', '/payment/complete', 201, paid.body.id],
      ['payment', 'GET', '/checkouts/:id', 200, checkout.id],
    ]);
    expect(rows[1]?.requestId).toBe(requestId);
    expect(JSON.parse(rows[1]?.requestBody ?? '{}')).toMatchObject({ checkoutId: checkout.id, otp: '[redacted]' });
    // The events the payment caused name its request (what webhooks deliver).
    const events = (await api.db.pool.query(
      'SELECT type, payload FROM WebhookEvent WHERE merchantId = ? ORDER BY sequence',
      [merchant.merchantId],
    )) as { type: string; payload: string | { request: unknown } }[];
    expect(
      events.map((e) => [e.type, (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).request]),
    ).toEqual([
      ['payment.succeeded', { id: requestId, idempotencyKey: null }],
      ['checkout.completed', { id: requestId, idempotencyKey: null }],
    ]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('480915');
    expect(stored).not.toContain(merchant.key);
  });

  it("when a customer pays and cancels on the hosted page, then both posts are entries of the checkout's merchant, OTP and CSRF token redacted", async () => {
    const merchant = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, merchant.key);
    const page = await openPage(checkout.id);
    const pay = await request(api.app)
      .post(`/checkout/${checkout.id}/pay`)
      .set('Cookie', page.cookie)
      .type('form')
      .send({ csrf: page.csrf, provider: 'EASYPAISA', mobile: '03000000010', otp: '735102' });
    expect(pay.status).toBe(303);
    const second = await openCheckout(api.app, merchant.key);
    const secondPage = await openPage(second.id);
    const cancel = await request(api.app)
      .post(`/checkout/${second.id}/cancel`)
      .set('Cookie', secondPage.cookie)
      .type('form')
      .send({ csrf: secondPage.csrf });
    expect(cancel.status).toBe(303);

    const rows = await rowsOf(api.db, merchant.merchantId, 4);
    const posts = rows.filter((r) => r.path.startsWith('/checkout/'));
    const txn = (await api.db.pool.query('SELECT id FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]))[0];
    expect(posts.map((r) => [r.method, r.route, r.status, r.objectId, r.keyPrefix])).toEqual([
      ['POST', '/checkout/:id/pay', 303, txn.id, null],
      ['POST', '/checkout/:id/cancel', 303, second.id, null],
    ]);
    expect(JSON.parse(posts[0]?.requestBody ?? '{}')).toEqual({
      csrf: '[redacted]',
      provider: 'EASYPAISA',
      mobile: '03000000010',
      otp: '[redacted]',
    });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('735102');
    expect(stored).not.toContain(page.csrf);
    // Opening the page is the customer's read, not a merchant request: not logged.
    expect(rows.some((r) => r.method === 'GET' && r.path.startsWith('/checkout/'))).toBe(false);
  });

  it('when a key of another merchant is used, then the entry is under that merchant, not this one', async () => {
    const other = await createTestMerchant(api.db);
    const id = `iso-${uniqueSuffix()}`;
    await client(api.app, other.key).get('/transactions').set('X-Request-Id', id);
    const rows = await rowsOf(api.db, other.merchantId, 1);
    expect(rows.map((r) => r.requestId)).toContain(id);
    const mine = (await api.db.pool.query('SELECT id FROM RequestLog WHERE merchantId = ? AND requestId = ?', [
      m.merchantId,
      id,
    ])) as unknown[];
    expect(mine).toHaveLength(0);
  });
});
