import { AppError } from '../errors.ts';

/**
 * The one list cursor: the (createdAt, id) of the last row a page showed. Opaque to clients
 * (base64url, so it goes into a query string as it is) and versioned, so the encoding can change
 * later while cursors already handed out are still read or refused clearly.
 */
export interface CursorPosition {
  createdAt: Date;
  /** A row id as text: `po_…`, or the digits of an auto-increment id. */
  id: string;
}

const VERSION = 'v1';
/** Ids are `prefix_` + base62 (ids.ts) or auto-increment digits. */
const ID = /^[A-Za-z0-9_]{1,64}$/;

export function encodeCursor(row: { createdAt: Date | string; id: string | number | bigint }): string {
  const createdAt = new Date(row.createdAt).toISOString();
  return Buffer.from(`${VERSION}|${createdAt}|${String(row.id)}`, 'utf8').toString('base64url');
}

/** The same 400 VALIDATION_ERROR on every list, naming the `cursor` parameter. */
export function invalidCursorError(): AppError {
  return new AppError('VALIDATION_ERROR', 'the request is not valid', [
    { field: 'cursor', message: 'not a cursor this list returned' },
  ]);
}

/** Reads a cursor from `encodeCursor`; anything else (garbage, tampered, another version) is invalidCursorError. */
export function decodeCursor(cursor: string): CursorPosition {
  const [version, at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (version !== VERSION || rest.length > 0 || !id || !ID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw invalidCursorError();
  }
  // Only the exact text we issue: base64url decoding skips stray characters, and Date accepts
  // many spellings of a time; neither may turn an altered cursor into a position.
  if (encodeCursor({ createdAt, id }) !== cursor) throw invalidCursorError();
  return { createdAt, id };
}
