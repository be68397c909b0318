import { createDeliveryWorker, type DeliveryWorker } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver, testSettings } from '../../packages/core/test/webhooks/support.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import {
  addKey,
  balanceRow,
  client,
  createTestMerchant,
  ledgerSum,
  payoutBody,
  startTestApi,
  type TestApi,
  waitFor,
} from '../../services/payout-api/test/support.ts';

/**
 * Test clocks at SCENARIO_DELAY_SCALE=1: real delays (TIMEOUT 30 s, REVERSED 10 s), so nothing
 * bound moves unless its clock is advanced. Clocks start an hour in the past: every bound row is
 * then already due by wall time, and only the workers' skipping of bound rows keeps them still.
 */

const REAL_DELAYS = { SCENARIO_DELAY_SCALE: '1', PUBLIC_SANDBOX_URL: 'http://pay.sandbox.test' };
const HOUR = 3_600_000;

let api: TestApi;
let replica: TestApi;
let pay: payment.TestApi;
let receiver: Receiver;
let deliveries: DeliveryWorker;
const endpointIds: string[] = [];
// A receiver that never answers 2xx, served by a worker with the default retry schedule.
let failing: Receiver;
let failingDeliveries: DeliveryWorker;
const failingEndpointIds: string[] = [];
const SCHEDULE = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000];
// First attempt of each event fails; the retry (and any later one) succeeds.
const failFirst = (_hit: unknown, n: number) => (n === 1 ? 500 : 200);

beforeAll(async () => {
  api = startTestApi({ env: REAL_DELAYS });
  // A second replica of the Payout API on its own pool (no worker): advances race across the two.
  replica = startTestApi({ env: REAL_DELAYS, worker: false });
  pay = payment.startTestApi({ env: REAL_DELAYS });
  receiver = await startReceiver(failFirst);
  deliveries = createDeliveryWorker(api.db, testSettings({ retryScheduleMs: [0, 300_000, 1_800_000] }), {
    scope: { endpointIds },
  });
  deliveries.start();
  failing = await startReceiver(() => 500);
  failingDeliveries = createDeliveryWorker(api.db, testSettings({ retryScheduleMs: SCHEDULE }), {
    scope: { endpointIds: failingEndpointIds },
  });
  failingDeliveries.start();
});

afterAll(async () => {
  await deliveries?.stop();
  await failingDeliveries?.stop();
  await receiver?.close();
  await failing?.close();
  await pay?.close();
  await replica?.close();
  await api?.close();
});

async function merchant(balance = 1_000_000) {
  const m = await createTestMerchant(api.db, { balance });
  return { ...m, c: client(api.app, m.key) };
}

async function newClock(c: ReturnType<typeof client>, frozenTime = new Date(Date.now() - HOUR)) {
  const res = await c.post('/test-clocks', { name: 'suite', frozenTime: frozenTime.toISOString() });
  expect(res.status).toBe(201);
  return res.body as { id: string; frozenTime: string; status: string };
}

const at = (base: string, ms: number) => new Date(new Date(base).getTime() + ms).toISOString();

async function eventsOf(objectId: string) {
  const rows = (await api.db.pool.query(
    "SELECT type, createdAt, CAST(payload AS CHAR) AS body FROM WebhookEvent WHERE JSON_VALUE(payload, '$.data.object.id') = ? ORDER BY sequence",
    [objectId],
  )) as { type: string; createdAt: Date; body: string }[];
  return rows.map((r) => ({ type: r.type, createdAt: new Date(r.createdAt).toISOString(), body: JSON.parse(r.body) }));
}

/** Runs every worker of both APIs once, explicitly: what wall time would do, without waiting. */
async function tickWorkers(times = 3) {
  for (let i = 0; i < times; i++) {
    await api.worker?.runOnce();
    for (const worker of pay.workers) await worker.runOnce();
  }
}

