import type { PoolConnection } from '@mypay/db';
import { newId } from '../ids.ts';

export const EVENT_TYPES = [
  'payout.created',
  'payout.processing',
  'payout.completed',
  'payout.failed',
  'payout.reversed',
  'checkout.completed',
  'checkout.expired',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventBody {
  id: string;
  type: EventType;
  createdAt: string;
  data: { object: unknown };
}

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
  const body: EventBody = { id: newId('evt'), type, createdAt: now.toISOString(), data: { object } };
  await conn.query('INSERT INTO WebhookEvent (id, merchantId, type, payload, createdAt) VALUES (?, ?, ?, ?, ?)', [
    body.id,
    merchantId,
    type,
    JSON.stringify(body),
    now,
  ]);
  // Delivery ids are made in SQL so fan-out is one statement whatever the endpoint count.
  await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
     SELECT CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24)), ?, e.id, 'PENDING', 0, ?, ?, ?
       FROM WebhookEndpoint e
      WHERE e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
        AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(?)))`,
    [body.id, now, now, now, merchantId, type],
  );
  return body;
}
