import type { EventType } from '@mypay/contracts';
import type { PoolConnection } from '@mypay/db';
import { newId } from '../ids.ts';
import { currentRequestScope } from '../request-logs/request-scope.ts';
import { notifyWebhookWorkers } from './worker-signal.ts';

export { EVENT_TYPES, type EventType, isEventType } from '@mypay/contracts';

export interface EventBody {
  id: string;
  type: EventType;
  createdAt: string;
  /** Position among the merchant's events in commit order. */
  sequence: number;
  /** The API request that caused the event; null when a worker or a clock did. */
  request: { id: string; idempotencyKey: string | null } | null;
  data: { object: unknown };
}

/**
 * The merchant's next event sequence, on the caller's transaction. The UPDATE locks the merchant's
 * balance row until commit, so no other transaction of the merchant can take a number before this
 * one commits: numbers follow commit order, without gaps (a rollback returns its number).
 * LAST_INSERT_ID(expr) hands the new value back in the same round trip.
 */
export async function nextEventSequence(conn: PoolConnection, merchantId: string): Promise<number> {
  const result = (await conn.query(
    'UPDATE MerchantBalance SET lastEventSequence = LAST_INSERT_ID(lastEventSequence + 1) WHERE merchantId = ?',
    [merchantId],
  )) as { affectedRows: number; insertId: number | bigint };
  if (result.affectedRows !== 1) throw new Error(`no balance row for merchant ${merchantId}`);
  return Number(result.insertId);
}

/** Inserts the event row only (no deliveries). The stored JSON is the exact body every delivery sends. */
export async function insertEvent(
  conn: PoolConnection,
  merchantId: string,
  type: EventType,
  object: unknown,
  now: Date = new Date(),
): Promise<EventBody> {
  const sequence = await nextEventSequence(conn, merchantId);
  const scope = currentRequestScope();
  const body: EventBody = {
    id: newId('evt'),
    type,
    createdAt: now.toISOString(),
    sequence,
    request: scope ? { id: scope.id, idempotencyKey: scope.idempotencyKey } : null,
    data: { object },
  };
  await conn.query(
    'INSERT INTO WebhookEvent (id, merchantId, type, sequence, payload, createdAt) VALUES (?, ?, ?, ?, ?, ?)',
    [body.id, merchantId, type, sequence, JSON.stringify(body), now],
  );
  return body;
}

/** SQL expression making a `whd_` id; ids are made in SQL so fan-out is one statement whatever the endpoint count. */
export const DELIVERY_ID_SQL = "CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24))";

/** The test clock of an event's object (`testClock` of a bound payout, checkout or payment), if any. */
export function testClockOfObject(object: unknown): string | null {
  const clock = (object as { testClock?: unknown } | null)?.testClock;
  return typeof clock === 'string' ? clock : null;
}

/**
 * Writes an event to the outbox on the caller's transaction: the event row and one
 * PENDING delivery per enabled endpoint of the merchant that wants this type, due now.
 * An event of a bound object (its `testClock`) is stamped with the clock's time by the caller;
 * its deliveries are due now in wall time all the same (the first attempt follows the event at
 * once), and carry the clock so that their retries wait for it (deliver.ts, advance-test-clock.ts).
 * Because it commits or rolls back with the state change, an event exists exactly when
 * the change happened; the delivery worker sends it at least once.
 */
export async function enqueueEvent(
  conn: PoolConnection,
  merchantId: string,
  type: EventType,
  object: unknown,
  now: Date = new Date(),
): Promise<EventBody> {
  const body = await insertEvent(conn, merchantId, type, object, now);
  const testClockId = testClockOfObject(object);
  const result = (await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, testClockId, createdAt, updatedAt)
     SELECT ${DELIVERY_ID_SQL}, ?, e.id, 'PENDING', 0, ?, ?, ?, ?
       FROM WebhookEndpoint e
      WHERE e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
        AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(?)))`,
    [body.id, testClockId ? new Date() : now, testClockId, now, now, merchantId, type],
  )) as { affectedRows?: number };
  // Lets a worker in this process start at once rather than at its next poll.
  if ((result.affectedRows ?? 0) > 0) notifyWebhookWorkers();
  return body;
}
