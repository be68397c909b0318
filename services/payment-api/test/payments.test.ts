import { cancelCheckout } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterWorkerPolls,
  available,
  client,
  createTestMerchant,
  eventTypes,
  ledgerSum,
  ledgerTypes,
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

const AMOUNT = 250_000;

async function payWith(mobile: string, extra: Record<string, unknown> = {}) {
  const m = await createTestMerchant(api.db);
  const checkout = await openCheckout(api.app, m.key, { amount: AMOUNT });
  const c = client(api.app, m.key);
  const res = await c.post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile, ...extra });
  return { m, c, checkout, res };
}

const checkoutOf = (c: ReturnType<typeof client>, id: string) => c.get(`/checkouts/${id}`).then((r) => r.body);

describe('POST /payment/complete — scenarios', () => {
  it.each([
    ['03000000001', 'SUCCESS'],
    ['03000000009', 'TITLE_MISMATCH'],
    ['03001234567', 'SUCCESS'],
  ])(
    'when the payer is %s, then SUCCEEDED at once, checkout COMPLETED, balance credited once',
    async (mobile, scenario) => {
      const { m, c, checkout, res } = await payWith(mobile, { otp: '123456' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        checkoutId: checkout.id,
        status: 'SUCCEEDED',
        scenario,
        amount: AMOUNT,
        currency: 'PKR',
        provider: 'JAZZCASH',
        mobile,
        failure: null,
      });
      expect(res.body.id).toMatch(/^txn_/);
      const after = await checkoutOf(c, checkout.id);
      expect(after.status).toBe('COMPLETED');
      expect(after.completedAt).toBeTruthy();
      expect(after.latestTransaction.id).toBe(res.body.id);
      expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
      expect(await ledgerSum(api.db, m.merchantId)).toBe(AMOUNT);
      expect(await ledgerTypes(api.db, m.merchantId)).toEqual(['PAYMENT_CREDIT']);
      expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.completed', 'payment.succeeded']);
    },
  );

  it.each([
    ['03000000003', 'ACCOUNT_NOT_FOUND'],
    ['03000000004', 'ACCOUNT_BLOCKED'],
    ['03000000005', 'INSUFFICIENT_FUNDS'],
    ['03000000010', 'INVALID_OTP'],
  ])('when the payer is %s, then FAILED %s, checkout stays OPEN, nothing credited', async (mobile, code) => {
    const { m, c, checkout, res } = await payWith(mobile);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('FAILED');
    expect(res.body.failure.code).toBe(code);
    expect(res.body.failure.message).toBeTruthy();
    const after = await checkoutOf(c, checkout.id);
    expect(after.status).toBe('OPEN');
    expect(after.latestTransaction.status).toBe('FAILED');
    expect(await available(api.db, m.merchantId)).toBe(0);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['payment.failed']);
  });

  it.each([
    ['+923000000004', '03000000004', 'ACCOUNT_BLOCKED'],
    ['923000000009', '03000000009', 'TITLE_MISMATCH'],
    ['00923000000001', '03000000001', 'SUCCESS'],
    ['0300-0000005', '03000000005', 'LIMIT_EXCEEDED'],
  ])(
    'when the payer sends the mobile form %s, then it is %s with its scenario %s',
    async (mobile, stored, scenario) => {
      const { res } = await payWith(mobile, { otp: '123456' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ mobile: stored, scenario });
      const row = await api.db.pool.query('SELECT mobile FROM PaymentTransaction WHERE id = ?', [res.body.id]);
      expect(row[0].mobile).toBe(stored);
    },
  );

  it('when a checkout names its customer by +92 mobile, then it is kept as 03XXXXXXXXX', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { amount: AMOUNT, customer: { mobile: '+923001234567' } });
    const fetched = await client(api.app, m.key).get(`/checkouts/${checkout.id}`);
    expect(fetched.body.customer.mobile).toBe('03001234567');
  });

  it('when the payer is 03000000002, then PENDING, then SUCCEEDED by the worker with the checkout COMPLETED and credited', async () => {
    const { m, c, checkout, res } = await payWith('03000000002');
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PENDING');
    expect(await available(api.db, m.merchantId)).toBe(0);
    const done = await waitFor(
      () => checkoutOf(c, checkout.id),
      (b) => b.status === 'COMPLETED',
    );
    expect(done.status).toBe('COMPLETED');
    expect(done.latestTransaction.status).toBe('SUCCEEDED');
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['checkout.completed', 'payment.succeeded']);
  });

  it('when the payer is 03000000006, then PENDING, then FAILED TIMEOUT with the checkout OPEN and nothing credited', async () => {
    const { m, c, checkout, res } = await payWith('03000000006');
    expect(res.body.status).toBe('PENDING');
    const done = await waitFor(
      () => checkoutOf(c, checkout.id),
      (b) => b.latestTransaction.status !== 'PENDING',
    );
    expect(done.status).toBe('OPEN');
    expect(done.latestTransaction).toMatchObject({ status: 'FAILED', failure: { code: 'TIMEOUT' } });
    expect(await available(api.db, m.merchantId)).toBe(0);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['payment.failed']);
  });

  it('when the payer is 03000000007, then 503 PROVIDER_UNAVAILABLE and nothing is created', async () => {
    const { m, c, checkout, res } = await payWith('03000000007');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('30');
    const after = await checkoutOf(c, checkout.id);
    expect(after).toMatchObject({ status: 'OPEN', latestTransaction: null });
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
    expect(await eventTypes(api.db, m.merchantId)).toEqual([]);
  });

  it('when the payer is 03000000008, then SUCCEEDED, then REFUNDED by the worker with the credit debited back once', async () => {
    const { m, c, checkout, res } = await payWith('03000000008');
    expect(res.body.status).toBe('SUCCEEDED');
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
    const done = await waitFor(
      () => checkoutOf(c, checkout.id),
      (b) => b.latestTransaction.status === 'REFUNDED',
    );
    expect(done.status).toBe('COMPLETED');
    expect(done.latestTransaction.status).toBe('REFUNDED');
    // Let the workers run over it again: had they (wrongly) acted twice, it would show now.
    await afterWorkerPolls(api);
    expect(await available(api.db, m.merchantId)).toBe(0);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual(['PAYMENT_CREDIT', 'PAYMENT_REFUND']);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(0);
    expect(await eventTypes(api.db, m.merchantId)).toEqual([
      'checkout.completed',
      'payment.refunded',
      'payment.succeeded',
      'refund.created',
      'refund.succeeded',
    ]);
  });
});

