import type { Db } from '@mypay/db';
import { decodeCursor, encodeCursor, type Page } from '../payouts/list-payouts.ts';
import {
  CHECKOUT_COLUMNS,
  type CheckoutResource,
  type CheckoutRow,
  type CheckoutStatus,
  toCheckoutResource,
} from './checkout-resource.ts';

export interface ListCheckoutsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: CheckoutStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Exact match; index (merchantId, orderId). */
  orderId?: string | undefined;
}

/** The merchant's checkouts, newest first; keyset pagination on (createdAt, id) — index (merchantId, createdAt, id). */
export async function listCheckouts(
  db: Pick<Db, 'pool'>,
  input: ListCheckoutsInput,
  publicUrl: string,
): Promise<Page<CheckoutResource>> {
  const where = ['merchantId = ?'];
  const params: unknown[] = [input.merchantId];
  if (input.status) {
    where.push('status = ?');
    params.push(input.status);
  }
  if (input.orderId !== undefined) {
    where.push('orderId = ?');
    params.push(input.orderId);
  }
  if (input.from) {
    where.push('createdAt >= ?');
    params.push(input.from);
  }
  if (input.to) {
    where.push('createdAt <= ?');
    params.push(input.to);
  }
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    where.push('(createdAt < ? OR (createdAt = ? AND id < ?))');
    params.push(cursor.createdAt, cursor.createdAt, cursor.id);
  }
  const rows = (await db.pool.query(
    `SELECT ${CHECKOUT_COLUMNS} FROM Checkout WHERE ${where.join(' AND ')} ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [...params, input.limit + 1],
  )) as CheckoutRow[];
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((row) => toCheckoutResource(row, publicUrl)),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}
