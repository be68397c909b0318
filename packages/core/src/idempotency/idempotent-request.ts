import { isCheckViolationOf, type Pool } from '@mypay/db';
import { sha256Hex } from '../crypto.ts';
import { AppError } from '../errors.ts';
import { randomHex } from '../ids.ts';
import {
  completeRecord,
  deleteExpiredRecord,
  deleteExpiredRecords,
  deleteInProgressRecord,
  findRecord,
  insertInProgressRecord,
  SETTLE_FENCE,
  type TransactionRunner,
  takeOverRecord,
} from './idempotency-repository.ts';

export type { TransactionRunner };

/**
 * Stripe-style idempotency keys. The unique (merchantId, key) insert is the lock: whoever
 * inserts the IN_PROGRESS record runs the request and holds it with a random `owner` token;
 * everybody else reads that record and gets the stored response (same request), 422 (other
 * request) or 409 (still running).
 *
 * The response is stored **in the effect's own transaction** (`settle`), fenced on the owner:
 * the record is COMPLETED exactly when the effect committed, whatever happens to the process,
 * the connection or the client afterwards. A record is released (deleted) only by its owner and
 * only while still IN_PROGRESS — i.e. when the request ended with an error and no effect.
 */

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * An IN_PROGRESS record older than this may be taken over by a retry (its request most likely
 * died with its process). Safe even when the first request is in fact still running — waiting
 * on a lock, say: the takeover changes the owner, so the first request's settle matches no row
 * and its transaction, effect included, rolls back.
 */
export const IDEMPOTENCY_STALE_AFTER_MS = 60_000;

export interface IdempotencyScope {
  merchantId: string;
  key: string;
  /** e.g. `POST /api/v1/payouts`: the same key on another endpoint is another request. */
  endpoint: string;
  requestHash: string;
}

/** The IN_PROGRESS record a request holds: its id and the owner token only this request knows. */
export interface IdempotencyClaim {
  recordId: number;
  owner: string;
}

/** `takenOver`: the record was another request's stale one (that request can no longer commit). */
export type IdempotencyStart =
  | { kind: 'started'; claim: IdempotencyClaim; takenOver?: boolean }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * What a creating use-case receives when the request carries an `Idempotency-Key`
 * (from `idempotencyOf(req)` in @mypay/http). The use-case calls `settle` as the **last
 * statement of the transaction that makes its effect**, with the status and body the route
 * will answer; if the record is no longer this request's, `settle` throws and the effect rolls
 * back with it.
 */
export interface IdempotencyHold {
  readonly owner: string;
  settle(tx: TransactionRunner, status: number, body: unknown): Promise<void>;
  /** True once `settle` ran in a transaction, which may still roll back (the middleware releases the key on any error answer). */
  readonly settled: boolean;
}

/** The options object every creating use-case takes last. */
export interface EffectOptions {
  idempotency?: IdempotencyHold | undefined;
}

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

const newOwner = () => randomHex(16);

const inProgress = (message: string) =>
  new AppError('IDEMPOTENCY_IN_PROGRESS', message, undefined, { 'Retry-After': '1' });

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
    const owner = newOwner();
    const recordId = await insertInProgressRecord(pool, {
      merchantId: scope.merchantId,
      key: scope.key,
      endpoint: scope.endpoint,
      requestHash: scope.requestHash,
      owner,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    });
    if (recordId !== null) return { kind: 'started', claim: { recordId, owner } };
    const record = await findRecord(pool, scope.merchantId, scope.key);
    if (!record) continue; // released or purged in between: try the insert again
    if (new Date(record.expiresAt).getTime() <= now.getTime()) {
      await deleteExpiredRecord(pool, record.id, now);
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
    if (new Date(record.createdAt).getTime() < now.getTime() - staleAfterMs) {
      // Compare-and-set on the owner: of several retries racing for a stale record one wins, and
      // the request that held it can no longer settle (its effect rolls back if it still runs).
      if (await takeOverRecord(pool, record.id, record.owner, owner, now)) {
        return { kind: 'started', claim: { recordId: Number(record.id), owner }, takenOver: true };
      }
      continue; // settled or taken over meanwhile: look again
    }
    throw inProgress('a request with this Idempotency-Key is still being processed; retry shortly');
  }
  throw inProgress('a request with this Idempotency-Key is being processed');
}

/**
 * Stores the response on the caller's transaction. 0 rows: a retry took the record over (or it
 * was released), so this request must not commit its effect — the thrown error rolls it back.
 */
export async function settleIdempotentRequest(
  tx: TransactionRunner | Pool,
  claim: IdempotencyClaim,
  response: { status: number; body: unknown },
): Promise<void> {
  let settled: number;
  try {
    settled = await completeRecord(
      tx,
      claim.recordId,
      claim.owner,
      response.status,
      JSON.stringify(response.body ?? null),
    );
  } catch (error) {
    throw settleRefusal(error) ?? error;
  }
  // The record is gone (it cannot expire while its request runs; nothing else deletes a held one).
  if (settled !== 1) throw inProgress('this request no longer holds its Idempotency-Key; this attempt changed nothing');
}

/**
 * IDEMPOTENCY_IN_PROGRESS when the error is the settle's fence (a retry with the key took this
 * request over); undefined for any other error. Also for the statements of a batch that failed at
 * the settle (each carries its error).
 */
export function settleRefusal(error: unknown): AppError | undefined {
  if (!isCheckViolationOf(error, SETTLE_FENCE)) return undefined;
  return inProgress(
    'a retry with this Idempotency-Key took this request over; this attempt changed nothing, the retry answers for the key',
  );
}

/** A hold for one claim: what the middleware hands to the use-case. */
export function holdFor(claim: IdempotencyClaim): IdempotencyHold {
  let settled = false;
  return {
    owner: claim.owner,
    get settled() {
      return settled;
    },
    async settle(tx, status, body) {
      await settleIdempotentRequest(tx, claim, { status, body });
      settled = true;
    },
  };
}

/**
 * Forgets a request that ended with an error before any effect, so the key may be retried.
 * Only the owner can release, and only an IN_PROGRESS record: a record settled with its effect
 * (even if the commit's acknowledgement was lost) or taken over by a retry is left alone.
 */
export async function releaseIdempotentRequest(pool: Pool, claim: IdempotencyClaim): Promise<boolean> {
  return (await deleteInProgressRecord(pool, claim.recordId, claim.owner)) === 1;
}

/** Housekeeping: drops records past their 24 h; bounded per call. */
export async function purgeExpiredIdempotencyRecords(pool: Pool, now = new Date(), limit = 1_000): Promise<number> {
  return deleteExpiredRecords(pool, now, limit);
}
