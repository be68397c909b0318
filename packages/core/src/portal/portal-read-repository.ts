import type { Db, PoolConnection } from '@mypay/db';
import { PAYOUT_COLUMNS, type PayoutRow } from '../payouts/payout-resource.ts';

/**
 * The merchant portal's read models, which cross aggregates: the dashboard's sums, counts and
 * recent rows, the search box's lookups, and the webhook events about one object. Read-only;
 * every read carries the merchant's id, so a merchant only ever sees its own rows. Plain SQL on
 * the pool for the sums and lookups, Prisma for counts and the rows with relations. The balance
 * row is read through the ledger's repository (findMerchantBalance).
 */

type Runner = Pick<PoolConnection, 'query'>;

// ── Dashboard ────────────────────────────────────────────────────────────────────────────────

export interface DayTotal {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  total: number;
}

/** Amount of the merchant's payouts created per UTC day since `since` that did not fail or reverse. */
export function sumPayoutsByDay(runner: Runner, merchantId: string, since: Date): Promise<DayTotal[]> {
  return runner.query(
    `SELECT DATE_FORMAT(createdAt, '%Y-%m-%d') AS day, SUM(amount) AS total
       FROM Payout
      WHERE merchantId = ? AND createdAt >= ? AND status NOT IN ('FAILED', 'REVERSED')
      GROUP BY day`,
    [merchantId, since],
  ) as Promise<DayTotal[]>;
}

/** Amount of the merchant's succeeded payments per UTC day since `since`. */
export function sumPaymentsByDay(runner: Runner, merchantId: string, since: Date): Promise<DayTotal[]> {
  return runner.query(
    `SELECT DATE_FORMAT(createdAt, '%Y-%m-%d') AS day, SUM(amount) AS total
       FROM PaymentTransaction
      WHERE merchantId = ? AND createdAt >= ? AND status = 'SUCCEEDED'
      GROUP BY day`,
    [merchantId, since],
  ) as Promise<DayTotal[]>;
}

/** How many payouts the merchant has in each status (statuses without any are absent). */
export function countPayoutsByStatus(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.payout.groupBy({ by: ['status'], where: { merchantId }, _count: { _all: true } });
}

/** How many payment transactions the merchant has in each status. */
export function countTransactionsByStatus(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.paymentTransaction.groupBy({ by: ['status'], where: { merchantId }, _count: { _all: true } });
}

/** How many checkouts the merchant has in each status. */
export function countCheckoutsByStatus(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.checkout.groupBy({ by: ['status'], where: { merchantId }, _count: { _all: true } });
}

/** The merchant's newest payouts (id, status, amount, reference, updatedAt). */
export function findRecentPayouts(db: Pick<Db, 'prisma'>, merchantId: string, take: number) {
  return db.prisma.payout.findMany({
    where: { merchantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: { id: true, status: true, amount: true, reference: true, updatedAt: true },
  });
}

/** The merchant's newest payment transactions, with their checkout's order id. */
export function findRecentTransactions(db: Pick<Db, 'prisma'>, merchantId: string, take: number) {
  return db.prisma.paymentTransaction.findMany({
    where: { merchantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: {
      id: true,
      status: true,
      amount: true,
      createdAt: true,
      updatedAt: true,
      checkout: { select: { orderId: true } },
    },
  });
}

// ── Search ───────────────────────────────────────────────────────────────────────────────────

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The merchant's payout with this id, as a search hit's columns (none or one). */
export function findPayoutHits(runner: Runner, merchantId: string, payoutId: string) {
  return runner.query('SELECT id, reference, status, amount, createdAt FROM Payout WHERE merchantId = ? AND id = ?', [
    merchantId,
    payoutId,
  ]) as Promise<{ id: string; reference: string; status: string; amount: number; createdAt: Date }[]>;
}

/** The merchant's payment transaction with this id and its checkout's order id (none or one). */
export function findTransactionHits(runner: Runner, merchantId: string, transactionId: string) {
  return runner.query(
    `SELECT t.id, c.orderId, t.status, t.amount, t.createdAt FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE t.merchantId = ? AND t.id = ?`,
    [merchantId, transactionId],
  ) as Promise<{ id: string; orderId: string; status: string; amount: number; createdAt: Date }[]>;
}

/** The merchant's checkouts whose id or order id is `text`, newest first, at most 20. */
export function findCheckoutHits(runner: Runner, merchantId: string, text: string) {
  return runner.query(
    'SELECT id, orderId, status, amount, createdAt FROM Checkout WHERE merchantId = ? AND (id = ? OR orderId = ?) ORDER BY createdAt DESC LIMIT 20',
    [merchantId, text, text],
  ) as Promise<{ id: string; orderId: string; status: string; amount: number; createdAt: Date }[]>;
}

/** The merchant's webhook event with this id (none or one). */
export function findEventHits(runner: Runner, merchantId: string, eventId: string) {
  return runner.query('SELECT id, type, createdAt FROM WebhookEvent WHERE merchantId = ? AND id = ?', [
    merchantId,
    eventId,
  ]) as Promise<{ id: string; type: string; createdAt: Date }[]>;
}

/**
 * The merchant's payouts whose reference starts with `prefix` (taken literally: LIKE's wildcards
 * are escaped), ignoring case and accents, newest first. References are utf8mb4_bin; the
 * comparison's collation makes `inv` find `INV-1001`. The merchant's rows of the (merchantId,
 * reference) index bound the scan.
 */
export async function findPayoutRowsByReferencePrefix(
  runner: Runner,
  merchantId: string,
  prefix: string,
  limit: number,
): Promise<PayoutRow[]> {
  return (await runner.query(
    `SELECT ${PAYOUT_COLUMNS} FROM Payout
      WHERE merchantId = ? AND reference LIKE ? COLLATE utf8mb4_unicode_ci
      ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [merchantId, `${escapeLike(prefix)}%`, limit],
  )) as PayoutRow[];
}

// ── An object's events ───────────────────────────────────────────────────────────────────────

/**
 * The merchant's events created since `since` whose payload is about `objectId`
 * (`data.object.id`), oldest first, at most 50. Index (merchantId, createdAt) bounds the scan.
 */
export async function findObjectEvents(
  runner: Runner,
  merchantId: string,
  objectId: string,
  since: Date,
): Promise<{ id: string; type: string; createdAt: Date }[]> {
  return (await runner.query(
    `SELECT id, type, createdAt FROM WebhookEvent
      WHERE merchantId = ? AND createdAt >= ?
        AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.data.object.id')) = ?
      ORDER BY createdAt, seq
      LIMIT 50`,
    [merchantId, since, objectId],
  )) as { id: string; type: string; createdAt: Date }[];
}

/** The deliveries of these events, oldest first, with their endpoint's URL. */
export function findDeliveriesOfEvents(db: Pick<Db, 'prisma'>, eventIds: string[]) {
  return db.prisma.webhookDelivery.findMany({
    where: { eventId: { in: eventIds } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { endpoint: { select: { url: true } } },
  });
}