describe('test clocks: the resource', () => {
  it('when a clock is created, listed, read and deleted, then each answers its shape and the deleted one is gone', async () => {
    const m = await merchant();
    const before = Date.now();
    const created = await m.c.post('/test-clocks', {});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: null, status: 'ready' });
    expect(created.body.id).toMatch(/^clk_[0-9A-Za-z]{24}$/);
    expect(created.body.frozenTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Date(created.body.frozenTime).getTime()).toBeGreaterThanOrEqual(before - 5);

    const named = await newClock(m.c, new Date('2030-01-01T00:00:00+05:00'));
    expect(named.frozenTime).toBe('2029-12-31T19:00:00.000Z');

    const list = await m.c.get('/test-clocks?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([named.id]);
    expect(list.body.hasMore).toBe(true);
    const rest = await m.c.get(`/test-clocks?cursor=${list.body.nextCursor}`);
    expect(rest.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);

    expect((await m.c.get(`/test-clocks/${named.id}`)).body).toEqual(named);
    const other = await merchant();
    expect((await other.c.get(`/test-clocks/${named.id}`)).status).toBe(404);
    expect((await other.c.post(`/test-clocks/${named.id}/advance`, { seconds: 5 })).status).toBe(404);

    const deleted = await m.c.delete(`/test-clocks/${named.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: named.id, deleted: true });
    expect((await m.c.get(`/test-clocks/${named.id}`)).status).toBe(404);
    expect((await m.c.delete(`/test-clocks/${named.id}`)).status).toBe(404);
  });

  it('when a create is repeated with its Idempotency-Key, then the same clock is answered and only one exists', async () => {
    const m = await merchant();
    const key = `clk-${Date.now()}-${Math.random()}`;
    const first = await m.c.post('/test-clocks', { name: 'once' }).set('Idempotency-Key', key);
    const again = await m.c.post('/test-clocks', { name: 'once' }).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await m.c.post('/test-clocks', { name: 'other' }).set('Idempotency-Key', key);
    expect(reused.status).toBe(422);
    expect((await m.c.get('/test-clocks')).body.data).toHaveLength(1);
  });

  it('when a create or an advance is not valid, then 400 names the field and nothing changes', async () => {
    const m = await merchant();
    expect((await m.c.post('/test-clocks', { frozenTime: 'yesterday' })).status).toBe(400);
    const clock = await newClock(m.c);
    for (const body of [{}, { seconds: 0 }, { seconds: 1.5 }, { seconds: 5, frozenTime: clock.frozenTime }]) {
      const res = await m.c.post(`/test-clocks/${clock.id}/advance`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    // Going back (or nowhere) is refused with the clock's time in the message.
    for (const frozenTime of [at(clock.frozenTime, -1000), clock.frozenTime]) {
      const back = await m.c.post(`/test-clocks/${clock.id}/advance`, { frozenTime });
      expect(back.status).toBe(400);
      expect(back.body.error.message).toBe('a test clock only moves forward');
      expect(back.body.error.details[0]).toEqual({
        field: 'frozenTime',
        message: `the new time must be later than the clock's time ${clock.frozenTime}`,
      });
    }
    // At most 30 days per advance by default.
    const far = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 30 * 86_400 + 1 });
    expect(far.status).toBe(400);
    expect(far.body.error.details[0].message).toMatch(/at most 2592000 s/);
    expect((await m.c.get(`/test-clocks/${clock.id}`)).body).toEqual(clock);
    // Binding to a clock that is not the merchant's.
    const other = await merchant();
    const foreign = await other.c.post('/payouts', payoutBody({ testClock: clock.id }));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.details[0].field).toBe('testClock');
    expect(await balanceRow(api.db, other.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
  });
});

