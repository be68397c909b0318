import { type Db, type PoolConnection, Prisma, type TransactionClient, type WebhookEndpoint } from '@mypay/db';
import type { keysetPrisma } from '../pagination/index.ts';

/**
 * The webhook endpoints' and events' data access (reads of the API and portals, the endpoints'
 * create, edit, secret rotation and soft delete, redelivery and test events): Prisma for the plain
 * reads and the endpoint CRUD (on the caller's Prisma transaction), plain SQL on the caller's
 * transaction for the writes that go with an outbox change. Deliveries in flight are
 * delivery-repository.ts's; the outbox writes are outbox-repository.ts's.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** A Prisma client or the caller's Prisma transaction. */
type PrismaRunner = TransactionClient;

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
  return findLiveEndpoint(db.prisma, merchantId, endpointId);
}

/** findEndpoint on the caller's transaction (or client): the row a change of it starts from. */
export function findLiveEndpoint(
  tx: PrismaRunner,
  merchantId: string,
  endpointId: string,
): Promise<WebhookEndpoint | null> {
  return tx.webhookEndpoint.findFirst({ where: { id: endpointId, merchantId, deletedAt: null } });
}

/** Locks the merchant row (FOR UPDATE) until commit: endpoint creates of one merchant run one at a time. */
export async function lockMerchantForEndpoints(tx: PrismaRunner, merchantId: string): Promise<void> {
  await tx.$queryRawUnsafe('SELECT id FROM Merchant WHERE id = ? FOR UPDATE', merchantId);
}

/** How many endpoints (not deleted) the merchant has. */
export function countLiveEndpoints(tx: PrismaRunner, merchantId: string): Promise<number> {
  return tx.webhookEndpoint.count({ where: { merchantId, deletedAt: null } });
}

/** A new endpoint; `events` null means every type. */
export function insertEndpoint(
  tx: PrismaRunner,
  endpoint: {
    id: string;
    merchantId: string;
    url: string;
    secret: string;
    description: string | null;
    events: string[] | null;
  },
): Promise<WebhookEndpoint> {
  return tx.webhookEndpoint.create({
    data: {
      id: endpoint.id,
      merchantId: endpoint.merchantId,
      url: endpoint.url,
      secret: endpoint.secret,
      description: endpoint.description,
      events: endpoint.events ?? Prisma.DbNull,
    },
  });
}

/** The columns an edit may change; a key left out is left as it is (`events` null: every type). */
export interface EndpointChanges {
  url?: string;
  events?: string[] | null;
  description?: string | null;
  enabled?: boolean;
  disabledAt?: Date | null;
  disabledReason?: string | null;
}

/** Writes the changes to the endpoint and returns the row as it is now. */
export function updateEndpoint(
  tx: PrismaRunner,
  endpointId: string,
  changes: EndpointChanges,
): Promise<WebhookEndpoint> {
  const { events, ...columns } = changes;
  const data: Prisma.WebhookEndpointUpdateInput = { ...columns };
  if (events !== undefined) data.events = events ?? Prisma.DbNull;
  return tx.webhookEndpoint.update({ where: { id: endpointId }, data });
}

/**
 * Soft-deletes the endpoint (not deleted yet): deleted and disabled at `now`, keeping an earlier
 * `disabledAt`. False when it was deleted meanwhile.
 */
export async function softDeleteEndpoint(
  tx: PrismaRunner,
  endpointId: string,
  now: Date,
  disabledAt: Date,
): Promise<boolean> {
  const updated = await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, deletedAt: null },
    data: { deletedAt: now, enabled: false, disabledAt, disabledReason: 'deleted' },
  });
  return updated.count === 1;
}

/** Gives up the endpoint's PENDING deliveries (FAILED, never due again). */
export async function failPendingDeliveries(tx: PrismaRunner, endpointId: string): Promise<void> {
  await tx.webhookDelivery.updateMany({
    where: { endpointId, status: 'PENDING' },
    data: { status: 'FAILED', nextAttemptAt: null },
  });
}

/** Locks the merchant's endpoint row (not deleted, FOR UPDATE) until commit; false when there is none. */
export async function lockEndpoint(tx: PrismaRunner, merchantId: string, endpointId: string): Promise<boolean> {
  const rows = (await tx.$queryRawUnsafe(
    'SELECT id FROM WebhookEndpoint WHERE id = ? AND merchantId = ? AND deletedAt IS NULL FOR UPDATE',
    endpointId,
    merchantId,
  )) as { id: string }[];
  return rows.length > 0;
}

/** The endpoint row by id (one the caller has locked). */
export function getEndpointById(tx: PrismaRunner, endpointId: string): Promise<WebhookEndpoint> {
  return tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
}

/**
 * Makes `secret` the endpoint's signing secret. With an overlap (seconds > 0) the replaced one
 * stays the previous secret until NOW(3) + overlap (database time, the clock deliveries compare
 * with); without, there is no previous secret.
 */
export async function rotateEndpointSecret(
  tx: PrismaRunner,
  endpointId: string,
  secret: string,
  overlapSeconds: number,
): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE WebhookEndpoint
          SET previousSecret = IF(? > 0, secret, NULL),
              previousSecretExpiresAt = IF(? > 0, DATE_ADD(NOW(3), INTERVAL ? SECOND), NULL),
              secret = ?, secretRotatedAt = NOW(3), updatedAt = NOW(3)
        WHERE id = ?`,
    overlapSeconds,
    overlapSeconds,
    overlapSeconds,
    secret,
    endpointId,
  );
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

/** The events list's filters (`from`/`to` inclusive). */
export interface EventListFilter {
  merchantId: string;
  type?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** One page of the merchant's events in the keyset's order (the rows as listEvents maps them). */
export function findEventRows(
  db: Pick<Db, 'prisma'>,
  filter: EventListFilter,
  keyset: ReturnType<typeof keysetPrisma>,
) {
  const where: Prisma.WebhookEventWhereInput = { merchantId: filter.merchantId };
  if (filter.type) where.type = filter.type;
  if (filter.from || filter.to)
    where.createdAt = { ...(filter.from && { gte: filter.from }), ...(filter.to && { lte: filter.to }) };
  return db.prisma.webhookEvent.findMany({
    where: { AND: [where, keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: { id: true, type: true, createdAt: true, sequence: true, payload: true },
  });
}

/**
 * The deliveries of these events grouped by event and status: how many, and their attempts. One
 * grouped statement over the ids (the eventId index), none when there are no ids.
 */
export async function countDeliveriesByEvent(
  db: Pick<Db, 'prisma'>,
  eventIds: readonly string[],
): Promise<{ eventId: string; status: 'PENDING' | 'DELIVERED' | 'FAILED'; count: number; attempts: number }[]> {
  if (eventIds.length === 0) return [];
  const groups = await db.prisma.webhookDelivery.groupBy({
    by: ['eventId', 'status'],
    where: { eventId: { in: [...eventIds] } },
    _count: { _all: true },
    _sum: { attemptCount: true },
  });
  return groups.map((g) => ({
    eventId: g.eventId,
    status: g.status,
    count: g._count._all,
    attempts: g._sum.attemptCount ?? 0,
  }));
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
