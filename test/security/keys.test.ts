import { revokeApiKey, setMerchantStatus } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../services/payment-api/test/support.ts';
import * as payout from '../../services/payout-api/test/support.ts';

/**
 * Keys that must stop working: a revoked key (401 UNAUTHENTICATED on both APIs, within the one
 * second the auth cache may hold it), every key of a suspended merchant (403 FORBIDDEN), and a key
 * used on the API its scope does not cover (403). Nothing is created by any refused request.
 */
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
// The auth cache keeps a lookup for at most 1 s (packages/http auth.ts).
const pastAuthCache = () => new Promise((r) => setTimeout(r, 1_300));

const onPayout = (key: string) => ({
  balance: () => request(payoutApi.app).get('/api/v1/balance').set('Authorization', `Bearer ${key}`),
  create: () =>
    request(payoutApi.app)
      .post('/api/v1/payouts')
      .set('X-API-Key', key)
      .send(payout.payoutBody({ amount: 100 })),
});
const onPayment = (key: string) => ({
  list: () => request(paymentApi.app).get('/transactions').set('Authorization', `Bearer ${key}`),
  create: () => request(paymentApi.app).post('/api/checkout/create').set('X-API-Key', key).send(payment.checkoutBody()),
});

async function counts(merchantId: string) {
  const [row] = (await payoutApi.db.pool.query(
    `SELECT (SELECT COUNT(*) FROM Payout WHERE merchantId = ?) AS payouts,
            (SELECT COUNT(*) FROM Checkout WHERE merchantId = ?) AS checkouts,
            (SELECT available FROM MerchantBalance WHERE merchantId = ?) AS available`,
    [merchantId, merchantId, merchantId],
  )) as Record<string, number>[];
  return { payouts: Number(row?.payouts), checkouts: Number(row?.checkouts), available: Number(row?.available) };
}

beforeAll(() => {
  payoutApi = payout.startTestApi({ worker: false });
  paymentApi = payment.startTestApi({ workers: false });
});

afterAll(async () => {
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('revoked and suspended keys', () => {
  it('when a key in use is revoked, then both APIs answer 401 UNAUTHENTICATED and create nothing', async () => {
    const m = await payout.createTestMerchant(payoutApi.db, { scope: 'all' });
    await onPayout(m.key).balance().expect(200);
    await onPayment(m.key).list().expect(200);
    const [key] = (await payoutApi.db.pool.query('SELECT id FROM ApiKey WHERE merchantId = ?', [m.merchantId])) as {
      id: string;
    }[];
    await revokeApiKey(payoutApi.db, {
      merchantId: m.merchantId,
      keyId: String(key?.id),
      actor: { actorType: 'MERCHANT', actorId: m.merchantId },
    });
    await pastAuthCache();
    const before = await counts(m.merchantId);
    for (const res of [
      await onPayout(m.key).balance(),
      await onPayout(m.key).create(),
      await onPayment(m.key).list(),
      await onPayment(m.key).create(),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    expect(await counts(m.merchantId)).toEqual(before);
  });

  it('when the merchant is suspended, then every key of it is 403 FORBIDDEN on both APIs, and works again once reactivated', async () => {
    const m = await payout.createTestMerchant(payoutApi.db, { scope: 'payout' });
    const paymentKey = await payout.addKey(payoutApi.db, m.merchantId, 'payment');
    await onPayout(m.key).balance().expect(200);
    await onPayment(paymentKey).list().expect(200);
    const [admin] = (await payoutApi.db.pool.query('SELECT id FROM AdminUser LIMIT 1')) as { id: string }[];
    await setMerchantStatus(
      payoutApi.db,
      { merchantId: m.merchantId, status: 'SUSPENDED', reason: 'security test' },
      { adminId: String(admin?.id) },
    );
    await pastAuthCache();
    const before = await counts(m.merchantId);
    for (const res of [
      await onPayout(m.key).balance(),
      await onPayout(m.key).create(),
      await onPayment(paymentKey).list(),
      await onPayment(paymentKey).create(),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await counts(m.merchantId)).toEqual(before);

    await setMerchantStatus(
      payoutApi.db,
      { merchantId: m.merchantId, status: 'ACTIVE' },
      { adminId: String(admin?.id) },
    );
    await pastAuthCache();
    await onPayout(m.key).balance().expect(200);
  });

  it('when a key is used on the API its scope does not cover, then it is 403 and creates nothing', async () => {
    const m = await payout.createTestMerchant(payoutApi.db, { scope: 'payout' });
    const paymentKey = await payout.addKey(payoutApi.db, m.merchantId, 'payment');
    const before = await counts(m.merchantId);
    const wrong = [await onPayment(m.key).create(), await onPayout(paymentKey).create()];
    for (const res of wrong) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await counts(m.merchantId)).toEqual(before);
  });
});