describe('test clocks: payouts follow their clock (SCENARIO_DELAY_SCALE=1)', () => {
  it('when a TIMEOUT payout is bound, then it stays PROCESSING whatever the workers do, and fails PROVIDER_TIMEOUT, refunded, right after advancing 31 s', async () => {
    const m = await merchant();
    const clock = await newClock(m.c);
    const T0 = clock.frozenTime;
    const created = await m.c.post(
      '/payouts',
      payoutBody({
        amount: 25_000,
        testClock: clock.id,
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'PROCESSING', testClock: clock.id, createdAt: T0 });
    const id = created.body.id as string;

    // Due by wall time for an hour already; the workers pass it by.
    await tickWorkers();
    expect((await m.c.get(`/payouts/${id}`)).body.status).toBe('PROCESSING');
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 975_000, pending: 25_000 });

    // Not yet due on the clock after 29 s.
    const early = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 29 });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ frozenTime: at(T0, 29_000), status: 'ready' });
    expect((await m.c.get(`/payouts/${id}`)).body.status).toBe('PROCESSING');

    const advanced = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 2 });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toEqual({ ...clock, frozenTime: at(T0, 31_000), status: 'ready' });

    const payout = (await m.c.get(`/payouts/${id}`)).body;
    expect(payout.status).toBe('FAILED');
    expect(payout.failure.code).toBe('PROVIDER_TIMEOUT');
    // History and events at clock time: created at T0, failed when the 30 s ran out on the clock.
    expect(payout.events).toEqual([
      { status: 'PENDING', at: T0 },
      { status: 'PROCESSING', at: at(T0, 1) },
      { status: 'FAILED', at: at(T0, 30_001), reason: 'PROVIDER_TIMEOUT' },
    ]);
    expect(payout.updatedAt).toBe(at(T0, 30_001));
    const events = await eventsOf(id);
    expect(events.map((e) => [e.type, e.createdAt, e.body.createdAt])).toEqual([
      ['payout.created', T0, T0],
      ['payout.processing', at(T0, 1), at(T0, 1)],
      ['payout.failed', at(T0, 30_001), at(T0, 30_001)],
    ]);
    expect(events.every((e) => e.body.data.object.testClock === clock.id)).toBe(true);
    // Refunded once; the ledger still equals the balance.
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(1_000_000);
  });

  it('when a REVERSED payout is bound, then it reverses after advancing 11 s, not before', async () => {
    const m = await merchant();
    const clock = await newClock(m.c);
    const T0 = clock.frozenTime;
    const created = await m.c.post(
      '/payouts',
      payoutBody({
        amount: 40_000,
        testClock: clock.id,
        destination: { type: 'bank', provider: 'HBL', accountNumber: '0000000008' },
      }),
    );
    expect(created.body.status).toBe('COMPLETED');
    await tickWorkers();
    expect((await m.c.get(`/payouts/${created.body.id}`)).body.status).toBe('COMPLETED');
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 960_000, pending: 0 });

    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { frozenTime: at(T0, 11_000) })).status).toBe(200);
    const payout = (await m.c.get(`/payouts/${created.body.id}`)).body;
    expect(payout.status).toBe('REVERSED');
    expect(payout.events.at(-1)).toEqual({ status: 'REVERSED', at: at(T0, 10_002), reason: 'REVERSED_BY_PROVIDER' });
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(1_000_000);
  });

  it('when one advance covers several objects, then their steps happen in clock order, each at its due time', async () => {
    const m = await merchant();
    const clock = await newClock(m.c);
    const T0 = clock.frozenTime;
    const make = async (accountNumber: string) =>
      (
        await m.c.post(
          '/payouts',
          payoutBody({ testClock: clock.id, destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber } }),
        )
      ).body.id as string;
    const timeout = await make('03000000006');
    const reversed = await make('03000000008');
    const async = await make('03000000002');
    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 60 })).status).toBe(200);
    const rows = (await api.db.pool.query(
      `SELECT e.payoutId, e.status, e.at FROM PayoutEvent e WHERE e.payoutId IN (?) AND e.status NOT IN ('PENDING')
        ORDER BY e.at, e.id`,
      [[timeout, reversed, async]],
    )) as { payoutId: string; status: string; at: Date }[];
    const steps = rows
      .filter((r) => new Date(r.at).getTime() > new Date(T0).getTime() + 5)
      .map((r) => [r.payoutId, r.status, new Date(r.at).toISOString()]);
    expect(steps).toEqual([
      [async, 'PROCESSING', at(T0, 2_500)],
      [async, 'COMPLETED', at(T0, 5_000)],
      [reversed, 'REVERSED', at(T0, 10_002)],
      [timeout, 'FAILED', at(T0, 30_001)],
    ]);
    // The merchant's events are numbered in that same order.
    const types = (
      (await api.db.pool.query(
        "SELECT type, JSON_VALUE(payload, '$.data.object.id') AS id FROM WebhookEvent WHERE merchantId = ? AND createdAt > ? ORDER BY sequence",
        [m.merchantId, new Date(new Date(T0).getTime() + 5)],
      )) as { type: string; id: string }[]
    ).map((e) => [e.id, e.type]);
    expect(types).toEqual([
      [async, 'payout.processing'],
      [async, 'payout.completed'],
      [reversed, 'payout.reversed'],
      [timeout, 'payout.failed'],
    ]);
  });

  it('when two replicas advance one clock at once, then each transition happens once and the ledger equals the balance', async () => {
    const m = await merchant();
    const viaReplica = client(replica.app, await addKey(api.db, m.merchantId, 'payout'));
    const clock = await newClock(m.c);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const accountNumber = i % 2 === 0 ? '03000000006' : '03000000008';
      const res = await m.c.post(
        '/payouts',
        payoutBody({
          amount: 10_000,
          testClock: clock.id,
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber },
        }),
      );
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const answers = await Promise.all([
      m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 31 }),
      viaReplica.post(`/test-clocks/${clock.id}/advance`, { seconds: 31 }),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    // Either the second came while the first ran (409), or after it (then the clock moved twice).
    expect([
      [200, 409],
      [200, 200],
    ]).toContainEqual(statuses);
    for (const conflict of answers.filter((r) => r.status === 409)) {
      expect(conflict.body.error.code).toBe('TEST_CLOCK_ADVANCING');
    }
    for (const id of ids) {
      const payout = (await m.c.get(`/payouts/${id}`)).body;
      expect(['FAILED', 'REVERSED']).toContain(payout.status);
      expect(payout.events).toHaveLength(payout.status === 'FAILED' ? 3 : 4);
      expect((await eventsOf(id)).length).toBe(payout.events.length);
    }
    const refunds = await api.db.pool.query(
      "SELECT payoutId, COUNT(*) AS n FROM LedgerEntry WHERE payoutId IN (?) AND type = 'PAYOUT_REFUND' GROUP BY payoutId",
      [ids],
    );
    expect(refunds.map((r: { n: bigint }) => Number(r.n))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(1_000_000);
  });

  it('when an advance is running, then another is 409; when that one has gone silent for a minute, the next takes the clock over', async () => {
    const m = await merchant();
    const clock = await newClock(m.c);
    const payout = await m.c.post(
      '/payouts',
      payoutBody({
        testClock: clock.id,
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    );
    // As a replica mid-advance leaves it.
    await api.db.pool.query(
      "UPDATE TestClock SET status = 'advancing', advanceHeartbeatAt = NOW(3), version = version + 1 WHERE id = ?",
      [clock.id],
    );
    expect((await m.c.get(`/test-clocks/${clock.id}`)).body.status).toBe('advancing');
    const busy = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 31 });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('TEST_CLOCK_ADVANCING');
    expect((await m.c.delete(`/test-clocks/${clock.id}`)).status).toBe(409);
    expect((await m.c.get(`/payouts/${payout.body.id}`)).body.status).toBe('PROCESSING');
    // The replica crashed: a minute without progress.
    await api.db.pool.query(
      'UPDATE TestClock SET advanceHeartbeatAt = DATE_SUB(NOW(3), INTERVAL 61 SECOND) WHERE id = ?',
      [clock.id],
    );
    const taken = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 31 });
    expect(taken.status).toBe(200);
    expect(taken.body.status).toBe('ready');
    expect((await m.c.get(`/payouts/${payout.body.id}`)).body.status).toBe('FAILED');
  });

  it('when a clock is deleted, then its objects keep their state and nothing moves them', async () => {
    const m = await merchant();
    const clock = await newClock(m.c);
    const payout = await m.c.post(
      '/payouts',
      payoutBody({
        testClock: clock.id,
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    );
    expect((await m.c.delete(`/test-clocks/${clock.id}`)).status).toBe(200);
    await tickWorkers();
    const after = (await m.c.get(`/payouts/${payout.body.id}`)).body;
    expect(after).toMatchObject({ status: 'PROCESSING', testClock: clock.id });
    const [row] = await api.db.pool.query('SELECT nextTransitionAt FROM Payout WHERE id = ?', [payout.body.id]);
    expect(row.nextTransitionAt).toBeNull();
  });
});