describe('POST /payment/complete — checkout state', () => {
  it('when an attempt failed, then the customer can retry on the same checkout and the retry succeeds', async () => {
    const { m, c, checkout } = await payWith('03000000004');
    const retry = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'EASYPAISA',
      mobile: '03000000001',
    });
    expect(retry.status).toBe(201);
    expect(retry.body.status).toBe('SUCCEEDED');
    expect((await checkoutOf(c, checkout.id)).status).toBe('COMPLETED');
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
  });

  it('when the checkout is already COMPLETED, then 422 INVALID_STATE and nothing more is credited', async () => {
    const { m, c, checkout } = await payWith('03000000001');
    const again = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('INVALID_STATE');
    // Even the "provider down" number: the state is checked first.
    const down = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000007',
    });
    expect(down.status).toBe(422);
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
  });

  it('when an attempt is PENDING, then another attempt is 422 INVALID_STATE', async () => {
    const { c, checkout } = await payWith('03000000006');
    const second = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(second.status).toBe(422);
    expect(second.body.error.code).toBe('INVALID_STATE');
    expect(second.body.error.message).toMatch(/pending/);
  });

  it('when the checkout has passed expiresAt (even before the sweep), then 422 INVALID_STATE and nothing credited', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    await api.db.pool.query('UPDATE Checkout SET expiresAt = ? WHERE id = ?', [
      new Date(Date.now() - 1000),
      checkout.id,
    ]);
    const c = client(api.app, m.key);
    const res = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_STATE');
    expect(await available(api.db, m.merchantId)).toBe(0);
  });

  it('when the checkout was cancelled, then 422 INVALID_STATE', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    await cancelCheckout({ db: api.db, publicUrl: api.config.publicUrl }, { checkoutId: checkout.id });
    const res = await client(api.app, m.key).post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_STATE');
  });

  it('when the checkout belongs to another merchant, then 404 and the owner is not credited', async () => {
    const owner = await createTestMerchant(api.db);
    const other = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, owner.key);
    const res = await client(api.app, other.key).post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await available(api.db, owner.merchantId)).toBe(0);
  });
});

describe('POST /payment/complete — validation and idempotency', () => {
  it.each([
    ['unknown provider', { provider: 'PAYPAL' }, 'provider'],
    ['bank code as provider', { provider: 'HBL' }, 'provider'],
    ['short mobile', { mobile: '0300123' }, 'mobile'],
    ['mobile not starting 03', { mobile: '04000000001' }, 'mobile'],
    ['OTP of 3 digits', { otp: '123' }, 'otp'],
    ['OTP with letters', { otp: '12ab' }, 'otp'],
    ['missing checkoutId', { checkoutId: undefined }, 'checkoutId'],
  ])('when %s, then 400 VALIDATION_ERROR naming the field and nothing is created', async (_name, overrides, field) => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    const res = await client(api.app, m.key).post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
      ...overrides,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
  });

  it('when the same Idempotency-Key is replayed, then the stored transaction comes back and the balance is credited once', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key);
    const c = client(api.app, m.key);
    const body = { checkoutId: checkout.id, provider: 'SADAPAY', mobile: '03000000001' };
    const first = await c.post('/payment/complete', body).set('Idempotency-Key', `pay-${checkout.id}`);
    const second = await c.post('/payment/complete', body).set('Idempotency-Key', `pay-${checkout.id}`);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await available(api.db, m.merchantId)).toBe(AMOUNT);
  });
});
