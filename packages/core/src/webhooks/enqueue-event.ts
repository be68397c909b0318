import type { EventType } from '@mypay/contracts';
import type { PoolConnection } from '@mypay/db';
import { newId } from '../ids.ts';
import { notifyWebhookWorkers } from './worker-signal.ts';

export { EVENT_TYPES, type EventType, isEventType } from '@mypay/contracts';

export interface EventBody {
  id: string;
  type: EventType;
  createdAt: string;
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
  const body: EventBody = { id: newId('evt'), type, createdAt: now.toISOString(), data: { object } };
  await conn.query('INSERT INTO WebhookEvent (id, merchantId, type, payload, createdAt) VALUES (?, ?, ?, ?, ?)', [
    body.id,
    merchantId,
    type,
    JSON.stringify(body),
    now,
  ]);
  return body;
}

/** SQL expression making a `whd_` id; ids are made in SQL so fan-out is one statement whatever the endpoint count. */
export const DELIVERY_ID_SQL = "CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24))";

/**
 * Writes an event to the outbox on the caller's transaction: the event row and one
 * PENDING delivery per enabled endpoint of the merchant that wants this type, due now.
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
  const result = (await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
     SELECT ${DELIVERY_ID_SQL}, ?, e.id, 'PENDING', 0, ?, ?, ?
       FROM WebhookEndpoint e
      WHERE e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
        AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(?)))`,
    [body.id, now, now, now, merchantId, type],
  )) as { affectedRows?: number };
  // Lets a worker in this process start at once rather than at its next poll.
  if ((result.affectedRows ?? 0) > 0) notifyWebhookWorkers();
  return body;
}
