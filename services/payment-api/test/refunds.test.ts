import { changeBalance } from '@mypay/core';
import { withSqlTransaction } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  available,
  client,
  createTestMerchant,
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

/** A merchant with one payment from `mobile` that has SUCCEEDED (waiting for an async one). */
async function paidWith(mobile = '03000000001') {
  const m = await createTestMerchant(api.db);
  const c = client(api.app, m.key);
  const checkout = await openCheckout(api.app, m.key, { amount: AMOUNT });
  const pay = await c.post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile });
  if (pay.status !== 201) throw new Error(`payment failed: ${pay.status} ${JSON.stringify(pay.body)}`);
  if (pay.body.status === 'PENDING') {
    await waitFor(
      () => c.get(`/checkouts/${checkout.id}`).then((r) => r.body),
      (b) => b.latestTransaction.status !== 'PENDING',
    );
  }
  return { m, c, checkout, txnId: pay.body.id as string };
}

const transactionOf = async (c: ReturnType<typeof client>, checkoutId: string) =>
  (await c.get(`/checkouts/${checkoutId}`)).body.latestTransaction;

/** The merchant's events in `sequence` order: [type, sequence, object id]. */
async function eventsInOrder(merchantId: string) {
  const rows = (await api.db.pool.query(
    'SELECT CAST(payload AS CHAR) AS body FROM WebhookEvent WHERE merchantId = ? ORDER BY sequence',
    [merchantId],
  )) as { body: string }[];
  return rows.map((r) => JSON.parse(r.body) as { type: string; sequence: number; data: { object: { id: string } } });
}

/** available = opening (0) + the ledger, always. */
async function expectBalance(merchantId: string, expected: number) {
  expect(await available(api.db, merchantId)).toBe(expected);
  expect(await ledgerSum(api.db, merchantId)).toBe(expected);
}

