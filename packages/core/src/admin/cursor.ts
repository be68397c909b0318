import { AppError } from '../errors.ts';

/**
 * Keyset cursor on (createdAt, id) for the admin lists, newest first: stable under concurrent
 * inserts because a page never depends on an offset.
 */
export interface TimeCursor {
  createdAt: Date;
  id: string;
}

export function encodeTimeCursor(row: { createdAt: Date; id: string | number | bigint }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${String(row.id)}`, 'utf8').toString('base64url');
}

export function decodeTimeCursor(cursor: string): TimeCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const sep = text.indexOf('|');
  const createdAt = new Date(text.slice(0, sep));
  const id = text.slice(sep + 1);
  if (sep < 0 || Number.isNaN(createdAt.getTime()) || id.length === 0 || id.length > 64) {
    throw new AppError('VALIDATION_ERROR', 'invalid cursor', [{ field: 'cursor', message: 'not a cursor we issued' }]);
  }
  return { createdAt, id };
}

export interface AdminPage<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

export const clampLimit = (limit: number | undefined, fallback = 20) =>
  Math.min(100, Math.max(1, Math.trunc(limit ?? fallback) || fallback));