describe('test clocks: checkouts and payments', () => {
  it('when a checkout is bound, then it expires when the clock passes expiresAt, with its event at that time', async () => {
    const m = await merchant();
    const key = await addKey(api.db, m.merchantId, 'payment');
    const clock = await newClock(m.c);
    const checkout = (await payment.openCheckout(pay.app, key, {
      testClock: clock.id,
      expiresInSeconds: 60,
    })) as Awaited<ReturnType<typeof payment.openCheckout>> & { expiresAt: string };
    expect(checkout).toMatchObject({
      status: 'OPEN',
      testClock: clock.id,
      createdAt: clock.frozenTime,
      expiresAt: at(clock.frozenTime, 60_000),
    });
    await tickWorkers();
    const pc = payment.client(pay.app, key);
    expect((await pc.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    // expiresAt is an hour behind wall time, but the hosted page goes by the clock: still payable.
    const page = await request(pay.app).get(`/checkout/${checkout.id}`);
    expect(page.status).toBe(200);

    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 59 })).status).toBe(200);
    expect((await pc.get(`/checkouts/${checkout.id}`)).body.status).toBe('OPEN');
    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 1 })).status).toBe(200);
    expect((await request(pay.app).get(`/checkout/${checkout.id}`)).status).toBe(410);
    const expired = (await pc.get(`/checkouts/${checkout.id}`)).body;
    expect(expired).toMatchObject({ status: 'EXPIRED', updatedAt: checkout.expiresAt });
    const events = await eventsOf(checkout.id);
    expect(events.map((e) => [e.type, e.createdAt])).toEqual([['checkout.expired', checkout.expiresAt]]);
    expect(events[0]!.body.data.object.checkoutUrl).toBe(checkout.checkoutUrl);
  });

  it('when a bound checkout is paid, then the payment is bound too and its delayed outcome waits for the clock', async () => {
    const m = await merchant(0);
    const key = await addKey(api.db, m.merchantId, 'payment');
    const clock = await newClock(m.c);
    const checkout = await payment.openCheckout(pay.app, key, { testClock: clock.id, amount: 30_000 });
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 100 });
    const pc = payment.client(pay.app, key);
    const paid = await pc.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000002',
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      status: 'PENDING',
      testClock: clock.id,
      createdAt: at(clock.frozenTime, 100_000),
    });
    await tickWorkers();
    expect((await pc.get(`/checkouts/${checkout.id}`)).body.latestTransaction.status).toBe('PENDING');

    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 5 })).status).toBe(200);
    const after = (await pc.get(`/checkouts/${checkout.id}`)).body;
    const done = after.latestTransaction;
    expect(done).toMatchObject({ status: 'SUCCEEDED', updatedAt: at(clock.frozenTime, 105_000) });
    expect(after).toMatchObject({ status: 'COMPLETED', completedAt: at(clock.frozenTime, 105_000) });
    expect(await payment.available(api.db, m.merchantId)).toBe(30_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(30_000);
  });
});

