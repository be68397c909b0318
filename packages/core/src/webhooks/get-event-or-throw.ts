import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import type { EventBody } from './enqueue-event.ts';
import { toEventBody } from './list-events.ts';
import { findEventWithDeliveries } from './webhook-repository.ts';

export interface WebhookAttemptView {
  attemptNumber: number;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  url: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  attempts: WebhookAttemptView[];
}

export type EventDetail = EventBody & { deliveries: WebhookDeliveryView[] };

/** One event of the merchant with every delivery and attempt. Another merchant's event is NOT_FOUND. */
export async function getEventOrThrow(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  eventId: string,
): Promise<EventDetail> {
  const row = await findEventWithDeliveries(db, merchantId, eventId);
  if (!row) throw notFound('event');
  return {
    ...toEventBody(row),
    deliveries: row.deliveries.map((d) => ({
      id: d.id,
      endpointId: d.endpointId,
      url: d.endpoint.url,
      status: d.status,
      attemptCount: d.attemptCount,
      // While a send is in flight nextAttemptAt holds the lease: still "when it is next looked at".
      nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
      lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
      lastStatusCode: d.lastStatusCode,
      createdAt: d.createdAt.toISOString(),
      attempts: d.attempts.map((a) => ({
        attemptNumber: a.attemptNumber,
        statusCode: a.statusCode,
        latencyMs: a.latencyMs,
        responseExcerpt: a.responseExcerpt,
        error: a.error,
        createdAt: a.createdAt.toISOString(),
      })),
    })),
  };
}
