import { AppError } from '../errors.ts';

/**
 * Opaque list cursor for newest-first pages on (createdAt, id): the last row's position.
 * Keyset, not offset, so pages stay stable while new events arrive.
 */
export interface EventCursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeEventCursor(position: EventCursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeEventCursor(cursor: string): EventCursorPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof id !== 'string' || typeof at !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw new AppError('VALIDATION_ERROR', 'invalid cursor', [
      { field: 'cursor', message: 'is not a cursor returned by this list' },
    ]);
  }
}
