import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from '../../services/payout-api/test/support.ts';
import {
  abortWhileLockedThenRetry,
  type FaultKit,
  holdLock,
  startFaultKit,
  takeOverWhileLocked,
} from '../support/faults.ts';

/**
 * POST /api/v1/test-clocks against the faults of idempotency-faults.test.ts: the create waits on a
 * lock, the client gives up and retries with the same key. The lock is the narrowest one the create
 * needs and the key's claim does not: the gap of the merchant's clocks in the TestClock index (a
 * locking read of a fresh merchant's clocks), which holds up the clock's INSERT only. A lock on the
 * merchant's row would also hold up the claim of the key (its foreign key), so no request would
 * ever be "in progress" — the earlier attempt at this test failed on exactly that.
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

const clocksOf = (m: TestMerchant) =>
  kit.count('SELECT COUNT(*) AS n FROM TestClock WHERE merchantId = ?', [m.merchantId]);
const lockClockGap = (m: TestMerchant) => () =>
  holdLock(api.db.pool, 'SELECT id FROM TestClock WHERE merchantId = ? FOR UPDATE', [m.merchantId]);

describe('POST /test-clocks under faults', () => {
  it('when the create waits on a lock and the client gives up, then the retry replays the one clock', async () => {
    const m = await createTestMerchant(api.db);
    const body = { name: 'faults', frozenTime: '2030-01-01T00:00:00.000Z' };
    const { early, replay } = await abortWhileLockedThenRetry({
      ...kit.create(m, '/test-clocks', body),
      lock: lockClockGap(m),
    });

    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { name: 'faults', status: 'ready' } });
    expect(await clocksOf(m)).toBe(1);
  });

  it('when a retry takes over the key while the first create still waits on the lock, then one clock exists', async () => {
    const m = await createTestMerchant(api.db);
    const { first, second, replay } = await takeOverWhileLocked({
      ...kit.create(m, '/test-clocks', { name: 'take-over' }),
      lock: lockClockGap(m),
      staleAfterMs: STALE_AFTER_MS,
    });

    expect(first.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(replay).toEqual({ status: 201, body: second.body, replayed: true });
    expect(await clocksOf(m)).toBe(1);
  });
});
