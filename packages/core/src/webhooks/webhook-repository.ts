import type { Db, PoolConnection, WebhookEndpoint } from '@mypay/db';

/**
 * The webhook endpoints' and events' data access (reads of the API and portals, redelivery and
 * test events): Prisma for the plain reads, plain SQL on the caller's transaction for the writes
 * that go with an outbox change. Deliveries in flight are delivery-repository.ts's; the outbox
 * writes are outbox-repository.ts's.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** The merchant's endpoints (not deleted), newest first. */
export function findEndpoints(db: Pick<Db, 'prisma'>, merchantId: string): Promise<WebhookEndpoint[]> {
  return db.prisma.webhookEndpoint.findMany({
    where: { merchantId, deletedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** The merchant's endpoint (not deleted), or null: another merchant's is not found either. */
export function findEndpoint(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
): Promise<WebhookEndpoint | null> {
  return db.prisma.webhookEndpoint.findFirst({ where: { id: endpointId, merchantId, deletedAt: null } });
}

/** One event of the merchant with every delivery (oldest first), its endpoint's URL and its attempts; null if none. */
export function findEventWithDeliveries(db: Pick<Db, 'prisma'>, merchantId: string, eventId: string) {
  return db.prisma.webhookEvent.findFirst({
    where: { id: eventId, merchantId },
    select: {
      id: true,
      type: true,
      createdAt: true,
      sequence: true,
      payload: true,
      deliveries: {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { endpoint: { select: { url: true } }, attempts: { orderBy: { id: 'asc' } } },
      },
    },
  });
}

/**
 * Attempts of the last `windowHours` per endpoint: how many, and how many were answered 2xx. An
 * attempt in the window means its delivery's lastAttemptAt is in it too, so the (endpointId,
 * status, lastAttemptAt) index narrows the deliveries before their attempts are read.
 */
export async function countRecentAttempts(
  db: Pick<Db, 'pool'>,
  endpointIds: readonly string[],
  windowHours: number,
): Promise<{ endpointId: string; succeeded: number; total: number }[]> {
  if (endpointIds.length === 0) return [];
  const rows = (await db.pool.query(
    `SELECT d.endpointId,
            SUM(a.statusCode BETWEEN 200 AND 299) AS succeeded,
            COUNT(*) AS total
       FROM WebhookDelivery d
       JOIN WebhookAttempt a ON a.deliveryId = d.id
      WHERE d.endpointId IN (?)
        AND d.lastAttemptAt >= DATE_SUB(NOW(3), INTERVAL ? HOUR)
        AND a.createdAt >= DATE_SUB(NOW(3), INTERVAL ? HOUR)
      GROUP BY d.endpointId`,
    [endpointIds, windowHours, windowHours],
  )) as { endpointId: string; succeeded: number | bigint | string | null; total: number | bigint }[];
  return rows.map((r) => ({ endpointId: r.endpointId, succeeded: Number(r.succeeded ?? 0), total: Number(r.total) }));
}

/** The merchant's event as stored (the exact JSON every delivery sends), or null. */
export async function findStoredEvent(
  conn: Runner,
  merchantId: string,
  eventId: string,
): Promise<{ id: string; type: string; body: unknown } | null> {
  const [event] = (await conn.query(
    'SELECT id, type, CAST(payload AS CHAR) AS body FROM WebhookEvent WHERE id = ? AND merchantId = ?',
    [eventId, merchantId],
  )) as { id: string; type: string; body: string | object }[];
  if (!event) return null;
  return { id: event.id, type: event.type, body: typeof event.body === 'string' ? JSON.parse(event.body) : event.body };
}

export interface EndpointTarget {
  id: string;
  url: string;
  enabled: boolean;
}

const toTargets = (rows: { id: string; url: string; enabled: number }[]): EndpointTarget[] =>
  rows.map((r) => ({ id: r.id, url: r.url, enabled: Boolean(r.enabled) }));

/** The merchant's endpoint (not deleted, enabled or not) as a delivery target; none when there is no such endpoint. */
export async function findEndpointTarget(
  conn: Runner,
  merchantId: string,
  endpointId: string,
): Promise<EndpointTarget[]> {
  const rows = (await conn.query(
    'SELECT id, url, enabled FROM WebhookEndpoint WHERE id = ? AND merchantId = ? AND deletedAt IS NULL',
    [endpointId, merchantId],
  )) as { id: string; url: string; enabled: number }[];
  return toTargets(rows);
}

/** The merchant's enabled endpoints subscribed to `type` (or to every type). */
export async function findSubscribedEndpoints(
  conn: Runner,
  merchantId: string,
  type: string,
): Promise<EndpointTarget[]> {
  const rows = (await conn.query(
    `SELECT id, url, enabled FROM WebhookEndpoint
      WHERE merchantId = ? AND enabled = TRUE AND deletedAt IS NULL
        AND (events IS NULL OR JSON_CONTAINS(events, JSON_QUOTE(?)))`,
    [merchantId, type],
  )) as { id: string; url: string; enabled: number }[];
  return toTargets(rows);
}

/** The merchant's enabled endpoints (only `endpointId`, when given), oldest first. */
export async function findEnabledEndpointIds(conn: Runner, merchantId: string, endpointId?: string): Promise<string[]> {
  const rows = (await conn.query(
    `SELECT id FROM WebhookEndpoint WHERE merchantId = ? AND enabled = TRUE AND deletedAt IS NULL
       ${endpointId ? 'AND id = ?' : ''} ORDER BY createdAt`,
    endpointId ? [merchantId, endpointId] : [merchantId],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * A new PENDING delivery of an event to an endpoint, due now; on a test clock (`clock`), created
 * and first due at the clock's time.
 */
export async function insertDueDelivery(
  conn: Runner,
  delivery: { id: string; eventId: string; endpointId: string; clock: { id: string; time: Date } | null },
): Promise<void> {
  const clockTime = delivery.clock?.time ?? null;
  await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, testClockId,
                                  clockNextAttemptAt, createdAt, updatedAt)
     VALUES (?, ?, ?, 'PENDING', 0, NOW(3), ?, ?, COALESCE(?, NOW(3)), NOW(3))`,
    [delivery.id, delivery.eventId, delivery.endpointId, delivery.clock?.id ?? null, clockTime, clockTime],
  );
}

/** A delivery created already claimed (due at `leaseUntil`), for a send made right away (test events). */
export async function insertLeasedDelivery(
  conn: Runner,
  delivery: { id: string; eventId: string; endpointId: string; leaseUntil: Date; now: Date },
): Promise<void> {
  await conn.query(
    `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
     VALUES (?, ?, ?, 'PENDING', 0, ?, ?, ?)`,
    [delivery.id, delivery.eventId, delivery.endpointId, delivery.leaseUntil, delivery.now, delivery.now],
  );
}

export async function markTestEvent(conn: Runner, eventId: string): Promise<void> {
  await conn.query('UPDATE WebhookEvent SET test = TRUE WHERE id = ?', [eventId]);
}

/** The merchant's test events since `since`: how many, and when the oldest was. */
export async function countTestEventsSince(
  conn: Runner,
  merchantId: string,
  since: Date,
): Promise<{ sent: number; oldest: Date | null }> {
  const [window] = (await conn.query(
    `SELECT COUNT(*) AS sent, MIN(createdAt) AS oldest FROM WebhookEvent
      WHERE merchantId = ? AND (test = TRUE OR type = 'webhook.test') AND createdAt > ?`,
    [merchantId, since],
  )) as { sent: number | bigint; oldest: Date | null }[];
  return { sent: Number(window?.sent ?? 0), oldest: window?.oldest ?? null };
}
