import {
  completePayment,
  createCheckoutExpiryWorker,
  createDirectory,
  createPaymentWorker,
  createPayout,
  createScenarioCatalog,
  expireCheckout,
  getBalance,
  reconcileBalances,
} from '@mypay/core';
import { withSqlTransaction } from '@mypay/db';
import pino from 'pino';
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
  type TestMerchant,
  uniqueSuffix,
  waitFor,
} from './support.ts';

/**
 * The workers behind the Payment API when things go wrong: a failing expiry sweep, a
 * confirmation for a checkout that is no longer OPEN, a refund after the money was paid out.
 * This file's API runs no workers of its own; each test drives the one it is about.
 */
let api: TestApi;
const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });

beforeAll(() => {
  api = startTestApi({ workers: false });
});
afterAll(async () => {
  await api?.close();
});

const scenarios = () => createScenarioCatalog(api.db, { delayScale: api.config.scenarioDelayScale });
const payoutDeps = () => ({ db: api.db, scenarios: scenarios(), directory: createDirectory(api.db) });
const paymentWorker = () =>
  createPaymentWorker({
    pool: api.db.pool,
    logger,
    scenarios: scenarios(),
    publicUrl: api.config.publicUrl,
    scope: fileWorkerScope,
  });
const transactionOf = async (id: string) =>
  (
    (await api.db.pool.query('SELECT status, failureCode, nextTransitionAt FROM PaymentTransaction WHERE id = ?', [
      id,
    ])) as {
      status: string;
      failureCode: string | null;
      nextTransitionAt: Date | null;
    }[]
  )[0]!;
/**
 * A payment attempt written as of an hour from now, so its scenario step is not due for any
 * worker (other test files' workers share this database) until the test says so.
 */
async function payAhead(m: TestMerchant, checkoutId: string, mobile: string) {
  return completePayment(
    { db: api.db, scenarios: scenarios(), directory: createDirectory(api.db), publicUrl: api.config.publicUrl },
    { merchantId: m.merchantId, checkoutId, provider: 'JAZZCASH', mobile },
    { now: new Date(Date.now() + 3_600_000) },
  );
}
const releaseStep = (id: string) =>
  api.db.pool.query('UPDATE PaymentTransaction SET nextTransitionAt = NOW(3) WHERE id = ?', [id]);
/** Runs `worker` until `done` (bounded), as its poll loop would. */
async function driveUntil(worker: { runOnce(): Promise<number> }, done: () => Promise<boolean>) {
  return waitFor(
    async () => {
      await worker.runOnce();
      return done();
    },
    (ok) => ok,
    15_000,
  );
}