describe("test clocks: refunds follow their payment's clock", () => {
  it('when a payment on a bound checkout is refunded, then the refund is bound, stamped with clock time, and its delayed outcome waits for the clock', async () => {
    const m = await merchant(0);
    const key = await addKey(api.db, m.merchantId, 'payment');
    const clock = await newClock(m.c);
    const pc = payment.client(pay.app, key);
    const checkout = await payment.openCheckout(pay.app, key, { testClock: clock.id, amount: 30_000 });
    // Payer 2 (ASYNC_SUCCESS): the payment and its refunds complete 5 s later.
    const paid = await pc.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000002',
    });
    expect(paid.status).toBe(201);
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 5 });
    expect((await pc.get(`/checkouts/${checkout.id}`)).body.latestTransaction.status).toBe('SUCCEEDED');
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 60 });
    const t0 = at(clock.frozenTime, 65_000);

    const created = await pc.post('/refunds', { transactionId: paid.body.id, amount: 10_000 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'PENDING', testClock: clock.id, createdAt: t0, updatedAt: t0 });
    const refundId = created.body.id as string;

    // Wall time passes (and the workers run): still PENDING, 4 s on the clock is not enough either.
    await tickWorkers();
    expect((await pc.get(`/refunds/${refundId}`)).body.status).toBe('PENDING');
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 4 });
    expect((await pc.get(`/refunds/${refundId}`)).body.status).toBe('PENDING');

    expect((await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 1 })).status).toBe(200);
    const t5 = at(clock.frozenTime, 70_000);
    const done = await pc.get(`/refunds/${refundId}`);
    expect(done.body).toMatchObject({ status: 'SUCCEEDED', testClock: clock.id, createdAt: t0, updatedAt: t5 });
    const txn = (await pc.get(`/checkouts/${checkout.id}`)).body.latestTransaction;
    expect(txn).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 10_000, updatedAt: t5 });
    const events = await eventsOf(refundId);
    expect(events.map((e) => [e.type, e.createdAt])).toEqual([
      ['refund.created', t0],
      ['refund.succeeded', t5],
    ]);
    expect(events.every((e) => e.body.data.object.testClock === clock.id)).toBe(true);
    expect(await payment.available(api.db, m.merchantId)).toBe(20_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(20_000);
  });

  it('when the clock of a pending refund is deleted, then the refund stays PENDING and nothing moves it', async () => {
    const m = await merchant(0);
    const key = await addKey(api.db, m.merchantId, 'payment');
    const clock = await newClock(m.c);
    const pc = payment.client(pay.app, key);
    const checkout = await payment.openCheckout(pay.app, key, { testClock: clock.id, amount: 30_000 });
    const paid = await pc.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000002',
    });
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 5 });
    const created = await pc.post('/refunds', { transactionId: paid.body.id });
    expect(created.body).toMatchObject({ status: 'PENDING', testClock: clock.id });
    expect((await m.c.delete(`/test-clocks/${clock.id}`)).status).toBe(200);
    await tickWorkers();
    expect((await pc.get(`/refunds/${created.body.id}`)).body.status).toBe('PENDING');
    const [row] = await api.db.pool.query('SELECT nextTransitionAt FROM Refund WHERE id = ?', [created.body.id]);
    expect(row.nextTransitionAt).toBeNull();
  });
});

