import type { Db, PoolConnection, Prisma } from '@mypay/db';
import type { keysetPrisma } from '../pagination/index.ts';

/**
 * The admin portal's read models, which cross merchants and aggregates: the merchant list and
 * page, the home page's counts, the owner and ledger entries of any payout or payment, the
 * webhook deliveries of every merchant, and the outbox's health. Read-only. Plain SQL on the pool
 * for the joins and sums, Prisma for the rows with relations and the counts. The keyset
 * (keysetPrisma) and the page (toPage) are the use-cases'; these functions take the keyset.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** What `keysetPrisma(cursor, limit)` gives a findMany: the cursor's condition, the order, the rows to take. */
type PrismaKeyset = ReturnType<typeof keysetPrisma>;

// ── Merchants ────────────────────────────────────────────────────────────────────────────────

/** The merchant's account fields, or null. */
export function findMerchantForAdmin(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.merchant.findUnique({
    where: { id: merchantId },
    select: { id: true, name: true, email: true, status: true, createdAt: true, updatedAt: true },
  });
}

/** The merchant's id and name, or null. */
export function findMerchantRef(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.merchant.findUnique({ where: { id: merchantId }, select: { id: true, name: true } });
}

export interface MerchantRowFilters {
  /** Matches id exactly, or name / email by substring. */
  search?: string | undefined;
  status?: 'ACTIVE' | 'SUSPENDED' | undefined;
}

