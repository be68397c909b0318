import { type Pool, type PoolConnection, type SqlTransactionOptions, withSqlTransaction } from '@mypay/db';
import { isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { runOutsideRequestScope } from '../request-logs/request-scope.ts';

/**
 * A database-driven worker: rows carry a due time; each poll claims a small batch of due rows
 * with `SELECT … FOR UPDATE SKIP LOCKED` (MariaDB ≥ 10.6, MySQL ≥ 8.0) and handles them in the
 * same transaction, so replicas never handle one row twice and work due while every process
 * was down happens after restart. Reused for payouts, payment transactions and checkout expiry.
 *
 * A row whose handling fails is retried later from an in-memory backoff: the worker never
 * writes the row on its error path. (The due column is a business fact — for a checkout it is
 * `expiresAt` itself — so moving it would change what the row means.) Each replica keeps its
 * own backoff; a restart forgets it, which only means an earlier retry.
 */
export interface DueRowWorkerOptions<Row> {
  name: string;
  pool: Pool;
  logger: Logger;
  /** Table and due column, e.g. `Payout` / `nextTransitionAt`. Identifiers, never user input. */
  table: string;
  dueColumn: string;
  /** Columns to read, e.g. `id, status`. */
  columns: string;
  /** Extra SQL condition, e.g. `status = 'OPEN'`. */
  where?: string;
  /** Handles one claimed row on the batch's transaction; must move the row's due time on (or clear it). */
  handle: (conn: PoolConnection, row: Row, now: Date) => Promise<void>;
  pollIntervalMs?: number;
  batchSize?: number;
  /** A row whose handling throws is left alone this long before it is tried again (it never blocks the others). */
  retryDelayMs?: number;
  /** Isolation of the claim-and-handle transactions (default: the server's, REPEATABLE READ). */
  isolation?: SqlTransactionOptions['isolation'];
  /** Claim only some merchants' rows (tests sharing one database); default: every row. */
  scope?: WorkerScope;
}

/**
 * Restricts a worker to some merchants' rows. Not needed in production (every worker serves every
 * merchant); test files that share one database use it so their workers leave each other's rows
 * alone. The list is read at every poll, so a test may add the merchants it creates later; an
 * empty list claims nothing.
 */
export interface WorkerScope {
  merchantIds?: readonly string[];
}

function scopeFilter(scope: WorkerScope | undefined): { sql: string; params: unknown[] } {
  if (!scope?.merchantIds) return { sql: '', params: [] };
  if (scope.merchantIds.length === 0) return { sql: ' AND FALSE', params: [] };
  return { sql: ' AND merchantId IN (?)', params: [[...scope.merchantIds]] };
}

export interface DueRowWorker {
  start(): void;
  /** Stops polling and waits for the batch in hand to finish. */
  stop(): Promise<void>;
  /** One poll; returns how many rows were handled. For tests and scripts. */
  runOnce(): Promise<number>;
  /** Polls finished so far (scheduled or runOnce, handled rows or not): tests wait on it to know a sweep ran. */
  polls(): number;
}

// Handling rows grouped by merchant takes balance-row locks in one order, so two replicas'
// batches do not deadlock on each other's merchants.
function sortForLocking<Row>(rows: Row[]): Row[] {
  const merchantOf = (row: Row) => String((row as { merchantId?: unknown }).merchantId ?? '');
  return [...rows].sort((a, b) => (merchantOf(a) < merchantOf(b) ? -1 : merchantOf(a) > merchantOf(b) ? 1 : 0));
}

/** Rows kept in backoff at most (oldest forgotten first): bounded memory whatever fails. */
const MAX_BACKOFF_ROWS = 10_000;

export function createDueRowWorker<Row extends { id: string | number }>(
  options: DueRowWorkerOptions<Row>,
): DueRowWorker {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 20;
  const retryDelayMs = options.retryDelayMs ?? 30_000;
  const tx = { isolation: options.isolation };
  const where = options.where ? ` AND (${options.where})` : '';
  const log = options.logger.child({ worker: options.name });
  /** Row id → when it may be tried again and how often it failed in a row. */
  const backoff = new Map<Row['id'], { until: number; failures: number }>();

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> | null = null;
  let failing = false;
  let finishedPolls = 0;

  /** Ids still backing off. An entry outlives its wait (it counts the failures in a row) until the row is handled. */
  function backingOff(): Row['id'][] {
    const now = Date.now();
    const ids: Row['id'][] = [];
    for (const [id, entry] of backoff) if (entry.until > now) ids.push(id);
    return ids;
  }
  /** The claim's extra conditions: the scope, and no row still backing off. */
  function claimable(): { sql: string; params: unknown[] } {
    const scope = scopeFilter(options.scope);
    const ids = backingOff();
    if (ids.length === 0) return scope;
    return { sql: `${scope.sql} AND id NOT IN (?)`, params: [...scope.params, ids] };
  }

  function failed(id: Row['id'], error: unknown) {
    const failures = (backoff.get(id)?.failures ?? 0) + 1;
    backoff.delete(id);
    backoff.set(id, { until: Date.now() + retryDelayMs, failures });
    if (backoff.size > MAX_BACKOFF_ROWS) backoff.delete(backoff.keys().next().value as Row['id']);
    if (isAppError(error)) {
      // A business outcome (a rule said no): worth a line, not a stack.
      log.warn(
        { id, code: error.code, reason: error.message, failures, retryInMs: retryDelayMs },
        'row not handled; retrying later',
      );
    } else if (failures === 1) {
      log.error({ err: error, id, retryInMs: retryDelayMs }, 'row handling failed; retrying later');
    } else {
      log.warn(
        { id, reason: (error as Error)?.message, failures, retryInMs: retryDelayMs },
        'row handling failed again',
      );
    }
  }

  async function runBatch(): Promise<number> {
    const now = new Date();
    const skip = claimable();
    return withSqlTransaction(
      options.pool,
      async (conn) => {
        const claimed = (await conn.query(
          `SELECT ${options.columns} FROM ${options.table}
            WHERE ${options.dueColumn} <= ?${where}${skip.sql}
            ORDER BY ${options.dueColumn} LIMIT ? FOR UPDATE SKIP LOCKED`,
          [now, ...skip.params, batchSize],
        )) as Row[];
        for (const row of sortForLocking(claimed)) await options.handle(conn, row, now);
        return claimed;
      },
      tx,
    ).then((handled) => {
      for (const row of handled) backoff.delete(row.id);
      return handled.length;
    });
  }

  // After a failed batch, rows are retried one by one so a single bad row cannot hold up the rest.
  async function runIsolated(ids: Row['id'][]): Promise<number> {
    let handled = 0;
    for (const id of ids) {
      const now = new Date();
      const scope = scopeFilter(options.scope);
      try {
        handled += await withSqlTransaction(
          options.pool,
          async (conn) => {
            const rows = (await conn.query(
              `SELECT ${options.columns} FROM ${options.table}
                WHERE id = ? AND ${options.dueColumn} <= ?${where}${scope.sql} FOR UPDATE SKIP LOCKED`,
              [id, now, ...scope.params],
            )) as Row[];
            const row = rows[0];
            if (row) await options.handle(conn, row, now);
            return row ? 1 : 0;
          },
          tx,
        );
        backoff.delete(id);
      } catch (error) {
        failed(id, error);
      }
    }
    return handled;
  }

  // A worker's events name no request, even when a request kicks a poll (or started the worker).
  const runOnce = (): Promise<number> =>
    runOutsideRequestScope(poll).finally(() => {
      finishedPolls++;
    });

  async function poll(): Promise<number> {
    try {
      const handled = await runBatch();
      if (failing) log.info('database reachable again');
      failing = false;
      return handled;
    } catch (error) {
      const skip = claimable();
      const ids = await options.pool
        .query(
          `SELECT id FROM ${options.table} WHERE ${options.dueColumn} <= ?${where}${skip.sql} ORDER BY ${options.dueColumn} LIMIT ?`,
          [new Date(), ...skip.params, batchSize],
        )
        .then((rows: { id: Row['id'] }[]) => rows.map((r) => r.id))
        .catch(() => {
          // The database itself is away: say so once, keep polling.
          if (!failing) log.warn({ reason: (error as Error)?.message }, 'worker cannot reach the database');
          failing = true;
          return [] as Row['id'][];
        });
      if (ids.length === 0) return 0;
      log.info({ reason: (error as Error)?.message, rows: ids.length }, 'batch failed; handling rows one by one');
      return runIsolated(ids);
    }
  }

  function schedule(delay: number) {
    if (!running) return;
    timer = setTimeout(() => {
      timer = null;
      current = runOnce()
        .catch((error) => {
          log.error({ err: error }, 'worker poll failed');
          return 0;
        })
        .then((handled) => {
          current = null;
          // A full batch suggests more is due: go again at once (yielding to I/O first).
          schedule(handled >= batchSize ? 0 : pollIntervalMs);
        });
    }, delay);
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current?.catch(() => {});
    },
    runOnce,
    polls: () => finishedPolls,
  };
}
