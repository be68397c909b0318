import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import * as mariadb from 'mariadb';
import { isRetryableTxError } from './errors.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { batchingConnection, sentCommit } from './statement-batch.ts';

export * from './databases.ts';
export * from './errors.ts';
export * from './generated/prisma/client.ts';
export { type BatchFailure, batchingConnection, commitWith } from './statement-batch.ts';
export { mariadb };

export type Pool = mariadb.Pool;
export type PoolConnection = mariadb.PoolConnection;

export interface DatabaseLocation {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Parses `mysql://user:pass@host:port/db` (also `mariadb://`). Throws with a readable message. */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a URL (expected mysql://user:pass@host:port/db)');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database (add /<name> after the host)');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

export interface Db {
  prisma: PrismaClient;
  /** The same pool Prisma uses, for the few hot paths written as plain SQL. */
  pool: mariadb.Pool;
  location: DatabaseLocation;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  connectionLimit?: number;
  /** Fail fast when the database is away instead of queueing for long. */
  acquireTimeoutMs?: number;
}

export function createPool(location: DatabaseLocation, options: CreateDbOptions = {}): mariadb.Pool {
  return mariadb.createPool({
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
    database: location.database,
    connectionLimit: options.connectionLimit ?? 10,
    acquireTimeout: options.acquireTimeoutMs ?? 5_000,
    connectTimeout: 3_000,
    // BIGINT columns (balances, ledger ids) come back as numbers: every value we
    // store stays far below Number.MAX_SAFE_INTEGER.
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
    // Timestamps are written and read in UTC whatever the server's zone.
    timezone: 'Z',
    // Prisma's adapter defaults; keep them for the shared pool.
    prepareCacheLength: 0,
    // For withSqlTransaction's `batch`: one packet for the statements of a create. Every
    // statement here and in Prisma binds its values as parameters; none is assembled from input.
    multipleStatements: true,
  });
}

/** One Prisma client (driver adapter) and its pool for a process. */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  const location = parseDatabaseUrl(databaseUrl);
  const pool = createPool(location, options);
  const adapter = new PrismaMariaDb(pool, { database: location.database });
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    prisma,
    pool,
    location,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/** A one-line description of a connection failure, naming host and database, never a stack. */
export function describeConnectionError(location: DatabaseLocation, error: unknown): string {
  const e = error as { code?: string; message?: string };
  const reason = e?.code ?? e?.message?.split('\n')[0] ?? String(error);
  return `cannot reach database "${location.database}" at ${location.host}:${location.port} (${reason})`;
}

/** Checks that the database answers; throws an Error whose message is describeConnectionError's. */
export async function pingDatabase(db: Db, timeoutMs = 3_000): Promise<void> {
  try {
    await withTimeout(db.pool.query('SELECT 1'), timeoutMs);
  } catch (error) {
    throw new Error(describeConnectionError(db.location, error));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export interface SqlTransactionOptions {
  /** Whole-transaction retries on deadlocks and lock wait timeouts (default 3). */
  attempts?: number;
  /**
   * READ COMMITTED: every statement reads what is committed when it runs (not the snapshot of
   * the transaction's first read) and takes no gap locks. For sweeps that re-check a row's
   * neighbours after locking it.
   */
  isolation?: 'READ COMMITTED';
  /**
   * Statements `fn` sends in one tick go to the server as one multi-statement query
   * (batchingConnection): for the hot create paths, whose writes are one batch. The server stops
   * at a batch's first failing statement and every statement of the batch is rejected with its
   * error, so `fn` must not read meaning into which of them failed without checking the error.
   */
  batch?: boolean;
}

/**
 * Runs `fn` in one database transaction on a pooled connection (plain SQL), retrying the
 * whole transaction on deadlocks up to `attempts` times. Rolls back on any thrown error.
 */
export async function withSqlTransaction<T>(
  pool: mariadb.Pool,
  fn: (conn: mariadb.PoolConnection) => Promise<T>,
  options: SqlTransactionOptions | number = {},
): Promise<T> {
  const { attempts = 3, isolation, batch = false } = typeof options === 'number' ? { attempts: options } : options;
  for (let attempt = 1; ; attempt++) {
    const pooled = await pool.getConnection();
    const conn = batch ? batchingConnection(pooled) : pooled;
    let restored = false;
    // autocommit is off for the transaction's session: when the server rolls the transaction back
    // by itself (a deadlock), statements the use-case had already pipelined behind the failing one
    // then run in a new implicit transaction that only COMMIT would keep — and the ROLLBACK below
    // discards it. With autocommit on they would each commit on their own: a balance change
    // without its ledger entry. (Sent together with START TRANSACTION: no extra round trip.)
    const restore = () =>
      conn.query('SET autocommit = 1').then(
        () => {
          restored = true;
        },
        () => {},
      );
    // The transaction's opening is not awaited before `fn` runs: `fn`'s first statements are sent
    // behind it on the same connection (the driver pipelines them, in order; in a batch they are
    // one query), so the opening costs no round trip of its own. Its failure is checked before the
    // commit (when `fn` failed as well, `fn`'s error is the one thrown). Should one of the two
    // opening statements fail, `fn`'s statements still ran in a transaction — START TRANSACTION's,
    // or the implicit one of autocommit = 0 — which the ROLLBACK below discards (in a batch the
    // server runs nothing after a failing statement; pipelined, only both failing while the
    // statements behind them succeed could let those commit one by one).
    // SET TRANSACTION applies to the next transaction only; the pooled session keeps its level.
    const opening = [
      ...(isolation ? [conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`)] : []),
      conn.query('SET autocommit = 0'),
      conn.query('START TRANSACTION'),
    ];
    const opened = Promise.all(opening);
    opened.catch(() => {});
    try {
      let result: T;
      try {
        result = await fn(conn);
      } catch (error) {
        // commitWith's COMMIT ran and `fn` failed after it: the writes are in, so this is no
        // refusal to roll back but a use-case that checked a result in JavaScript (a bug).
        if (await hasCommitted(conn)) {
          restored = true;
          throw new CommittedThenFailedError(error);
        }
        throw error;
      }
      await opened;
      if (sentCommit(conn)) {
        // Committed in the batch of its writes (commitWith), autocommit restored with it.
        restored = true;
        return result;
      }
      // Sent together (in a batch, one query; a plain COMMIT, which the driver's commit() would
      // skip on a status a batch left stale). COMMIT stays its own statement: committing by
      // `SET autocommit = 1` alone was tried on 2026-12-03 and the chaos runs failed with it
      // (docs/performance.md, "Transaction framing").
      await Promise.all([conn.query('COMMIT'), restore()]);
      return result;
    } catch (error) {
      if (error instanceof CommittedThenFailedError) throw error;
      // A plain ROLLBACK: the driver's rollback() skips it when the last status it read says no
      // transaction is open, which a failed batch leaves unknown.
      await Promise.all([conn.query('ROLLBACK').catch(() => {}), restore()]);
      if (attempt < attempts && isRetryableTxError(error)) continue;
      throw error;
    } finally {
      // A session whose autocommit could not be restored never goes back to the pool.
      if (restored) conn.release();
      else await conn.destroy();
    }
  }
}

/** commitWith's COMMIT went through and the use-case then threw: its writes are committed. */
export class CommittedThenFailedError extends Error {
  constructor(cause: unknown) {
    super('the transaction committed with its writes, then its use-case failed', { cause });
    this.name = 'CommittedThenFailedError';
  }
}

async function hasCommitted(conn: mariadb.PoolConnection): Promise<boolean> {
  const commit = sentCommit(conn);
  if (!commit) return false;
  return commit.then(
    () => true,
    () => false,
  );
}

/**
 * withSqlTransaction with `batch`: what `fn` sends in one tick goes to the server as one
 * multi-statement query (the hot create paths, whose writes are one batch). `fn` may commit in
 * the batch of its writes with commitWith, which saves the COMMIT's round trip and holds the
 * rows the writes lock (a merchant's balance row) for the batch's run on the server only.
 */
export function withBatchedTransaction<T>(
  pool: mariadb.Pool,
  fn: (conn: mariadb.PoolConnection) => Promise<T>,
): Promise<T> {
  return withSqlTransaction(pool, fn, { batch: true });
}

/**
 * Prisma interactive transaction with a bounded retry on deadlocks.
 */
export async function withTransaction<T>(
  prisma: PrismaClient,
  fn: (tx: TransactionClient) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(fn, { maxWait: 5_000, timeout: 15_000 });
    } catch (error) {
      if (attempt < attempts && isRetryableTxError(error)) continue;
      throw error;
    }
  }
}

export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Thrown by a read-modify-write step whose compare-and-set matched no row. */
export class VersionConflictError extends Error {
  constructor(message = 'the row changed since it was read') {
    super(message);
    this.name = 'VersionConflictError';
  }
}

/**
 * Optimistic lock: runs `fn` (read, compute, `UPDATE … WHERE version = ?`) and retries it
 * when it throws VersionConflictError, at most `attempts` times; the last conflict is rethrown
 * for the caller to turn into a 409.
 */
export async function withOptimisticLock<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof VersionConflictError && attempt < attempts) {
        await new Promise((r) => setTimeout(r, Math.min(50, 2 ** attempt) * Math.random()));
        continue;
      }
      throw error;
    }
  }
}
