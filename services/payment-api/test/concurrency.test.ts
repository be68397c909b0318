import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  available,
  client,
  createTestMerchant,
  eventTypes,
  ledgerTypes,
  openCheckout,
  startTestApi,
  type TestApi,
} from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

describe('concurrency', () => {
  it('when 50 payment/complete calls race on one checkout, then exactly one succeeds, the rest are 422, and the balance is credited once', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { amount: 123_456 });
    const c = client(api.app, m.key);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.post('/payment/complete', {
          checkoutId: checkout.id,
          provider: 'JAZZCASH',
          // Different successful numbers, so no two requests are the same request.
          mobile: `0300${String(1_000_000 + i).padStart(7, '0')}`,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422)).toHaveLength(49);
    for (const r of responses.filter((r) => r.status === 422)) expect(r.body.error.code).toBe('INVALID_STATE');
    expect(await available(api.db, m.merchantId)).toBe(123_456);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual(['PAYMENT_CREDIT']);
    const txns = await api.db.pool.query('SELECT status FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]);
    expect(txns).toHaveLength(1);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.completed', 'payment.succeeded']);
  });

  it('when 20 checkouts of one merchant are paid at once, then all succeed and the balance is their sum', async () => {
    const m = await createTestMerchant(api.db);
    const checkouts = await Promise.all(
      Array.from({ length: 20 }, () => openCheckout(api.app, m.key, { amount: 1_000 })),
    );
    const c = client(api.app, m.key);
    const responses = await Promise.all(
      checkouts.map((checkout) =>
        c.post('/payment/complete', { checkoutId: checkout.id, provider: 'NAYAPAY', mobile: '03000000001' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await available(api.db, m.merchantId)).toBe(20_000);
  });
});
