import type { EventType } from '@mypay/contracts';
import type { PoolConnection } from '@mypay/db';
import { newId } from '../ids.ts';
import { currentRequestScope } from '../request-logs/request-scope.ts';
import { fanOutDeliveries, insertEventRows, nextEventSequence } from './outbox-repository.ts';
import { notifyWebhookWorkers } from './worker-signal.ts';

export { EVENT_TYPES, type EventType, isEventType } from '@mypay/contracts';
// The sequence is the outbox's (outbox-repository.ts); the money paths reserve it on their transaction from here.
export { nextEventSequence, reserveEventSequences } from './outbox-repository.ts';

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
  await insertEventRows(conn, merchantId, [{ body, at: now }]);
  return body;
}

/** The test clock of an event's object (`testClock` of a bound payout, checkout or payment), if any. */
export function testClockOfObject(object: unknown): string | null {
  const clock = (object as { testClock?: unknown } | null)?.testClock;
  return typeof clock === 'string' ? clock : null;
}

/**
 * When a new event's deliveries are due: now in wall time (`wall`); a bound event's also carry its
 * clock and the attempt's due time on it (the event's time `at`), so the attempt is stamped with it
 * and the retries wait for the clock.
 */
function deliveryTimes(testClockId: string | null, at: Date, wall: Date) {
  return { due: testClockId ? wall : at, testClockId, clockDue: testClockId ? at : null };
}

/**
 * Writes an event to the outbox on the caller's transaction: the event row and one
 * PENDING delivery per enabled endpoint of the merchant that wants this type, due now.
 * An event of a bound object (its `testClock`) is stamped with the clock's time by the caller;
 * its deliveries are due now in wall time all the same (the first attempt follows the event at
 * once), and carry the clock and the attempt's due time on it (the event's time), so that the
 * attempt is stamped with it and the retries wait for the clock (deliver.ts, advance-test-clock.ts).
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
  const fannedOut = await fanOutDeliveries(conn, merchantId, [
    { eventId: body.id, type, ...deliveryTimes(testClockId, now, new Date()), at: now },
  ]);
  // Lets a worker in this process start at once rather than at its next poll.
  if (fannedOut > 0) notifyWebhookWorkers();
  return body;
}

export interface EventSpec {
  type: EventType;
  object: unknown;
  /** The event's time (clock time for a bound object). */
  at: Date;
}

/**
 * enqueueEvent for several events of one merchant at once, for the hot create paths: the events
 * take the numbers `firstSequence`, `firstSequence + 1`, … (reserved by the caller on the same
 * transaction, see reserveEventSequences) and are written with their deliveries in two statements
 * whatever their count — one multi-row INSERT, one fan-out INSERT … SELECT over every event — sent
 * together (the driver pipelines them). It does not wake the delivery workers: the caller does,
 * after its commit (`deliveries > 0`), so no worker looks before the rows are visible.
 */
export async function insertEventsWithDeliveries(
  conn: PoolConnection,
  merchantId: string,
  specs: EventSpec[],
  firstSequence: number,
): Promise<{ bodies: EventBody[]; deliveries: number }> {
  if (specs.length === 0) return { bodies: [], deliveries: 0 };
  const scope = currentRequestScope();
  const request = scope ? { id: scope.id, idempotencyKey: scope.idempotencyKey } : null;
  const bodies: EventBody[] = specs.map((spec, i) => ({
    id: newId('evt'),
    type: spec.type,
    createdAt: spec.at.toISOString(),
    sequence: firstSequence + i,
    request,
    data: { object: spec.object },
  }));
  const wall = new Date();
  // Sent together: the driver pipelines them on the one connection.
  const events = insertEventRows(
    conn,
    merchantId,
    bodies.map((body, i) => ({ body, at: specs[i]!.at })),
  );
  const deliveries = fanOutDeliveries(
    conn,
    merchantId,
    specs.map((spec, i) => ({
      eventId: bodies[i]!.id,
      type: spec.type,
      ...deliveryTimes(testClockOfObject(spec.object), spec.at, wall),
      at: spec.at,
    })),
  );
  const [inserted, fannedOut] = await Promise.allSettled([events, deliveries]);
  if (inserted.status === 'rejected') throw inserted.reason;
  if (fannedOut.status === 'rejected') throw fannedOut.reason;
  return { bodies, deliveries: fannedOut.value };
}

/** Awaits statements sent together on one connection; throws the first failure in the order they were sent. */
export async function allInOrder(writes: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
