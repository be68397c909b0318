import { cancelCheckout } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  available,
  client,
  createTestMerchant,
  eventTypes,
  openCheckout,
  startTestApi,
  type TestApi,
} from './support.ts';

let api: TestApi;

// No workers: a PENDING attempt stays PENDING, so the "attempt in flight" case holds still.
beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

async function openFor() {
  const m = await createTestMerchant(api.db);
  const checkout = await openCheckout(api.app, m.key);
  return { m, c: client(api.app, m.key), checkout };
}

async function eventPayloads(merchantId: string, type: string) {
  const rows = (await api.db.pool.query(
    'SELECT CAST(payload AS CHAR) AS body FROM WebhookEvent WHERE merchantId = ? AND type = ? ORDER BY sequence',
    [merchantId, type],
  )) as { body: string }[];
  return rows.map((r) => JSON.parse(r.body));
}

describe('POST /checkouts/:id/cancel', () => {
  it('when the checkout is OPEN, then 200 CANCELLED, one checkout.cancelled event carrying it, and it can no longer be paid', async () => {
    const { m, c, checkout } = await openFor();
    const res = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: checkout.id, status: 'CANCELLED', completedAt: null });
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('CANCELLED');
    const events = await eventPayloads(m.merchantId, 'checkout.cancelled');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'checkout.cancelled', sequence: 1, data: { object: res.body } });

    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.status).toBe(422);
    expect(pay.body.error.code).toBe('INVALID_STATE');
    expect((await request(api.app).get(`/checkout/${checkout.id}`)).status).toBe(410);
    expect(await available(api.db, m.merchantId)).toBe(0);
  });

  it('when the checkout is already CANCELLED, then 422 INVALID_STATE naming CANCELLED and no second event', async () => {
    const { m, c, checkout } = await openFor();
    expect((await c.post(`/checkouts/${checkout.id}/cancel`)).status).toBe(200);
    const again = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout is CANCELLED' });
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.cancelled']);
  });

  it('when the checkout was paid, then 422 INVALID_STATE naming COMPLETED and it stays COMPLETED with its credit', async () => {
    const { m, c, checkout } = await openFor();
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.body.status).toBe('SUCCEEDED');
    const res = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout is COMPLETED' });
    expect(res.body.error.details[0].message).toMatch(/status is COMPLETED/);
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('COMPLETED');
    expect(await available(api.db, m.merchantId)).toBe(checkout.amount);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.completed', 'payment.succeeded']);
  });

  it('when the checkout is EXPIRED (or past expiresAt before the sweep), then 422 INVALID_STATE', async () => {
    const { m, c, checkout } = await openFor();
    await api.db.pool.query('UPDATE Checkout SET expiresAt = ? WHERE id = ?', [
      new Date(Date.now() - 1000),
      checkout.id,
    ]);
    const past = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(past.status).toBe(422);
    expect(past.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout has expired' });
    await api.db.pool.query("UPDATE Checkout SET status = 'EXPIRED' WHERE id = ?", [checkout.id]);
    const expired = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(expired.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout is EXPIRED' });
    expect(await eventTypes(api.db, m.merchantId)).toEqual([]);
  });

  it('when a payment attempt is PENDING, then 422 INVALID_STATE and the checkout stays OPEN', async () => {
    const { m, c, checkout } = await openFor();
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000002',
    });
    expect(pay.body.status).toBe('PENDING');
    const res = await c.post(`/checkouts/${checkout.id}/cancel`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_STATE');
    expect(res.body.error.message).toMatch(/pending/);
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    expect(await eventTypes(api.db, m.merchantId)).toEqual([]);
  });

  it("when the checkout is another merchant's or unknown, then 404 and it stays OPEN", async () => {
    const { c, checkout } = await openFor();
    const other = await createTestMerchant(api.db);
    const res = await client(api.app, other.key).post(`/checkouts/${checkout.id}/cancel`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await client(api.app, other.key).post('/checkouts/cs_doesnotexist/cancel')).status).toBe(404);
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    expect(await eventTypes(api.db, other.merchantId)).toEqual([]);
  });

  it('when the same Idempotency-Key is sent again, then the stored answer is replayed (200, not 422) and one event exists', async () => {
    const { m, c, checkout } = await openFor();
    const key = `cancel-${checkout.id}`;
    const first = await c.post(`/checkouts/${checkout.id}/cancel`).set('Idempotency-Key', key);
    const second = await c.post(`/checkouts/${checkout.id}/cancel`).set('Idempotency-Key', key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.cancelled']);
  });

  it('when the customer cancels on the hosted page, then checkout.cancelled is sent as well', async () => {
    const { m, checkout } = await openFor();
    const cancelled = await cancelCheckout(
      { db: api.db, publicUrl: api.config.publicUrl },
      { checkoutId: checkout.id },
    );
    expect(cancelled.status).toBe('CANCELLED');
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.cancelled']);
  });

  it('when the body is {} rather than none, then the cancel works the same', async () => {
    const { c, checkout } = await openFor();
    const res = await c.post(`/checkouts/${checkout.id}/cancel`, {});
    expect(res.status).toBe(200);
  });
});
