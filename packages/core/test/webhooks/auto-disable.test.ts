import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueDeliveries, processClaimedDelivery, recordAttempt } from '../../src/index.ts';
import {
  emit,
  newEndpoint,
  newMerchant,
  openDb,
  type Receiver,
  startReceiver,
  testSettings,
  waitFor,
} from './support.ts';

/**
 * Auto-disable by attempt times, driven step by step with the delivery protocol's own pieces
 * (claim, send and record, then the check), so each attempt happens when the test says.
 */
let db: Db;
let failing: Receiver;
beforeAll(async () => {
  db = openDb();
  failing = await startReceiver(() => 500);
});
afterAll(async () => {
  await failing?.close();
  await db?.close();
});

interface DeliveryRow {
  id: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: Date | null;
}
const deliveriesOf = async (endpointId: string) =>
  (await db.pool.query(
    'SELECT id, status, attemptCount, nextAttemptAt FROM WebhookDelivery WHERE endpointId = ? ORDER BY createdAt, id',
    [endpointId],
  )) as DeliveryRow[];
const enabled = async (endpointId: string) =>
  Boolean(
    (
      (await db.pool.query('SELECT enabled FROM WebhookEndpoint WHERE id = ?', [endpointId])) as { enabled: number }[]
    )[0]?.enabled,
  );
/** Claims what is due to the endpoint now (as a worker would), one delivery at most. */
const claimOne = async (endpointId: string, leaseMs = 10_000) => {
  const [claimed] = await claimDueDeliveries(db, 1, leaseMs, { endpointIds: [endpointId] });
  if (!claimed) throw new Error('nothing due');
  return claimed;
};

describe('endpoint auto-disable by attempt times', () => {
  it('when a delivery created long ago (the workers were down) fails its first attempt now, then the endpoint stays enabled and the delivery keeps its retries', async () => {
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, failing.url);
    await emit(db, merchantId);
    // Written ten days ago, never attempted until now.
    await db.pool.query('UPDATE WebhookDelivery SET createdAt = NOW(3) - INTERVAL 10 DAY WHERE endpointId = ?', [
      endpoint.id,
    ]);
    const settings = testSettings({ retryScheduleMs: [0, 60_000, 60_000], disableAfterMs: 60_000 });

    const processed = await processClaimedDelivery(db, await claimOne(endpoint.id), settings);

    expect(processed).toMatchObject({ outcome: 'RETRY_SCHEDULED', endpointDisabled: false });
    expect(await enabled(endpoint.id)).toBe(true);
    expect(await deliveriesOf(endpoint.id)).toEqual([
      expect.objectContaining({ status: 'PENDING', attemptCount: 1, nextAttemptAt: expect.any(Date) }),
    ]);
  });

  it('when attempts have failed for the whole window, then the endpoint is disabled but the triggering delivery keeps its retry and a leased delivery is recorded as it turned out', async () => {
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, failing.url);
    const disableAfterMs = 500;
    const settings = testSettings({ retryScheduleMs: [0, 0, 60_000], disableAfterMs, leaseMs: 10_000 });
    await emit(db, merchantId);
    const [first] = await deliveriesOf(endpoint.id);

    // Attempt 1 fails: the streak starts; its retry is due at once.
    expect(await processClaimedDelivery(db, await claimOne(endpoint.id), settings)).toMatchObject({
      outcome: 'RETRY_SCHEDULED',
      endpointDisabled: false,
    });
    await waitFor(
      async () =>
        (
          (await db.pool.query(
            `SELECT MIN(a.createdAt) <= NOW(3) - INTERVAL ? MICROSECOND AS old FROM WebhookAttempt a WHERE a.deliveryId = ?`,
            [(disableAfterMs + 100) * 1000, first!.id],
          )) as { old: number }[]
        )[0]?.old === 1,
      { what: 'the first failure to be older than the window' },
    );
    // A later event whose retry is scheduled far out, and one another worker holds under lease.
    await emit(db, merchantId);
    await emit(db, merchantId);
    const later = (await deliveriesOf(endpoint.id)).filter((d) => d.id !== first!.id);
    await db.pool.query('UPDATE WebhookDelivery SET nextAttemptAt = NOW(3) + INTERVAL 1 HOUR WHERE id = ?', [
      later[0]!.id,
    ]);
    // (The first delivery's retry is due first: hold it back while the lease is taken.)
    await db.pool.query('UPDATE WebhookDelivery SET nextAttemptAt = NOW(3) + INTERVAL 1 HOUR WHERE id = ?', [
      first!.id,
    ]);
    const leased = await claimOne(endpoint.id);
    expect(leased.id).toBe(later[1]!.id);
    await db.pool.query('UPDATE WebhookDelivery SET nextAttemptAt = NOW(3) WHERE id = ?', [first!.id]);

    // Attempt 2 of the first delivery fails: every attempt failed for the window.
    const trigger = await processClaimedDelivery(db, await claimOne(endpoint.id), settings);

    expect(trigger).toMatchObject({ outcome: 'RETRY_SCHEDULED', endpointDisabled: true });
    expect(await enabled(endpoint.id)).toBe(false);
    const rows = new Map((await deliveriesOf(endpoint.id)).map((d) => [d.id, d]));
    expect(rows.get(first!.id)).toMatchObject({ status: 'PENDING', attemptCount: 2 });
    expect(rows.get(later[0]!.id)).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
    expect(rows.get(leased.id)).toMatchObject({ status: 'PENDING' });
    // The leased attempt succeeded after all: it is recorded, not lost to the disable.
    const outcome = await recordAttempt(
      db,
      leased,
      { ok: true, statusCode: 200, latencyMs: 5, responseExcerpt: 'ok', error: null, startedAt: new Date() },
      settings,
    );
    expect(outcome).toBe('DELIVERED');
  });
});
