import type { Db } from '@mypay/db';

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
  const events = (await db.pool.query(
    `SELECT id, type, createdAt FROM WebhookEvent
      WHERE merchantId = ? AND createdAt >= ?
        AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.data.object.id')) = ?
      ORDER BY createdAt, seq
      LIMIT 50`,
    [merchantId, new Date(since.getTime() - 1000), objectId],
  )) as { id: string; type: string; createdAt: Date }[];
  if (events.length === 0) return [];
  const deliveries = await db.prisma.webhookDelivery.findMany({
    where: { eventId: { in: events.map((e) => e.id) } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { endpoint: { select: { url: true } } },
  });
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