/** Merchants matching the filters with their balance, in the keyset's order and page. */
export function findMerchantRows(db: Pick<Db, 'prisma'>, filters: MerchantRowFilters, keyset: PrismaKeyset) {
  const and: Prisma.MerchantWhereInput[] = [];
  const search = filters.search?.trim();
  if (search) {
    and.push({ OR: [{ id: search }, { name: { contains: search } }, { email: { contains: search.toLowerCase() } }] });
  }
  if (filters.status) and.push({ status: filters.status });
  return db.prisma.merchant.findMany({
    where: { AND: [...and, keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: {
      id: true,
      name: true,
      email: true,
      status: true,
      createdAt: true,
      balance: { select: { available: true, pending: true } },
    },
  });
}

/** The merchant's newest payouts. */
export function findRecentPayoutsForAdmin(db: Pick<Db, 'prisma'>, merchantId: string, take: number) {
  return db.prisma.payout.findMany({
    where: { merchantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, amount: true, status: true, reference: true, createdAt: true },
  });
}

/** The merchant's newest payment transactions. */
export function findRecentPaymentsForAdmin(db: Pick<Db, 'prisma'>, merchantId: string, take: number) {
  return db.prisma.paymentTransaction.findMany({
    where: { merchantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, amount: true, status: true, provider: true, createdAt: true },
  });
}

/** The merchant's newest ledger entries (by id, the ledger's order). */
export function findRecentLedgerEntries(db: Pick<Db, 'prisma'>, merchantId: string, take: number) {
  return db.prisma.ledgerEntry.findMany({
    where: { merchantId },
    orderBy: { id: 'desc' },
    take,
    select: { id: true, type: true, amount: true, balanceAfter: true, description: true, createdAt: true },
  });
}

// ── The home page's counts ───────────────────────────────────────────────────────────────────

/** Every count of the admin home page, read in parallel. */
export async function countAdminOverview(db: Pick<Db, 'prisma'>) {
  const [
    merchantsByStatus,
    payouts,
    payoutsInFlight,
    payments,
    paymentsSucceeded,
    deliveriesPending,
    deliveriesFailed,
  ] = await Promise.all([
    db.prisma.merchant.groupBy({ by: ['status'], _count: { _all: true } }),
    db.prisma.payout.count(),
    db.prisma.payout.count({ where: { status: { in: ['PENDING', 'PROCESSING'] } } }),
    db.prisma.paymentTransaction.count(),
    db.prisma.paymentTransaction.count({ where: { status: 'SUCCEEDED' } }),
    db.prisma.webhookDelivery.count({ where: { status: 'PENDING' } }),
    db.prisma.webhookDelivery.count({ where: { status: 'FAILED' } }),
  ]);
  return {
    merchantsByStatus,
    payouts,
    payoutsInFlight,
    payments,
    paymentsSucceeded,
    deliveriesPending,
    deliveriesFailed,
  };
}

// ── Payouts and payments of any merchant ─────────────────────────────────────────────────────

/** The merchant (id, name) a payout or payment transaction belongs to, or undefined when there is no such object. */
export async function findObjectMerchant(
  runner: Runner,
  table: 'Payout' | 'PaymentTransaction',
  objectId: string,
): Promise<{ id: string; name: string } | undefined> {
  const rows = (await runner.query(
    `SELECT m.id, m.name FROM ${table} o JOIN Merchant m ON m.id = o.merchantId WHERE o.id = ?`,
    [objectId],
  )) as { id: string; name: string }[];
  return rows[0];
}

/** A ledger entry as read: the amounts and id are BIGINT. */
export interface LedgerEntryRow {
  id: bigint;
  type: string;
  amount: bigint;
  balanceAfter: bigint;
  payoutId: string | null;
  transactionId: string | null;
  refundId: string | null;
  description: string | null;
  createdAt: Date;
}

/** The ledger entries of one payout or payment transaction, oldest first. */
export async function findLedgerEntriesOf(
  runner: Runner,
  column: 'payoutId' | 'transactionId',
  objectId: string,
): Promise<LedgerEntryRow[]> {
  return (await runner.query(
    `SELECT id, type, amount, balanceAfter, payoutId, transactionId, refundId, description, createdAt
       FROM LedgerEntry WHERE ${column} = ? ORDER BY id`,
    [objectId],
  )) as LedgerEntryRow[];
}

/** The refunds of a payment transaction, oldest first. */
export async function findRefundsOfTransaction(
  runner: Runner,
  transactionId: string,
): Promise<{ id: string; amount: number | bigint; status: string; reason: string | null; createdAt: Date }[]> {
  return (await runner.query(
    'SELECT id, amount, status, reason, createdAt FROM Refund WHERE transactionId = ? ORDER BY createdAt',
    [transactionId],
  )) as { id: string; amount: number | bigint; status: string; reason: string | null; createdAt: Date }[];
}

// ── Webhook deliveries ───────────────────────────────────────────────────────────────────────

export interface DeliveryRowFilters {
  status?: 'PENDING' | 'DELIVERED' | 'FAILED' | undefined;
  endpointId?: string | undefined;
  eventType?: string | undefined;
  merchantId?: string | undefined;
}

/**
 * Deliveries of every merchant matching the filters, in the keyset's order and page, with their
 * event, merchant, endpoint and last attempt. WebhookDelivery(status|endpointId…, createdAt) serve it.
 */
export function findDeliveryRows(db: Pick<Db, 'prisma'>, filters: DeliveryRowFilters, keyset: PrismaKeyset) {
  const and: Prisma.WebhookDeliveryWhereInput[] = [];
  if (filters.status) and.push({ status: filters.status });
  if (filters.endpointId) and.push({ endpointId: filters.endpointId });
  if (filters.eventType) and.push({ event: { type: filters.eventType } });
  if (filters.merchantId) and.push({ event: { merchantId: filters.merchantId } });
  return db.prisma.webhookDelivery.findMany({
    where: { AND: [...and, keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: {
      id: true,
      status: true,
      attemptCount: true,
      lastStatusCode: true,
      lastAttemptAt: true,
      nextAttemptAt: true,
      createdAt: true,
      event: { select: { id: true, type: true, merchant: { select: { id: true, name: true } } } },
      endpoint: { select: { id: true, url: true, enabled: true } },
      attempts: { orderBy: { id: 'desc' }, take: 1, select: { error: true, statusCode: true } },
    },
  });
}

/** Which event, endpoint and merchant a delivery is of, or null. */
export function findDeliveryTarget(db: Pick<Db, 'prisma'>, deliveryId: string) {
  return db.prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: { eventId: true, endpointId: true, event: { select: { merchantId: true } } },
  });
}

// ── The outbox's health ──────────────────────────────────────────────────────────────────────

/** The database answers (`SELECT 1`); throws when it does not. */
export async function pingDatabase(runner: Runner): Promise<void> {
  await runner.query('SELECT 1');
}

/**
 * Deliveries still to be made, of those due at `now`, and failed in the 24 hours before `now`.
 * Served by WebhookDelivery(status, createdAt) and (nextAttemptAt); failures are looked for among
 * deliveries created in the last 30 days.
 */
export async function countOutboxDeliveries(
  runner: Runner,
  now: Date,
): Promise<{ backlog: number | null; due: number | null; failedLast24h: number | null } | undefined> {
  const [counts] = (await runner.query(
    `SELECT SUM(status = 'PENDING') AS backlog,
            SUM(status = 'PENDING' AND nextAttemptAt <= ?) AS due,
            SUM(status = 'FAILED' AND updatedAt >= ?) AS failedLast24h
       FROM WebhookDelivery
      WHERE status = 'PENDING' OR (status = 'FAILED' AND createdAt >= ?)`,
    [now, new Date(now.getTime() - 86_400_000), new Date(now.getTime() - 30 * 86_400_000)],
  )) as { backlog: number | null; due: number | null; failedLast24h: number | null }[];
  return counts;
}

/** The event of the oldest delivery still to be made, or undefined when there is none. */
export async function findOldestUndeliveredEvent(
  runner: Runner,
): Promise<{ eventId: string; type: string; merchantId: string; createdAt: Date } | undefined> {
  const [oldest] = (await runner.query(
    `SELECT e.id AS eventId, e.type, e.merchantId, e.createdAt
       FROM WebhookDelivery d JOIN WebhookEvent e ON e.id = d.eventId
      WHERE d.status = 'PENDING'
      ORDER BY d.createdAt ASC, d.id ASC
      LIMIT 1`,
  )) as { eventId: string; type: string; merchantId: string; createdAt: Date }[];
  return oldest;
}
