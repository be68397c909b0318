import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterWorkerPolls,
  client,
  createTestMerchant,
  eventTypes,
  openCheckout,
  startTestApi,
  type TestApi,
  waitFor,
} from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const backdate = (id: string) =>
  api.db.pool.query('UPDATE Checkout SET expiresAt = ? WHERE id = ?', [new Date(Date.now() - 1_000), id]);

describe('checkout expiry', () => {
  it('when an OPEN checkout passes expiresAt, then the sweep marks it EXPIRED with one checkout.expired event', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { expiresInSeconds: 60 });
    const c = client(api.app, m.key);
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    await backdate(checkout.id);
    const after = await waitFor(
      () => c.get(`/checkouts/${checkout.id}`).then((r) => r.body),
      (b) => b.status === 'EXPIRED',
    );
    expect(after.status).toBe('EXPIRED');
    // Two more sweeps: had the first not settled the checkout for good, a second event would now be there.
    await afterWorkerPolls(api);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.expired']);
    const event = await api.db.pool.query(
      "SELECT payload FROM WebhookEvent WHERE merchantId = ? AND type = 'checkout.expired'",
      [m.merchantId],
    );
    const payload = typeof event[0].payload === 'string' ? JSON.parse(event[0].payload) : event[0].payload;
    expect(payload.data.object).toMatchObject({ id: checkout.id, status: 'EXPIRED' });
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.status).toBe(422);
    expect(pay.body.error.code).toBe('INVALID_STATE');
  });

  it('when a checkout with a PENDING attempt passes expiresAt, then it stays OPEN until the attempt fails, then expires', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    const c = client(api.app, m.key);
    // TIMEOUT: PENDING, then FAILED. Hold it PENDING until the test releases it.
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000006',
    });
    expect(pay.body.status).toBe('PENDING');
    await api.db.pool.query('UPDATE PaymentTransaction SET nextTransitionAt = ? WHERE id = ?', [
      new Date(Date.now() + 3_600_000),
      pay.body.id,
    ]);
    await backdate(checkout.id);
    // The sweep has run over it (one whole sweep started after the backdate), and left it alone.
    await afterWorkerPolls(api);
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    await api.db.pool.query('UPDATE PaymentTransaction SET nextTransitionAt = ? WHERE id = ?', [
      new Date(),
      pay.body.id,
    ]);
    const after = await waitFor(
      () => c.get(`/checkouts/${checkout.id}`).then((r) => r.body),
      (b) => b.status !== 'OPEN',
    );
    expect(after.status).toBe('EXPIRED');
    expect(after.latestTransaction).toMatchObject({ status: 'FAILED', failure: { code: 'TIMEOUT' } });
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.expired', 'payment.failed']);
  });
});
