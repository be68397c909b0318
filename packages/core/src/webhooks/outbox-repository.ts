import type { EventType } from '@mypay/contracts';
import type { PoolConnection } from '@mypay/db';

/**
 * The outbox's data access: the merchant's event sequence, the WebhookEvent rows and the fan-out
 * of their PENDING deliveries. Plain SQL on the caller's transaction (every event commits or rolls
 * back with the change it tells of); enqueue-event.ts builds the bodies and decides what is due.
 */

type Runner = Pick<PoolConnection, 'query'>;

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

/**
 * Reserves `count` consecutive sequence numbers of the merchant in one statement (same lock and
 * commit-order argument as nextEventSequence); returns the last. changeBalance can do the same as
 * part of its UPDATE (`reserveEventSequences`), saving the statement.
 */
export async function reserveEventSequences(conn: PoolConnection, merchantId: string, count: number): Promise<number> {
  const result = (await conn.query(
    'UPDATE MerchantBalance SET lastEventSequence = LAST_INSERT_ID(lastEventSequence + ?) WHERE merchantId = ?',
    [count, merchantId],
  )) as { affectedRows: number; insertId: number | bigint };
  if (result.affectedRows !== 1) throw new Error(`no balance row for merchant ${merchantId}`);
  return Number(result.insertId);
}

/** SQL expression making a `whd_` id; ids are made in SQL so fan-out is one statement whatever the endpoint count. */
export const DELIVERY_ID_SQL = "CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24))";

/** Inserts event rows (one statement whatever their count). The stored JSON is the exact body every delivery sends. */
export async function insertEventRows(
  conn: Runner,
  merchantId: string,
  events: { body: { id: string; type: EventType; sequence: number }; at: Date }[],
): Promise<void> {
  await conn.query(
    `INSERT INTO WebhookEvent (id, merchantId, type, sequence, payload, createdAt) VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    events.flatMap(({ body, at }) => [body.id, merchantId, body.type, body.sequence, JSON.stringify(body), at]),
  );
}

/**
 * An event row whose number is the one its transaction has just reserved: the body is stored as
 * the JSON text before its number (`head`, ending in `"sequence":`) and after it (`tail`).
 */
export interface ReservedEventRow {
  id: string;
  type: EventType;
  head: string;
  tail: string;
  at: Date;
}

/**
 * insertEventRows for events that take the merchant's last `events.length` sequence numbers,
 * reserved on this transaction by an UPDATE of the balance row sent before on the same connection
 * (reserveEventSequences, or updateBalance's `reserveEventSequences`). The numbers are read from
 * that row, which the transaction holds locked, inside the INSERT — into `sequence` and into the
 * body between its head and tail — so the INSERT does not wait for the reservation's answer and
 * both go in one pipelined batch. One statement whatever the count.
 */
export async function insertReservedEventRows(
  conn: Runner,
  merchantId: string,
  events: ReservedEventRow[],
): Promise<void> {
  if (events.length === 0) return;
  // Each row's number is the last reserved one minus how far before it the event is (the last
  // event: 0), read by primary key from the row this transaction has updated: a multi-row
  // VALUES, so the rows go in in number order (the global `seq` follows `sequence`) with no
  // derived table or sort.
  const last = '(SELECT lastEventSequence FROM MerchantBalance WHERE merchantId = ?)';
  await conn.query(
    `INSERT INTO WebhookEvent (id, merchantId, type, sequence, payload, createdAt) VALUES ${events
      .map(() => `(?, ?, ?, ${last} - ?, CONCAT(?, ${last} - ?, ?), ?)`)
      .join(', ')}`,
    events.flatMap((ev, i) => {
      const back = events.length - 1 - i;
      return [ev.id, merchantId, ev.type, merchantId, back, ev.head, merchantId, back, ev.tail, ev.at];
    }),
  );
}

/** What one event's deliveries are: due at `due`, and for a bound event its clock and due time on it. */
export interface DeliveriesToFanOut {
  eventId: string;
  type: EventType;
  due: Date;
  testClockId: string | null;
  clockDue: Date | null;
  at: Date;
}

/**
 * One PENDING delivery per enabled endpoint of the merchant that wants the event's type, for each
 * event, in one INSERT … SELECT whatever their count; returns how many it made.
 */
export async function fanOutDeliveries(
  conn: Runner,
  merchantId: string,
  events: DeliveriesToFanOut[],
): Promise<number> {
  if (events.length === 0) return 0;
  // One derived row per event (id, type, due, clock, clock due, at), joined with the merchant's endpoints that want it.
  const rows = events
    .map(() => 'SELECT ? AS id, ? AS type, ? AS due, ? AS clock, ? AS clockDue, ? AS at')
    .join(' UNION ALL ');
  const result = (await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, testClockId,
                                  clockNextAttemptAt, createdAt, updatedAt)
     SELECT ${DELIVERY_ID_SQL}, ev.id, e.id, 'PENDING', 0, ev.due, ev.clock, ev.clockDue, ev.at, ev.at
       FROM (${rows}) ev
       JOIN WebhookEndpoint e
         ON e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
        AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(ev.type)))`,
    [...events.flatMap((ev) => [ev.eventId, ev.type, ev.due, ev.testClockId, ev.clockDue, ev.at]), merchantId],
  )) as { affectedRows?: number };
  return result.affectedRows ?? 0;
}