describe('checkout expiry sweep under faults', () => {
  it('when the sweep fails on a checkout (a trigger refuses the update), then its expiresAt stays and it cannot be paid after it', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { expiresInSeconds: 60 });
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 2_000);
    await api.db.pool.query('UPDATE Checkout SET expiresAt = ? WHERE id = ?', [expiresAt, checkout.id]);
    const trigger = `i13_refuse_expiry_${uniqueSuffix()}`;
    await api.db.pool.query(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON Checkout FOR EACH ROW
       BEGIN
         IF NEW.id = '${checkout.id}' AND NEW.status = 'EXPIRED' THEN
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected: expiry refused';
         END IF;
       END`,
    );
    try {
      const sweep = createCheckoutExpiryWorker({
        pool: api.db.pool,
        logger,
        publicUrl: api.config.publicUrl,
        scope: fileWorkerScope,
      });
      await sweep.runOnce();
      await sweep.runOnce();
      expect(lines.some((line) => line.includes('injected: expiry refused'))).toBe(true);

      const [row] = (await api.db.pool.query('SELECT status, expiresAt FROM Checkout WHERE id = ?', [checkout.id])) as {
        status: string;
        expiresAt: Date;
      }[];
      // The sweep failed; the checkout is still OPEN, and still past its expiry.
      expect(row).toEqual({ status: 'OPEN', expiresAt });
      const pay = await client(api.app, m.key).post('/payment/complete', {
        checkoutId: checkout.id,
        provider: 'JAZZCASH',
        mobile: '03000000001',
      });
      expect(pay.status).toBe(422);
      expect(pay.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the checkout has expired' });
      expect(await available(api.db, m.merchantId)).toBe(0);
    } finally {
      await api.db.pool.query(`DROP TRIGGER IF EXISTS ${trigger}`);
    }
  });

  it('when the sweep is handed a checkout whose attempt is PENDING (its claim read too early), then it stays OPEN', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { expiresInSeconds: 86_400 });
    // Scenario 6: PENDING for a while.
    const pay = { body: await payAhead(m, checkout.id, '03000000006') };
    expect(pay.body.status).toBe('PENDING');
    await api.db.pool.query('UPDATE Checkout SET expiresAt = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [checkout.id]);

    await withSqlTransaction(
      api.db.pool,
      async (conn) => {
        const [row] = await conn.query('SELECT * FROM Checkout WHERE id = ? FOR UPDATE', [checkout.id]);
        await expireCheckout(conn, row, api.config.publicUrl, new Date());
      },
      { isolation: 'READ COMMITTED' },
    );

    expect((await client(api.app, m.key).get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    expect(await eventTypes(api.db, m.merchantId)).toEqual([]);
  });
});

describe('payment worker under faults', () => {
  it('when a PENDING attempt is confirmed after its checkout stopped being OPEN, then it fails CHECKOUT_CLOSED and nothing is credited', async () => {
    const m = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, m.key, { amount: 30_000, expiresInSeconds: 86_400 });
    // Scenario 2: PENDING, then SUCCEEDED after the scenario delay.
    const pay = { body: await payAhead(m, checkout.id, '03000000002') };
    expect(pay.body.status).toBe('PENDING');
    // What an expiry that missed the attempt would have left behind.
    await api.db.pool.query("UPDATE Checkout SET status = 'EXPIRED' WHERE id = ?", [checkout.id]);
    await releaseStep(pay.body.id);

    await driveUntil(paymentWorker(), async () => (await transactionOf(pay.body.id)).status !== 'PENDING');

    expect(await transactionOf(pay.body.id)).toEqual({
      status: 'FAILED',
      failureCode: 'CHECKOUT_CLOSED',
      nextTransitionAt: null,
    });
    expect(await available(api.db, m.merchantId)).toBe(0);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
    expect(await eventTypes(api.db, m.merchantId)).toEqual(['payment.failed']);
  });

  it('when a scenario 8 payment is refunded after the merchant paid the money out, then the refund completes, available goes negative and still equals the ledger', async () => {
    const m = await createTestMerchant(api.db, { scope: 'all' });
    const checkout = await openCheckout(api.app, m.key, { amount: 50_000, expiresInSeconds: 86_400 });
    const pay = { body: await payAhead(m, checkout.id, '03000000008') };
    expect(pay.body.status).toBe('SUCCEEDED');
    // Everything received is paid out before the refund comes.
    await createPayout(payoutDeps(), {
      merchantId: m.merchantId,
      amount: 50_000,
      currency: 'PKR',
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
      reference: `drain-${uniqueSuffix()}`,
    });
    expect(await available(api.db, m.merchantId)).toBe(0);
    await releaseStep(pay.body.id);

    await driveUntil(paymentWorker(), async () => (await transactionOf(pay.body.id)).status === 'REFUNDED');

    expect(await transactionOf(pay.body.id)).toMatchObject({ status: 'REFUNDED', nextTransitionAt: null });
    expect(await available(api.db, m.merchantId)).toBe(-50_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(-50_000);
    expect((await getBalance(api.db, m.merchantId)).available).toBe(-50_000);
    expect(await eventTypes(api.db, m.merchantId)).toContain('payment.refunded');
    const row = (await reconcileBalances(api.db)).rows.find((r) => r.merchantId === m.merchantId);
    expect(row).toMatchObject({ available: -50_000, expected: -50_000, mismatch: false, negative: true });
    // Payouts are refused while it is negative.
    await expect(
      createPayout(payoutDeps(), {
        merchantId: m.merchantId,
        amount: 100,
        currency: 'PKR',
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
        reference: `after-${uniqueSuffix()}`,
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
  });
});
