import { createLogger, createRefundWorker } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  available,
  client,
  createTestMerchant,
  eventTypes,
  fileWorkerScope,
  ledgerSum,
  ledgerTypes,
  openCheckout,
  startTestApi,
  type TestApi,
  waitFor,
} from './support.ts';

let api: TestApi;

// No workers: a PENDING payment stays PENDING until the test forces it.
beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

const AMOUNT = 250_000;

async function payWith(mobile: string) {
  const m = await createTestMerchant(api.db);
  const c = client(api.app, m.key);
  const checkout = await openCheckout(api.app, m.key, { amount: AMOUNT });
  const pay = await c.post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile });
  return { m, c, checkout, txn: pay.body as { id: string; status: string } };
}

const simulate = (c: ReturnType<typeof client>, id: string, body: object) =>
  c.post(`/sandbox/payments/${id}/simulate`, body);

async function auditOf(targetId: string) {
  return (await api.db.pool.query(
    "SELECT actorType, actorId, action, `before`, `after` FROM AuditLog WHERE targetId = ? AND action = 'payment.simulated'",
    [targetId],
  )) as { actorType: string; action: string; before: unknown; after: unknown }[];
}
const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

describe('POST /sandbox/payments/:id/simulate', () => {
  it('when a PENDING payment is forced to SUCCEEDED, then it is credited, the checkout COMPLETED, evented and audited', async () => {
    const { m, c, checkout, txn } = await payWith('03000000002');
    expect(txn.status).toBe('PENDING');
    const res = await simulate(c, txn.id, { status: 'SUCCEEDED' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: txn.id, status: 'SUCCEEDED', failure: null });
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('COMPLETED');
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(AMOUNT);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.completed', 'payment.succeeded']);
    const audit = await auditOf(txn.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'API_KEY' });
    expect(parsed(audit[0]!.before)).toEqual({ status: 'PENDING' });
    expect(parsed(audit[0]!.after)).toEqual({ status: 'SUCCEEDED', reason: null });
  });

  it('when a PENDING payment is forced to FAILED with a reason, then it fails with that code and nothing is credited', async () => {
    const { m, c, checkout, txn } = await payWith('03000000006');
    const res = await simulate(c, txn.id, { status: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'FAILED', failure: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await c.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['payment.failed']);
    expect(await auditOf(txn.id)).toHaveLength(1);
  });

  it('when a SUCCEEDED or PARTIALLY_REFUNDED payment is forced to REFUNDED, then a refund of what remains succeeds at once', async () => {
    const { m, c, txn } = await payWith('03000000001');
    expect((await c.post('/refunds', { transactionId: txn.id, amount: 50_000 })).body.status).toBe('SUCCEEDED');
    const res = await simulate(c, txn.id, { status: 'REFUNDED' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'REFUNDED', amountRefunded: AMOUNT });
    const refunds = (await c.get(`/refunds?transactionId=${txn.id}`)).body.data;
    expect(refunds.map((r: { amount: number; reason: string | null }) => [r.amount, r.reason])).toEqual([
      [AMOUNT - 50_000, 'simulated'],
      [50_000, null],
    ]);
    expect(await available(api.db, m.merchantId)).toBe(0);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(0);
    expect((await eventTypes(api.db, m.merchantId)).filter((t) => t === 'payment.refunded')).toHaveLength(1);
  });

  it.each([
    ['FAILED → SUCCEEDED', '03000000004', { status: 'SUCCEEDED' }, 'FAILED'],
    ['SUCCEEDED → FAILED', '03000000001', { status: 'FAILED' }, 'SUCCEEDED'],
    ['PENDING → REFUNDED', '03000000002', { status: 'REFUNDED' }, 'PENDING'],
  ])(
    'when the transition is %s, then 422 INVALID_STATE naming the status and nothing changes',
    async (_n, mobile, body, from) => {
      const { m, c, txn } = await payWith(mobile);
      const ledgerBefore = await ledgerTypes(api.db, m.merchantId);
      const eventsBefore = await eventTypes(api.db, m.merchantId);
      const res = await simulate(c, txn.id, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', message: `the transaction is ${from}` });
      expect(await ledgerTypes(api.db, m.merchantId)).toEqual(ledgerBefore);
      expect(await eventTypes(api.db, m.merchantId)).toEqual(eventsBefore);
      expect(await auditOf(txn.id)).toEqual([]);
    },
  );

  it('when a REFUNDED payment is forced to REFUNDED again, then 422 and no second refund', async () => {
    const { m, c, txn } = await payWith('03000000001');
    expect((await simulate(c, txn.id, { status: 'REFUNDED' })).status).toBe(200);
    const again = await simulate(c, txn.id, { status: 'REFUNDED' });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toBe('the transaction is REFUNDED');
    expect((await c.get(`/refunds?transactionId=${txn.id}`)).body.data).toHaveLength(1);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(0);
  });

  it('when the checkout is no longer OPEN, then forcing SUCCEEDED is 422 and nothing is credited', async () => {
    const { m, c, checkout, txn } = await payWith('03000000002');
    await api.db.pool.query("UPDATE Checkout SET status = 'EXPIRED' WHERE id = ?", [checkout.id]);
    const res = await simulate(c, txn.id, { status: 'SUCCEEDED' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout is EXPIRED' });
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
  });

  it("when the payment is another merchant's or the body is bad, then 404 / 400 and nothing changes", async () => {
    const { c, txn } = await payWith('03000000002');
    const other = await createTestMerchant(api.db);
    expect((await simulate(client(api.app, other.key), txn.id, { status: 'SUCCEEDED' })).status).toBe(404);
    const bad = await simulate(c, txn.id, { status: 'PARTIALLY_REFUNDED' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('status');
    expect((await simulate(c, txn.id, { status: 'FAILED', reason: 'lower case' })).status).toBe(400);
    expect((await c.get('/transactions')).body.data[0].status).toBe('PENDING');
  });

  it('when a scenario-6 payment is forced to SUCCEEDED, then its refund fails TIMEOUT after the delay and the money comes back', async () => {
    const { m, c, txn } = await payWith('03000000006');
    expect((await simulate(c, txn.id, { status: 'SUCCEEDED' })).body.status).toBe('SUCCEEDED');
    const refund = await c.post('/refunds', { transactionId: txn.id });
    expect(refund.body).toMatchObject({ status: 'PENDING', scenario: 'TIMEOUT' });
    expect(await available(api.db, m.merchantId)).toBe(0);
    // This file runs no workers: drive the refund worker by hand until the refund is due.
    const worker = createRefundWorker({
      pool: api.db.pool,
      logger: createLogger({ level: 'silent' }),
      scope: fileWorkerScope,
    });
    const done = await waitFor(
      async () => {
        await worker.runOnce();
        return (await c.get(`/refunds/${refund.body.id}`)).body;
      },
      (b) => b.status !== 'PENDING',
    );
    expect(done).toMatchObject({ status: 'FAILED', failure: { code: 'TIMEOUT' } });
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(AMOUNT);
  });
});