describe('POST /refunds — amounts', () => {
  it('when no amount is given, then the whole payment is refunded at once: REFUNDED, debited through the ledger, events in sequence', async () => {
    const { m, c, checkout, txnId } = await paidWith();
    const res = await c.post('/refunds', { transactionId: txnId, reason: 'order cancelled' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      transactionId: txnId,
      checkoutId: checkout.id,
      amount: AMOUNT,
      currency: 'PKR',
      status: 'SUCCEEDED',
      reason: 'order cancelled',
      scenario: 'SUCCESS',
      failure: null,
    });
    expect(res.body.id).toMatch(/^re_[A-Za-z0-9]{24}$/);
    expect(await transactionOf(c, checkout.id)).toMatchObject({ status: 'REFUNDED', amountRefunded: AMOUNT });
    await expectBalance(m.merchantId, 0);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual(['PAYMENT_CREDIT', 'PAYMENT_REFUND']);

    const events = await eventsInOrder(m.merchantId);
    expect(events.map((e) => e.type)).toEqual([
      'payment.succeeded',
      'checkout.completed',
      'refund.created',
      'refund.succeeded',
      'payment.refunded',
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(events[2]!.data.object).toMatchObject({ id: res.body.id, status: 'PENDING' });
    expect(events[3]!.data.object).toEqual(res.body);
    expect(events[4]!.data.object).toMatchObject({ id: txnId, status: 'REFUNDED', amountRefunded: AMOUNT });
    expect((await c.get(`/refunds/${res.body.id}`)).body).toEqual(res.body);
  });

  it('when partial refunds add up to the amount, then PARTIALLY_REFUNDED then REFUNDED; one paisa more is 422 REFUND_EXCEEDS_PAYMENT and nothing is debited', async () => {
    const { m, c, checkout, txnId } = await paidWith();
    const first = await c.post('/refunds', { transactionId: txnId, amount: 100_000 });
    expect(first.body).toMatchObject({ status: 'SUCCEEDED', amount: 100_000 });
    expect(await transactionOf(c, checkout.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      amountRefunded: 100_000,
    });
    await expectBalance(m.merchantId, AMOUNT - 100_000);

    const tooMuch = await c.post('/refunds', { transactionId: txnId, amount: 150_001 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('REFUND_EXCEEDS_PAYMENT');
    expect(tooMuch.body.error.details[0]).toMatchObject({ field: 'amount', refundable: 150_000 });
    await expectBalance(m.merchantId, AMOUNT - 100_000);

    const rest = await c.post('/refunds', { transactionId: txnId, amount: 150_000 });
    expect(rest.body).toMatchObject({ status: 'SUCCEEDED', amount: 150_000 });
    expect(await transactionOf(c, checkout.id)).toMatchObject({ status: 'REFUNDED', amountRefunded: AMOUNT });
    await expectBalance(m.merchantId, 0);

    const ledgerBefore = (await ledgerTypes(api.db, m.merchantId)).length;
    for (const body of [{ transactionId: txnId, amount: 1 }, { transactionId: txnId }]) {
      const past = await c.post('/refunds', body);
      expect(past.status).toBe(422);
      expect(past.body.error.code).toBe('REFUND_EXCEEDS_PAYMENT');
      expect(past.body.error.details[0].refundable).toBe(0);
    }
    expect((await ledgerTypes(api.db, m.merchantId)).length).toBe(ledgerBefore);
    await expectBalance(m.merchantId, 0);
    const types = (await eventsInOrder(m.merchantId)).map((e) => e.type);
    // payment.refunded only once the payment is refunded in full.
    expect(types.filter((t) => t === 'payment.refunded')).toHaveLength(1);
    expect(types.at(-1)).toBe('payment.refunded');
    expect(types.filter((t) => t === 'refund.created')).toHaveLength(2);
  });

  it('when the merchant paid the money out meanwhile, then the refund still completes and takes available below zero', async () => {
    const { m, c, txnId } = await paidWith();
    await withSqlTransaction(api.db.pool, (conn) =>
      changeBalance(conn, { merchantId: m.merchantId, type: 'ADJUSTMENT', amount: -AMOUNT, description: 'paid out' }),
    );
    const res = await c.post('/refunds', { transactionId: txnId });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('SUCCEEDED');
    await expectBalance(m.merchantId, -AMOUNT);
  });

  it('when a refund took available below zero, then a smaller payment still completes and its credit lands', async () => {
    const { m, c, txnId } = await paidWith();
    await withSqlTransaction(api.db.pool, (conn) =>
      changeBalance(conn, { merchantId: m.merchantId, type: 'ADJUSTMENT', amount: -AMOUNT, description: 'paid out' }),
    );
    expect((await c.post('/refunds', { transactionId: txnId })).status).toBe(201);
    await expectBalance(m.merchantId, -AMOUNT);
    // A credit only raises the balance: it lands even when the balance stays below zero.
    const checkout = await openCheckout(api.app, m.key, { amount: 1_000 });
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.status).toBe(201);
    expect(pay.body.status).toBe('SUCCEEDED');
    await expectBalance(m.merchantId, -AMOUNT + 1_000);
    // A debit is still refused below zero.
    const adjust = withSqlTransaction(api.db.pool, (conn) =>
      changeBalance(conn, { merchantId: m.merchantId, type: 'ADJUSTMENT', amount: -1, description: 'more' }),
    );
    await expect(adjust).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    await expectBalance(m.merchantId, -AMOUNT + 1_000);
  });

  it('when 20 partial refunds of one payment race, then they never add up to more than its amount', async () => {
    const { m, c, checkout, txnId } = await paidWith();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => c.post('/refunds', { transactionId: txnId, amount: 30_000 })),
    );
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 422);
    expect(created).toHaveLength(8); // 8 × 30,000 = 240,000 of 250,000
    expect(refused).toHaveLength(12);
    for (const r of refused) expect(r.body.error.code).toBe('REFUND_EXCEEDS_PAYMENT');
    expect(await transactionOf(c, checkout.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      amountRefunded: 240_000,
    });
    await expectBalance(m.merchantId, AMOUNT - 240_000);
    const refunds = await c.get(`/refunds?transactionId=${txnId}&limit=100`);
    expect(refunds.body.data).toHaveLength(8);
    // The events still come in one gap-free sequence.
    const sequences = (await eventsInOrder(m.merchantId)).map((e) => e.sequence);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
  });
});

