import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../payouts/list-payouts.ts';
import type { RefundStatus } from './refund-resource.ts';
import { REFUND_COLUMNS_JOINED, type RefundResource, type RefundRow, toRefundResource } from './refund-resource.ts';

type JoinedRow = RefundRow & { checkoutId: string };
const FROM = 'FROM Refund r JOIN PaymentTransaction t ON t.id = r.transactionId';

/** The merchant's refund; another merchant's id is NOT_FOUND (no existence leak). */
export async function getRefundOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  refundId: string,
): Promise<RefundResource> {
  const rows = (await db.pool.query(`SELECT ${REFUND_COLUMNS_JOINED} ${FROM} WHERE r.id = ? AND r.merchantId = ?`, [
    refundId,
    merchantId,
  ])) as JoinedRow[];
  if (!rows[0]) throw notFound('refund');
  return toRefundResource(rows[0], rows[0].checkoutId);
}

export interface ListRefundsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: RefundStatus | undefined;
  transactionId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * Newest first, keyset pagination on (createdAt, id) — index (merchantId, createdAt, id), or
 * (merchantId, status, createdAt) with a status filter — with the payout list's cursor format.
 */
export async function listRefunds(db: Pick<Db, 'pool'>, input: ListRefundsInput): Promise<Page<RefundResource>> {
  const where = ['r.merchantId = ?'];
  const params: unknown[] = [input.merchantId];
  if (input.status) {
    where.push('r.status = ?');
    params.push(input.status);
  }
  if (input.transactionId !== undefined) {
    where.push('r.transactionId = ?');
    params.push(input.transactionId);
  }
  if (input.from) {
    where.push('r.createdAt >= ?');
    params.push(input.from);
  }
  if (input.to) {
    where.push('r.createdAt <= ?');
    params.push(input.to);
  }
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    where.push('(r.createdAt < ? OR (r.createdAt = ? AND r.id < ?))');
    params.push(cursor.createdAt, cursor.createdAt, cursor.id);
  }
  const rows = (await db.pool.query(
    `SELECT ${REFUND_COLUMNS_JOINED} ${FROM} WHERE ${where.join(' AND ')} ORDER BY r.createdAt DESC, r.id DESC LIMIT ?`,
    [...params, input.limit + 1],
  )) as JoinedRow[];
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((row) => toRefundResource(row, row.checkoutId)),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}
