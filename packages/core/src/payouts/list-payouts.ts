import type { Db } from '@mypay/db';
import { AppError } from '../errors.ts';
import { PAYOUT_COLUMNS, type PayoutResource, type PayoutRow, toPayoutResource } from './payout-resource.ts';
import type { PayoutStatus } from './payout-state-machine.ts';

export interface ListPayoutsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: PayoutStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Exact match (unique per merchant): the lookup after a lost create response. */
  reference?: string | undefined;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** Opaque cursor: the (createdAt, id) of the last item shown; ties on createdAt are broken by id. */
export const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [
      { field: 'cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return { createdAt, id };
}

/**
 * Newest first. Keyset pagination on (createdAt, id) — index (merchantId, createdAt, id) —
 * so pages stay stable while new payouts are inserted (they sort before the cursor).
 */
export async function listPayouts(db: Db, input: ListPayoutsInput): Promise<Page<PayoutResource>> {
  const where = ['merchantId = ?'];
  const params: unknown[] = [input.merchantId];
  if (input.status) {
    where.push('status = ?');
    params.push(input.status);
  }
  if (input.reference !== undefined) {
    where.push('reference = ?');
    params.push(input.reference);
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
    `SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE ${where.join(' AND ')} ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [...params, input.limit + 1],
  )) as PayoutRow[];
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toPayoutResource),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}
