import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abortWhileLockedThenRetry,
  type FaultKit,
  holdLock,
  startFaultKit,
  takeOverWhileLocked,
} from '../../../test/support/faults.ts';
import {
  available,
  checkoutBody,
  createTestMerchant,
  ledgerSum,
  openCheckout,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from './support.ts';

/**
 * The Payment API's creating routes against a create that waits on a row lock while its client
 * gives up and retries with the same key, and against a retry that takes over a key whose
 * request still runs: one checkout, one payment attempt, one credit per key.
 */
const STALE_AFTER_MS = 500;
let api: TestApi;
let kit: FaultKit;

beforeAll(async () => {
  api = startTestApi({ env: { IDEMPOTENCY_STALE_AFTER: `${STALE_AFTER_MS}ms` } });
  kit = await startFaultKit(api.db.pool, api.app);
});
afterAll(async () => {
  await kit?.close();
  await api?.close();
});

const count = (sql: string, params: unknown[]) => kit.count(sql, params);
const create = (m: TestMerchant, path: string, body: unknown) => kit.create(m, path, body);
// The merchant has no checkout yet: a locking read of its (empty) range takes the gap a new
// checkout row goes into, so the create's insert waits while the key's own insert does not.
const lockCheckoutGap = (m: TestMerchant) => () =>
  holdLock(
    api.db.pool,
    'SELECT id FROM Checkout FORCE INDEX (Checkout_merchantId_createdAt_id_idx) WHERE merchantId = ? FOR UPDATE',
    [m.merchantId],
  );
const checkoutsOf = (m: TestMerchant) =>
  count('SELECT COUNT(*) AS n FROM Checkout WHERE merchantId = ?', [m.merchantId]);

describe('POST /api/checkout/create under faults', () => {
  it('when the create waits on a lock and the client gives up, then the retry replays the one checkout', async () => {
    const m = await createTestMerchant(api.db);
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, '/api/checkout/create', checkoutBody()),
      lock: lockCheckoutGap(m),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { status: 'OPEN' } });
    expect(await checkoutsOf(m)).toBe(1);
  });

  it('when a retry takes over the key while the first create still waits on the lock, then one checkout exists', async () => {
    const m = await createTestMerchant(api.db);
    const { first, second, replay } = await takeOverWhileLocked({
      ...create(m, '/api/checkout/create', checkoutBody()),
      lock: lockCheckoutGap(m),
      staleAfterMs: STALE_AFTER_MS,
    });

    expect(first.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(replay).toEqual({ status: 201, body: second.body, replayed: true });
    expect(await checkoutsOf(m)).toBe(1);
  });
});

describe('POST /payment/complete under faults', () => {
  it('when the attempt waits on the checkout row lock and the client gives up, then the retry replays the one payment and the merchant is credited once', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { amount: 40_000 });
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, '/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000001' }),
      lock: () => holdLock(api.db.pool, 'SELECT id FROM Checkout WHERE id = ? FOR UPDATE', [checkout.id]),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { status: 'SUCCEEDED' } });
    expect(await count('SELECT COUNT(*) AS n FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id])).toBe(1);
    expect(await available(api.db, m.merchantId)).toBe(40_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(40_000);
  });

  it('when a failed attempt waits on the lock and the client gives up, then the retry replays it instead of recording a second failure', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    const { early, replay } = await abortWhileLockedThenRetry({
      // Scenario 4: the attempt fails at once (ACCOUNT_BLOCKED) and the checkout stays OPEN.
      ...create(m, '/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000004' }),
      lock: () => holdLock(api.db.pool, 'SELECT id FROM Checkout WHERE id = ? FOR UPDATE', [checkout.id]),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { status: 'FAILED' } });
    expect(await count('SELECT COUNT(*) AS n FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id])).toBe(1);
  });
});

describe('POST /refunds under faults', () => {
  async function paidTransaction(m: TestMerchant) {
    const checkout = await openCheckout(api.app, m.key, { amount: 40_000 });
    const pay = await kit.create(m, '/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    const res = await fetch(pay.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${m.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(pay.body),
    });
    return ((await res.json()) as { id: string }).id;
  }
  const lockPayment = (txnId: string) => () =>
    holdLock(api.db.pool, 'SELECT id FROM PaymentTransaction WHERE id = ? FOR UPDATE', [txnId]);
  const refundsOf = (txnId: string) => count('SELECT COUNT(*) AS n FROM Refund WHERE transactionId = ?', [txnId]);

  it('when the refund waits on the payment row lock and the client gives up, then the retry replays the one refund, debited once', async () => {
    const m = await createTestMerchant(api.db);
    const txnId = await paidTransaction(m);
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, '/refunds', { transactionId: txnId, amount: 15_000 }),
      lock: lockPayment(txnId),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { status: 'SUCCEEDED', amount: 15_000 } });
    expect(await refundsOf(txnId)).toBe(1);
    expect(await available(api.db, m.merchantId)).toBe(25_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(25_000);
  });

  it('when a retry takes over the key while the first refund still waits on the lock, then one refund exists', async () => {
    const m = await createTestMerchant(api.db);
    const txnId = await paidTransaction(m);
    const { first, second, replay } = await takeOverWhileLocked({
      ...create(m, '/refunds', { transactionId: txnId }),
      lock: lockPayment(txnId),
      staleAfterMs: STALE_AFTER_MS,
    });

    expect(first.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(replay).toEqual({ status: 201, body: second.body, replayed: true });
    expect(await refundsOf(txnId)).toBe(1);
    expect(await available(api.db, m.merchantId)).toBe(0);
  });
});
