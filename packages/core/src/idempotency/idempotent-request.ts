import type { Pool } from '@mypay/db';
import { sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';

/**
 * Stripe-style idempotency keys. The unique (merchantId, key) insert is the lock: whoever
 * inserts the IN_PROGRESS record runs the request; everybody else reads that record and gets
 * the stored response (same request), 422 (other request) or 409 (still running).
 */

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * An IN_PROGRESS record older than this belongs to a request whose process died (no request
 * runs this long: the pool, the transaction and the HTTP server all time out well before), so a
 * retry may take it over instead of being blocked until the record expires.
 */
export const IDEMPOTENCY_STALE_AFTER_MS = 60_000;

export interface IdempotencyScope {
  merchantId: string;
  key: string;
  /** e.g. `POST /api/v1/payouts`: the same key on another endpoint is another request. */
  endpoint: string;
  requestHash: string;
}

export type IdempotencyStart =
  | { kind: 'started'; recordId: number }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * No request body of ours nests anywhere near this deep; a 100 KB body can nest ~20,000 levels,
 * which would overflow the stack here (a 500) before validation had a chance to refuse it.
 */
export const MAX_CANONICAL_DEPTH = 64;

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash the same. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_CANONICAL_DEPTH) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [
      { message: `the body is nested more than ${MAX_CANONICAL_DEPTH} levels deep` },
    ]);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, depth + 1)}`).join(',')}}`;
}

export const hashRequestBody = (body: unknown) => sha256Hex(canonicalJson(body ?? null));

const isDuplicateKey = (error: unknown) => (error as { errno?: number })?.errno === 1062;

export async function beginIdempotentRequest(
  pool: Pool,
  scope: IdempotencyScope,
  options: { ttlMs?: number; staleAfterMs?: number; now?: Date } = {},
): Promise<IdempotencyStart> {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const staleAfterMs = options.staleAfterMs ?? IDEMPOTENCY_STALE_AFTER_MS;
  // Bounded: each round either wins the insert, returns, throws, or removed a dead record.
  for (let round = 0; round < 4; round++) {
    const now = options.now ?? new Date();
    try {
      const result = await pool.query(
        `INSERT INTO IdempotencyRecord (merchantId, \`key\`, endpoint, requestHash, state, createdAt, expiresAt)
         VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?, ?)`,
        [scope.merchantId, scope.key, scope.endpoint, scope.requestHash, now, new Date(now.getTime() + ttlMs)],
      );
      return { kind: 'started', recordId: Number(result.insertId) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const rows = await pool.query(
      `SELECT id, endpoint, requestHash, state, responseStatus, responseBody, createdAt, expiresAt
         FROM IdempotencyRecord WHERE merchantId = ? AND \`key\` = ?`,
      [scope.merchantId, scope.key],
    );
    const record = rows[0];
    if (!record) continue; // released or purged in between: try the insert again
    if (new Date(record.expiresAt).getTime() <= now.getTime()) {
      await pool.query('DELETE FROM IdempotencyRecord WHERE id = ? AND expiresAt <= ?', [record.id, now]);
      continue;
    }
    if (record.endpoint !== scope.endpoint || record.requestHash !== scope.requestHash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used with a different request; use a new key for a new request',
      );
    }
    if (record.state === 'COMPLETED') {
      const body = typeof record.responseBody === 'string' ? JSON.parse(record.responseBody) : record.responseBody;
      return { kind: 'replay', status: Number(record.responseStatus), body };
    }
    const startedAt = new Date(record.createdAt);
    if (startedAt.getTime() < now.getTime() - staleAfterMs) {
      // Compare-and-set on createdAt: of several retries racing for a dead record, one wins.
      const taken = await pool.query(
        `UPDATE IdempotencyRecord SET createdAt = ?
          WHERE id = ? AND state = 'IN_PROGRESS' AND createdAt = ?`,
        [now, record.id, startedAt],
      );
      if (taken.affectedRows === 1) return { kind: 'started', recordId: Number(record.id) };
    }
    throw new AppError(
      'IDEMPOTENCY_IN_PROGRESS',
      'a request with this Idempotency-Key is still being processed; retry shortly',
      undefined,
      { 'Retry-After': '1' },
    );
  }
  throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is being processed', undefined, {
    'Retry-After': '1',
  });
}

/** Stores the response that later requests with the same key get back. */
export async function completeIdempotentRequest(
  pool: Pool,
  recordId: number,
  response: { status: number; body: unknown },
): Promise<void> {
  await pool.query(
    `UPDATE IdempotencyRecord SET state = 'COMPLETED', responseStatus = ?, responseBody = ? WHERE id = ?`,
    [response.status, JSON.stringify(response.body ?? null), recordId],
  );
}

/** Forgets a request that had no effect (it failed), so the same key can be retried. */
export async function releaseIdempotentRequest(pool: Pool, recordId: number): Promise<void> {
  await pool.query(`DELETE FROM IdempotencyRecord WHERE id = ? AND state = 'IN_PROGRESS'`, [recordId]);
}

/** Housekeeping: drops records past their 24 h; bounded per call. */
export async function purgeExpiredIdempotencyRecords(pool: Pool, now = new Date(), limit = 1_000): Promise<number> {
  const result = await pool.query('DELETE FROM IdempotencyRecord WHERE expiresAt <= ? LIMIT ?', [now, limit]);
  return Number(result.affectedRows);
}