describe('test clocks: webhook retries wait for the clock', () => {
  it('when a delivery of a bound event fails, then it is retried only once the clock passes its retry time (5 min)', async () => {
    const m = await merchant();
    const endpoint = await m.c.post('/webhook-endpoints', { url: receiver.url, events: ['payout.completed'] });
    expect(endpoint.status).toBe(201);
    endpointIds.push(endpoint.body.id);
    const clock = await newClock(m.c);
    const created = await m.c.post('/payouts', payoutBody({ testClock: clock.id }));
    const [event] = (await eventsOf(created.body.id)).filter((e) => e.type === 'payout.completed');
    const eventId = event!.body.id as string;

    // The first attempt goes out at once (wall time), fails, and is rescheduled on the clock.
    const failed = await waitFor(
      () =>
        api.db.pool.query(
          'SELECT status, attemptCount, nextAttemptAt, clockNextAttemptAt FROM WebhookDelivery WHERE eventId = ?',
          [eventId],
        ),
      (rows: { attemptCount: number; clockNextAttemptAt: Date }[]) => rows[0]?.attemptCount === 1,
    );
    expect(failed[0]).toMatchObject({ status: 'PENDING', attemptCount: 1, nextAttemptAt: null });
    // The first attempt was due at the event's time on the clock; the retry is 5 minutes after it.
    expect(new Date(failed[0]!.clockNextAttemptAt).toISOString()).toBe(at(event!.createdAt, 300_000));

    // Four minutes on the clock: not due yet, nothing for the worker to claim.
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 240 });
    const [still] = await api.db.pool.query(
      'SELECT nextAttemptAt, attemptCount FROM WebhookDelivery WHERE eventId = ?',
      [eventId],
    );
    expect(still).toMatchObject({ nextAttemptAt: null, attemptCount: 1 });
    expect(receiver.hits.filter((h) => h.eventId === eventId)).toHaveLength(1);

    // Past five minutes: it goes out right after the advance, and succeeds.
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 61 });
    const delivered = await waitFor(
      () => api.db.pool.query('SELECT status, attemptCount FROM WebhookDelivery WHERE eventId = ?', [eventId]),
      (rows: { status: string }[]) => rows[0]?.status === 'DELIVERED',
    );
    expect(delivered[0]).toMatchObject({ status: 'DELIVERED', attemptCount: 2 });
    expect(receiver.hits.filter((h) => h.eventId === eventId)).toHaveLength(2);
  });
});

