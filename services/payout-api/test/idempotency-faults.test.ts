import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abortWhileLockedThenRetry,
  type FaultKit,
  holdLock,
  startFaultKit,
  takeOverWhileLocked,
} from '../../../test/support/faults.ts';
import {
  balanceRow,
  client,
  createTestMerchant,
  ledgerSum,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from './support.ts';

/**
 * Every creating route of the Payout API against the faults integrators meet: the create waits
 * on a row lock, the client gives up and retries with the same key; a retry takes over a key
 * whose request is still running. Nothing is created twice, and the retry gets the stored answer.
 */
const STALE_AFTER_MS = 500;
let api: TestApi;
let kit: FaultKit;

beforeAll(async () => {
  api = startTestApi({ env: { IDEMPOTENCY_STALE_AFTER: `${STALE_AFTER_MS}ms` } });
  kit = await startFaultKit(api.db.pool, api.app, { pathPrefix: '/api/v1' });
});
afterAll(async () => {
  await kit?.close();
  await api?.close();
});

const count = (sql: string, params: unknown[]) => kit.count(sql, params);
const create = (m: TestMerchant, path: string, body: unknown) => kit.create(m, path, body);
const lockBalance = (m: TestMerchant) => () =>
  holdLock(api.db.pool, 'SELECT available FROM MerchantBalance WHERE merchantId = ? FOR UPDATE', [m.merchantId]);

describe('POST /payouts under faults', () => {
  it('when the create waits on the balance row lock and the client gives up, then the retry replays the one payout', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const body = payoutBody({ amount: 10_000 });
    const { early, replay } = await abortWhileLockedThenRetry({ ...create(m, '/payouts', body), lock: lockBalance(m) });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { reference: body.reference } });
    expect(await count('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId])).toBe(1);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 990_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(990_000);
  });

  it('when a retry takes over the key while the first create still waits on the lock, then one payout and one debit exist', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const body = payoutBody({ amount: 10_000 });
    const { first, second, replay } = await takeOverWhileLocked({
      ...create(m, '/payouts', body),
      lock: lockBalance(m),
      staleAfterMs: STALE_AFTER_MS,
    });

    expect(first.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(replay).toEqual({ status: 201, body: second.body, replayed: true });
    expect(await count('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId])).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM LedgerEntry WHERE merchantId = ? AND type = 'PAYOUT_DEBIT'", [
        m.merchantId,
      ]),
    ).toBe(1);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(990_000);
  });
});

describe('references are exact identities', () => {
  it('when two references differ only in case or accents, then they are two payouts', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const suffix = randomBytes(4).toString('hex');
    for (const reference of [`INV-${suffix}`, `inv-${suffix}`, `Caf\u00e9-${suffix}`, `Cafe-${suffix}`]) {
      const res = await client(api.app, m.key).post('/payouts', payoutBody({ reference }));
      expect(res.status, reference).toBe(201);
    }
    const again = await client(api.app, m.key).post('/payouts', payoutBody({ reference: `INV-${suffix}` }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DUPLICATE_REFERENCE');
    expect(await count('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId])).toBe(4);
  });

  it('when a reference ends in a space, then 400 VALIDATION_ERROR naming it and nothing is debited', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const res = await client(api.app, m.key).post('/payouts', payoutBody({ reference: 'INV-1 ' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'reference', message: 'must not end with a space' }]);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(1_000_000);
  });
});

describe('POST /webhook-endpoints under faults', () => {
  it('when the create waits on a lock and the client gives up, then the retry replays the one endpoint and its secret', async () => {
    const m = await createTestMerchant(api.db);
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, '/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }),
      // The create locks the merchant row (its endpoint limit) and then inserts: a locking read
      // of the merchant's (empty) endpoint range takes the gap that insert goes into.
      lock: () =>
        holdLock(
          api.db.pool,
          'SELECT id FROM WebhookEndpoint FORCE INDEX (WebhookEndpoint_merchantId_enabled_idx) WHERE merchantId = ? FOR UPDATE',
          [m.merchantId],
        ),
      retryQueuesBehindCreate: true,
    });

    // Never a second endpoint: the retry was told to wait, or got the one endpoint's answer.
    if (early.status === 409) expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    else expect(early).toEqual(replay);
    expect(replay).toMatchObject({ status: 201, replayed: true });
    expect(String(replay.body.secret)).toMatch(/^whsec_/);
    const endpoints = (await api.db.pool.query('SELECT id, secret FROM WebhookEndpoint WHERE merchantId = ?', [
      m.merchantId,
    ])) as { id: string; secret: string }[];
    // One endpoint, and its secret is the one the client got: none exists whose secret nobody saw.
    expect(endpoints).toEqual([{ id: replay.body.id, secret: replay.body.secret }]);
  });
});

describe('POST /sandbox/payouts/:id/simulate under faults', () => {
  it('when the transition waits on the payout row lock and the client gives up, then the retry replays it (not a 422 for a second transition)', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    // Scenario 1: COMPLETED at once, nothing due; REVERSED is its one legal next step.
    const created = await client(api.app, m.key).post('/payouts', payoutBody({ amount: 10_000 }));
    expect(created.body.status).toBe('COMPLETED');
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, `/sandbox/payouts/${created.body.id}/simulate`, { status: 'REVERSED' }),
      lock: () => holdLock(api.db.pool, 'SELECT id FROM Payout WHERE id = ? FOR UPDATE', [created.body.id]),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 200, replayed: true, body: { id: created.body.id, status: 'REVERSED' } });
    expect(
      await count("SELECT COUNT(*) AS n FROM PayoutEvent WHERE payoutId = ? AND status = 'REVERSED'", [
        created.body.id,
      ]),
    ).toBe(1);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(1_000_000);
  });
});

describe('POST /events/:id/redeliver under faults', () => {
  it('when the redelivery waits on the endpoint row lock and the client gives up, then the retry replays the one new delivery', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const endpoint = await client(api.app, m.key).post('/webhook-endpoints', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['webhook.test'],
    });
    const payout = await client(api.app, m.key).post('/payouts', payoutBody());
    const [event] = (await api.db.pool.query(
      "SELECT id FROM WebhookEvent WHERE merchantId = ? AND type = 'payout.created'",
      [m.merchantId],
    )) as { id: string }[];
    expect(payout.status).toBe(201);
    const { early, replay } = await abortWhileLockedThenRetry({
      ...create(m, `/events/${event!.id}/redeliver`, { endpointId: endpoint.body.id }),
      // The new delivery's foreign-key check on its endpoint waits for this lock.
      lock: () => holdLock(api.db.pool, 'SELECT id FROM WebhookEndpoint WHERE id = ? FOR UPDATE', [endpoint.body.id]),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 202, replayed: true });
    expect(
      await count('SELECT COUNT(*) AS n FROM WebhookDelivery WHERE eventId = ? AND endpointId = ?', [
        event!.id,
        endpoint.body.id,
      ]),
    ).toBe(1);
  });
});
