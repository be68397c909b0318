import type { EventType } from '@mypay/contracts';
import type { PoolConnection } from '@mypay/db';
import { newId } from '../ids.ts';
import { currentRequestScope } from '../request-logs/request-scope.ts';
import {
  fanOutDeliveries,
  insertEventRows,
  insertReservedEventRows,
  nextEventSequence,
  type ReservedEventRow,
} from './outbox-repository.ts';
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
 * An event body as the JSON text before its sequence number and after it: `head + n + tail` is
 * exactly `JSON.stringify` of the body with `sequence: n` (the key order of EventBody), so the
 * database can put in a number it has just reserved (insertReservedEventRows).
 */
export function bodyAroundSequence(body: Omit<EventBody, 'sequence'>): { head: string; tail: string } {
  const head = `{"id":${JSON.stringify(body.id)},"type":${JSON.stringify(body.type)},"createdAt":${JSON.stringify(body.createdAt)},"sequence":`;
  const tail = `,"request":${JSON.stringify(body.request)},"data":${JSON.stringify(body.data)}}`;
  return { head, tail };
}

/**
 * enqueueEvent for several events of one merchant at once, for the hot create paths: the events
 * take the merchant's last `specs.length` sequence numbers, in order, which the caller has
 * reserved on the same transaction (reserveEventSequences, or updateBalance's
 * `reserveEventSequences`) in a statement sent before on this connection. The numbers are read
 * in SQL (insertReservedEventRows), so the caller need not wait for the reservation: the whole
 * change goes in one batch. Events and their deliveries are two statements whatever their count —
 * one multi-row INSERT of the events, one fan-out INSERT … SELECT over every event.
 * It does not wake the delivery workers: the caller does, after its commit (`deliveries > 0`), so
 * no worker looks before the rows are visible.
 */
export async function insertEventsWithDeliveries(
  conn: PoolConnection,
  merchantId: string,
  specs: EventSpec[],
): Promise<{ deliveries: number }> {
  if (specs.length === 0) return { deliveries: 0 };
  const scope = currentRequestScope();
  const request = scope ? { id: scope.id, idempotencyKey: scope.idempotencyKey } : null;
  const rows: ReservedEventRow[] = specs.map((spec) => {
    const id = newId('evt');
    const around = bodyAroundSequence({
      id,
      type: spec.type,
      createdAt: spec.at.toISOString(),
      request,
      data: { object: spec.object },
    });
    return { id, type: spec.type, ...around, at: spec.at };
  });
  const wall = new Date();
  // Sent together: the driver pipelines them on the one connection.
  const events = insertReservedEventRows(conn, merchantId, rows);
  const deliveries = fanOutDeliveries(
    conn,
    merchantId,
    specs.map((spec, i) => ({
      eventId: rows[i]!.id,
      type: spec.type,
      ...deliveryTimes(testClockOfObject(spec.object), spec.at, wall),
      at: spec.at,
    })),
  );
  const [inserted, fannedOut] = await Promise.allSettled([events, deliveries]);
  if (inserted.status === 'rejected') throw inserted.reason;
  if (fannedOut.status === 'rejected') throw fannedOut.reason;
  return { deliveries: fannedOut.value };
}
