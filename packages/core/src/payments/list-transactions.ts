import type { Db } from '@mypay/db';
import { decodeCursor, encodeCursor, type Page } from '../payouts/list-payouts.ts';
import {
  type PaymentResource,
  TRANSACTION_COLUMNS_JOINED,
  type TransactionRow,
  toPaymentResource,
} from './payment-resource.ts';
import type { TransactionStatus } from './payment-state-machine.ts';

export interface ListTransactionsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: TransactionStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * Newest first, keyset pagination on (createdAt, id) — index (merchantId, createdAt, id), or
 * (merchantId, status, createdAt) with a status filter — so pages stay stable under inserts.
 * Same cursor format as the payout list.
 */
export async function listTransactions(
  db: Pick<Db, 'pool'>,
  input: ListTransactionsInput,
): Promise<Page<PaymentResource>> {
  const where = ['t.merchantId = ?'];
  const params: unknown[] = [input.merchantId];
  if (input.status) {
    where.push('t.status = ?');
    params.push(input.status);
  }
  if (input.from) {
    where.push('t.createdAt >= ?');
    params.push(input.from);
  }
  if (input.to) {
    where.push('t.createdAt <= ?');
    params.push(input.to);
  }
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    where.push('(t.createdAt < ? OR (t.createdAt = ? AND t.id < ?))');
    params.push(cursor.createdAt, cursor.createdAt, cursor.id);
  }
  const rows = (await db.pool.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE ${where.join(' AND ')} ORDER BY t.createdAt DESC, t.id DESC LIMIT ?`,
    [...params, input.limit + 1],
  )) as TransactionRow[];
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toPaymentResource),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}