describe('test clocks: one advance sends every retry it covers', () => {
  type Delivery = {
    id: string;
    status: string;
    attemptCount: number;
    nextAttemptAt: string | null;
    createdAt: string;
    attempts: { attemptNumber: number; statusCode: number | null; createdAt: string }[];
  };
  async function failingMerchant() {
    const m = await merchant();
    const endpoint = await m.c.post('/webhook-endpoints', { url: failing.url, events: ['payout.completed'] });
    expect(endpoint.status).toBe(201);
    failingEndpointIds.push(endpoint.body.id);
    return m;
  }
  async function completedEvent(m: Awaited<ReturnType<typeof merchant>>, clockId: string) {
    const created = await m.c.post('/payouts', payoutBody({ testClock: clockId }));
    expect(created.status).toBe(201);
    const [event] = (await eventsOf(created.body.id)).filter((e) => e.type === 'payout.completed');
    // The event's time on the clock (its steps are stamped a millisecond apart after the clock's time).
    return { eventId: event!.body.id as string, t0: event!.createdAt };
  }
  const deliveriesOf = async (m: Awaited<ReturnType<typeof merchant>>, eventId: string) => {
    const res = await m.c.get(`/events/${eventId}`);
    expect(res.status).toBe(200);
    return res.body.deliveries as Delivery[];
  };
  const clockRow = (deliveryId: string) =>
    api.db.pool
      .query('SELECT nextAttemptAt, clockNextAttemptAt, testClockId FROM WebhookDelivery WHERE id = ?', [deliveryId])
      .then((rows: { nextAttemptAt: Date | null; clockNextAttemptAt: Date | null; testClockId: string }[]) => rows[0]!);

  it('when a bound delivery keeps failing and the clock is advanced 3 h, then the attempts due at 0, +5 s, +5 m, +30 m and +2 h all go out in order, each stamped with its clock time, and the next waits on the clock', async () => {
    const m = await failingMerchant();
    const clock = await newClock(m.c);
    const { eventId, t0 } = await completedEvent(m, clock.id);

    // The first attempt goes out at once and fails; the next is due 5 s later on the clock.
    const [first] = await waitFor(
      () => deliveriesOf(m, eventId),
      (d) => d[0]?.attemptCount === 1,
    );
    expect(first).toMatchObject({ status: 'PENDING', attemptCount: 1, nextAttemptAt: null });
    expect(first!.attempts.map((a) => a.createdAt)).toEqual([t0]);

    const advanced = await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 3 * 3600 });
    expect(advanced.status).toBe(200);
    const [done] = await waitFor(
      () => deliveriesOf(m, eventId),
      (d) => d[0]?.attemptCount === 5,
      20_000,
    );
    // Each attempt is a schedule step after the one before, on the clock: 0, 5 s, 5 m, 30 m, 2 h.
    const dueAt = [0, 5_000, 305_000, 2_105_000, 9_305_000].map((ms) => at(t0, ms));
    expect(done!.attempts.map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(done!.attempts.map((a) => a.createdAt)).toEqual(dueAt);
    expect(done!.attempts.every((a) => a.statusCode === 500)).toBe(true);
    expect(failing.hits.filter((h) => h.eventId === eventId)).toHaveLength(5);
    // The sixth (5 h after the fifth) is past the clock's new time: it waits on the clock.
    expect(done).toMatchObject({ status: 'PENDING', attemptCount: 5, nextAttemptAt: null });
    const row = await clockRow(done!.id);
    expect(new Date(row.clockNextAttemptAt!).toISOString()).toBe(at(t0, 9_305_000 + 18_000_000));

    // Advancing past it (to 8 h) sends exactly that one.
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 5 * 3600 });
    const [sixth] = await waitFor(
      () => deliveriesOf(m, eventId),
      (d) => d[0]?.attemptCount === 6,
    );
    expect(sixth!.attempts[5]!.createdAt).toBe(at(t0, 27_305_000));
    // The schedule is spent: given up.
    expect(sixth).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
  });

  it('when a bound event is redelivered by hand, then the new delivery is created and attempted at clock time, and its retry waits on the clock', async () => {
    const m = await failingMerchant();
    const clock = await newClock(m.c);
    const { eventId } = await completedEvent(m, clock.id);
    await waitFor(
      () => deliveriesOf(m, eventId),
      (d) => d[0]?.attemptCount === 1,
    );
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 60 });
    const now = at(clock.frozenTime, 60_000);

    const redelivered = await m.c.post(`/events/${eventId}/redeliver`, {});
    expect(redelivered.status).toBe(202);
    const deliveryId = redelivered.body.deliveries[0].id as string;
    const again = await waitFor(
      async () => (await deliveriesOf(m, eventId)).find((d) => d.id === deliveryId),
      (d) => d?.attemptCount === 1,
    );
    expect(again).toMatchObject({ status: 'PENDING', createdAt: now, nextAttemptAt: null });
    expect(again!.attempts.map((a) => a.createdAt)).toEqual([now]);
    const row = await clockRow(deliveryId);
    expect(row.testClockId).toBe(clock.id);
    expect(new Date(row.clockNextAttemptAt!).toISOString()).toBe(at(clock.frozenTime, 65_000));

    // Wall time does not move it; the clock does.
    await tickWorkers();
    expect((await clockRow(deliveryId)).nextAttemptAt).toBeNull();
    await m.c.post(`/test-clocks/${clock.id}/advance`, { seconds: 5 });
    const retried = await waitFor(
      async () => (await deliveriesOf(m, eventId)).find((d) => d.id === deliveryId),
      (d) => d?.attemptCount === 2,
    );
    expect(retried!.attempts.map((a) => a.createdAt)).toEqual([now, at(clock.frozenTime, 65_000)]);
  });
});
