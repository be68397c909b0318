import { isUniqueViolation, type Pool } from '@mypay/db';

/**
 * The idempotency records' data access: the IN_PROGRESS insert that is the lock, the read of a
 * key's record, the compare-and-set takeover of a stale one, the settle fenced on the owner, the
 * release and the purges. Plain SQL, each function one statement; which runs when, and what a
 * result means for the request, is idempotent-request.ts's to say. Settle runs on the caller's
 * transaction (a mariadb connection or a Prisma transaction client); the rest on the pool.
 */

/**
 * Anything a use-case runs its transaction on: a mariadb connection (`withSqlTransaction`) or a
 * Prisma transaction client (`withTransaction`).
 */
export type TransactionRunner =
  | { query: (sql: string, values?: unknown[]) => Promise<unknown> }
  | { $executeRawUnsafe: (sql: string, ...values: unknown[]) => Promise<number> };

/** A key's record as stored (the columns the begin step decides on). */
export interface IdempotencyRecordRow {
  id: number;
  endpoint: string;
  requestHash: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  owner: string;
  responseStatus: number | null;
  responseBody: string | object | null;
  createdAt: Date;
  expiresAt: Date;
}

async function execute(tx: TransactionRunner | Pool, sql: string, values: unknown[]): Promise<number> {
  if ('$executeRawUnsafe' in tx) return tx.$executeRawUnsafe(sql, ...values);
  const result = (await tx.query(sql, values)) as { affectedRows: number };
  return Number(result.affectedRows);
}

/**
 * Inserts the IN_PROGRESS record held by `owner`: the unique (merchantId, key) insert is the lock.
 * Its id, or null when the key already has a record.
 */
export async function insertInProgressRecord(
  pool: Pool,
  record: {
    merchantId: string;
    key: string;
    endpoint: string;
    requestHash: string;
    owner: string;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<number | null> {
  try {
    const result = await pool.query(
      `INSERT INTO IdempotencyRecord (merchantId, \`key\`, endpoint, requestHash, state, owner, createdAt, expiresAt)
         VALUES (?, ?, ?, ?, 'IN_PROGRESS', ?, ?, ?)`,
      [
        record.merchantId,
        record.key,
        record.endpoint,
        record.requestHash,
        record.owner,
        record.createdAt,
        record.expiresAt,
      ],
    );
    return Number(result.insertId);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return null;
  }
}

/** The merchant's record for `key`, or null (released or purged). */
export async function findRecord(pool: Pool, merchantId: string, key: string): Promise<IdempotencyRecordRow | null> {
  const rows = await pool.query(
    `SELECT id, endpoint, requestHash, state, owner, responseStatus, responseBody, createdAt, expiresAt
         FROM IdempotencyRecord WHERE merchantId = ? AND \`key\` = ?`,
    [merchantId, key],
  );
  return (rows[0] as IdempotencyRecordRow | undefined) ?? null;
}

/** Deletes the record if it expired by `now` (a record that is still live is left alone). */
export async function deleteExpiredRecord(pool: Pool, recordId: number, now: Date): Promise<void> {
  await pool.query('DELETE FROM IdempotencyRecord WHERE id = ? AND expiresAt <= ?', [recordId, now]);
}

/**
 * Compare-and-set on the owner: the IN_PROGRESS record held by `fromOwner` passes to `toOwner`,
 * restarted at `now`. False when it was settled or taken over meanwhile.
 */
export async function takeOverRecord(
  pool: Pool,
  recordId: number,
  fromOwner: string,
  toOwner: string,
  now: Date,
): Promise<boolean> {
  const taken = await pool.query(
    `UPDATE IdempotencyRecord SET owner = ?, createdAt = ?
          WHERE id = ? AND state = 'IN_PROGRESS' AND owner = ?`,
    [toOwner, now, recordId, fromOwner],
  );
  return taken.affectedRows === 1;
}

// The fence is the row's CHECK IdempotencyRecord_settled_by_owner (migration 20261207100000):
// `settledBy` must be the record's owner, so a record a retry has taken over (or completed)
// refuses this statement with an error — which stops a batch that commits with its writes.
const SETTLE_SQL = `UPDATE IdempotencyRecord SET state = 'COMPLETED', responseStatus = ?, responseBody = ?, settledBy = ?
  WHERE id = ?`;

/** The CHECK a settle by a request that no longer owns its record fails on. */
export const SETTLE_FENCE = 'IdempotencyRecord_settled_by_owner';

/**
 * Completes the owner's record with the response, on the caller's transaction. The rows changed:
 * 1, or 0 when the record is gone; a record that is no longer this owner's fails the statement
 * (SETTLE_FENCE).
 */
export function completeRecord(
  tx: TransactionRunner | Pool,
  recordId: number,
  owner: string,
  responseStatus: number,
  responseBody: string,
): Promise<number> {
  return execute(tx, SETTLE_SQL, [responseStatus, responseBody, owner, recordId]);
}

/** Deletes the owner's record while it is IN_PROGRESS. The rows deleted: 1 or 0. */
export function deleteInProgressRecord(pool: Pool, recordId: number, owner: string): Promise<number> {
  return execute(pool, `DELETE FROM IdempotencyRecord WHERE id = ? AND owner = ? AND state = 'IN_PROGRESS'`, [
    recordId,
    owner,
  ]);
}

/** Deletes up to `limit` records expired by `now`; how many went. */
export async function deleteExpiredRecords(pool: Pool, now: Date, limit: number): Promise<number> {
  const result = await pool.query('DELETE FROM IdempotencyRecord WHERE expiresAt <= ? LIMIT ?', [now, limit]);
  return Number(result.affectedRows);
}