describe('POST /refunds — scenarios', () => {
  it('when the payer is 03000000002 (async), then PENDING and debited at once, then SUCCEEDED by the worker', async () => {
    const { m, c, checkout, txnId } = await paidWith('03000000002');
    const res = await c.post('/refunds', { transactionId: txnId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PENDING', amount: AMOUNT, scenario: 'ASYNC_SUCCESS' });
    await expectBalance(m.merchantId, 0);
    // While it is pending, nothing more can be refunded.
    const more = await c.post('/refunds', { transactionId: txnId, amount: 1 });
    expect(more.status).toBe(422);
    expect(more.body.error.code).toBe('REFUND_EXCEEDS_PAYMENT');

    const done = await waitFor(
      () => c.get(`/refunds/${res.body.id}`).then((r) => r.body),
      (b) => b.status !== 'PENDING',
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(await transactionOf(c, checkout.id)).toMatchObject({ status: 'REFUNDED', amountRefunded: AMOUNT });
    await expectBalance(m.merchantId, 0);
    const refundEvents = (await eventsInOrder(m.merchantId)).filter(
      (e) => e.type.startsWith('refund.') || e.type === 'payment.refunded',
    );
    expect(refundEvents.map((e) => e.type)).toEqual(['refund.created', 'refund.succeeded', 'payment.refunded']);
    expect(refundEvents[1]!.sequence).toBeGreaterThan(refundEvents[0]!.sequence);
  });

  it('when the payer is 03000000009, then the refund fails after the worker looks: the money comes back through the ledger', async () => {
    const { m, c, checkout, txnId } = await paidWith('03000000009');
    const res = await c.post('/refunds', { transactionId: txnId, amount: 100_000 });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PENDING');
    const done = await waitFor(
      () => c.get(`/refunds/${res.body.id}`).then((r) => r.body),
      (b) => b.status !== 'PENDING',
    );
    expect(done).toMatchObject({ status: 'FAILED', failure: { code: 'ACCOUNT_TITLE_MISMATCH' } });
    expect(await transactionOf(c, checkout.id)).toMatchObject({ status: 'SUCCEEDED', amountRefunded: 0 });
    await expectBalance(m.merchantId, AMOUNT);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([
      'PAYMENT_CREDIT',
      'PAYMENT_REFUND',
      'PAYMENT_REFUND_REVERSAL',
    ]);
    const types = (await eventsInOrder(m.merchantId)).map((e) => e.type);
    expect(types).toEqual(['payment.succeeded', 'checkout.completed', 'refund.created', 'refund.failed']);
    // The failed refund no longer counts: the whole amount is refundable again.
    const again = await c.post('/refunds', { transactionId: txnId, amount: AMOUNT });
    expect(again.status).toBe(201);
  });

  it('when the payer is 03000000008, then the scenario refunds automatically with a refund object of its own', async () => {
    const { m, c, checkout, txnId } = await paidWith('03000000008');
    const refunded = await waitFor(
      () => transactionOf(c, checkout.id),
      (t) => t.status === 'REFUNDED',
    );
    expect(refunded.amountRefunded).toBe(AMOUNT);
    const list = await c.get(`/refunds?transactionId=${txnId}`);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        amount: AMOUNT,
        reason: 'scenario REVERSED',
        scenario: 'REVERSED',
      }),
    ]);
    await expectBalance(m.merchantId, 0);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual(['PAYMENT_CREDIT', 'PAYMENT_REFUND']);
    const types = (await eventsInOrder(m.merchantId)).map((e) => e.type);
    expect(types).toEqual([
      'payment.succeeded',
      'checkout.completed',
      'refund.created',
      'refund.succeeded',
      'payment.refunded',
    ]);
  });
});

