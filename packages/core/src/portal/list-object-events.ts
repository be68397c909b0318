import type { Db } from '@mypay/db';
import { findDeliveriesOfEvents, findObjectEvents } from './portal-read-repository.ts';

export interface ObjectEventSummary {
  id: string;
  type: string;
  createdAt: Date;
  deliveries: {
    id: string;
    url: string;
    status: string;
    attemptCount: number;
    lastStatusCode: number | null;
    lastAttemptAt: Date | null;
    nextAttemptAt: Date | null;
  }[];
}

/**
 * The webhook events about one object (a payout, checkout or transaction) with their deliveries,
 * oldest first, for the object's detail page. Reads the merchant's events since the object was
 * created (index merchantId, createdAt) and matches `data.object.id` in the stored payload.
 */
export async function listObjectEvents(
  db: Db,
  merchantId: string,
  objectId: string,
  since: Date,
): Promise<ObjectEventSummary[]> {
  const events = await findObjectEvents(db.pool, merchantId, objectId, new Date(since.getTime() - 1000));
  if (events.length === 0) return [];
  const deliveries = await findDeliveriesOfEvents(
    db,
    events.map((e) => e.id),
  );
  return events.map((e) => ({
    ...e,
    deliveries: deliveries
      .filter((d) => d.eventId === e.id)
      .map((d) => ({
        id: d.id,
        url: d.endpoint.url,
        status: d.status,
        attemptCount: d.attemptCount,
        lastStatusCode: d.lastStatusCode,
        lastAttemptAt: d.lastAttemptAt,
        nextAttemptAt: d.nextAttemptAt,
      })),
  }));
}