describe('POST /refunds — refused', () => {
  it('when the payment FAILED, then 422 INVALID_STATE naming it and nothing is written', async () => {
    const m = await createTestMerchant(api.db);
    const c = client(api.app, m.key);
    const checkout = await openCheckout(api.app, m.key);
    const pay = await c.post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000004',
    });
    const res = await c.post('/refunds', { transactionId: pay.body.id });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'the transaction is FAILED' });
    expect((await c.get('/refunds')).body.data).toEqual([]);
    expect(await ledgerTypes(api.db, m.merchantId)).toEqual([]);
  });

  it("when the payment is another merchant's or unknown, then 404 and the owner is not debited", async () => {
    const { m, txnId } = await paidWith();
    const other = await createTestMerchant(api.db);
    const res = await client(api.app, other.key).post('/refunds', { transactionId: txnId });
    expect(res.status).toBe(404);
    expect((await client(api.app, other.key).post('/refunds', { transactionId: 'txn_nope' })).status).toBe(404);
    await expectBalance(m.merchantId, AMOUNT);
  });

  it.each([
    ['amount 0', { amount: 0 }, 'amount'],
    ['a negative amount', { amount: -5 }, 'amount'],
    ['a fractional amount', { amount: 10.5 }, 'amount'],
    ['no transactionId', { transactionId: undefined }, 'transactionId'],
    ['a reason of 256 characters', { reason: 'x'.repeat(256) }, 'reason'],
    ['a reason with a control character', { reason: 'a\u0000b' }, 'reason'],
  ])(
    'when the body has %s, then 400 VALIDATION_ERROR naming the field and nothing is debited',
    async (_n, extra, field) => {
      const { m, c, txnId } = await paidWith();
      const res = await c.post('/refunds', { transactionId: txnId, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      await expectBalance(m.merchantId, AMOUNT);
    },
  );

  it('when the same Idempotency-Key is replayed, then the one refund comes back and is debited once; another body is 422', async () => {
    const { m, c, txnId } = await paidWith();
    const key = `refund-${txnId}`;
    const first = await c.post('/refunds', { transactionId: txnId, amount: 50_000 }).set('Idempotency-Key', key);
    const second = await c.post('/refunds', { transactionId: txnId, amount: 50_000 }).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const reused = await c.post('/refunds', { transactionId: txnId, amount: 60_000 }).set('Idempotency-Key', key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await expectBalance(m.merchantId, AMOUNT - 50_000);
  });
});

describe('GET /refunds', () => {
  it('when listing, then newest first with cursor pages and the transactionId, status, from and to filters', async () => {
    const { m, c, txnId } = await paidWith();
    const second = await paidWith();
    const ids: string[] = [];
    for (const amount of [10_000, 20_000, 30_000]) {
      ids.push((await c.post('/refunds', { transactionId: txnId, amount })).body.id);
    }
    const page1 = await c.get('/refunds?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await c.get(`/refunds?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ hasMore: false, nextCursor: null });
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual([ids[0]]);

    expect((await c.get(`/refunds?transactionId=${txnId}&status=SUCCEEDED`)).body.data).toHaveLength(3);
    expect((await c.get('/refunds?status=FAILED')).body.data).toEqual([]);
    const created = (await c.get(`/refunds/${ids[1]}`)).body.createdAt;
    expect((await c.get(`/refunds?from=${created}&to=${created}`)).body.data.map((r: { id: string }) => r.id)).toEqual([
      ids[1],
    ]);
    // Another merchant sees none of them, and its own list is its own.
    expect((await second.c.get('/refunds')).body.data).toEqual([]);
    expect((await second.c.get(`/refunds/${ids[0]}`)).status).toBe(404);
    expect((await second.c.get(`/refunds?transactionId=${txnId}`)).body.data).toEqual([]);
    expect(m.merchantId).not.toBe(second.m.merchantId);
  });

  it('when the query has an unknown parameter or a bad cursor, then 400 VALIDATION_ERROR', async () => {
    const { c } = await paidWith();
    const unknown = await c.get('/refunds?transaction=txn_1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_ERROR');
    expect((await c.get('/refunds?cursor=bm9wZQ')).status).toBe(400);
    expect((await c.get('/refunds?status=REFUNDED')).status).toBe(400);
    expect((await c.get('/refunds/re_nope')).status).toBe(404);
  });
});

describe('POST /refunds — audit', () => {
  const auditRows = async (refundId: string) =>
    (await api.db.pool.query(
      "SELECT actorType, merchantId, requestId FROM AuditLog WHERE targetId = ? AND action = 'refund.created'",
      [refundId],
    )) as { actorType: string; merchantId: string; requestId: string | null }[];

  it('when a refund is made through the API, then one audit row names the API key and the request', async () => {
    const { m, c, txnId } = await paidWith();
    const res = await c
      .post('/refunds', { transactionId: txnId, amount: 1_000 })
      .set('Idempotency-Key', `audit-${txnId}`)
      .set('X-Request-Id', `req-audit-${txnId}`);
    expect(res.status).toBe(201);
    const replay = await c
      .post('/refunds', { transactionId: txnId, amount: 1_000 })
      .set('Idempotency-Key', `audit-${txnId}`);
    expect(replay.body.id).toBe(res.body.id);
    expect(await auditRows(res.body.id)).toEqual([
      { actorType: 'API_KEY', merchantId: m.merchantId, requestId: `req-audit-${txnId}` },
    ]);
  });
});
