import { type Pool, type PoolConnection, withSqlTransaction } from '@mypay/db';
import type { Logger } from '../logger.ts';

/**
 * A database-driven worker: rows carry a due time; each poll claims a small batch of due rows
 * with `SELECT … FOR UPDATE SKIP LOCKED` (MariaDB ≥ 10.6, MySQL ≥ 8.0) and handles them in the
 * same transaction, so replicas never handle one row twice and work due while every process
 * was down happens after restart. Reused for payouts, payment transactions and checkout expiry.
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
  /** A row whose handling throws is retried after this long (it never blocks the others). */
  retryDelayMs?: number;
}

export interface DueRowWorker {
  start(): void;
  /** Stops polling and waits for the batch in hand to finish. */
  stop(): Promise<void>;
  /** One poll; returns how many rows were handled. For tests and scripts. */
  runOnce(): Promise<number>;
}

// Handling rows grouped by merchant takes balance-row locks in one order, so two replicas'
// batches do not deadlock on each other's merchants.
function sortForLocking<Row>(rows: Row[]): Row[] {
  const merchantOf = (row: Row) => String((row as { merchantId?: unknown }).merchantId ?? '');
  return [...rows].sort((a, b) => (merchantOf(a) < merchantOf(b) ? -1 : merchantOf(a) > merchantOf(b) ? 1 : 0));
}

export function createDueRowWorker<Row extends { id: string | number }>(
  options: DueRowWorkerOptions<Row>,
): DueRowWorker {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 20;
  const retryDelayMs = options.retryDelayMs ?? 30_000;
  const claimSql = `SELECT ${options.columns} FROM ${options.table}
     WHERE ${options.dueColumn} <= ?${options.where ? ` AND (${options.where})` : ''}
     ORDER BY ${options.dueColumn} LIMIT ? FOR UPDATE SKIP LOCKED`;
  const claimOneSql = `SELECT ${options.columns} FROM ${options.table}
     WHERE id = ? AND ${options.dueColumn} <= ?${options.where ? ` AND (${options.where})` : ''} FOR UPDATE SKIP LOCKED`;
  const log = options.logger.child({ worker: options.name });

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> | null = null;
  let failing = false;

  async function runBatch(): Promise<{ handled: number; claimed: Row[] }> {
    const now = new Date();
    let claimed: Row[] = [];
    const handled = await withSqlTransaction(options.pool, async (conn) => {
      claimed = (await conn.query(claimSql, [now, batchSize])) as Row[];
      for (const row of sortForLocking(claimed)) await options.handle(conn, row, now);
      return claimed.length;
    });
    return { handled, claimed };
  }

  // After a failed batch, rows are retried one by one so a single bad row cannot hold up the rest.
  async function runIsolated(ids: Row['id'][]): Promise<number> {
    let handled = 0;
    for (const id of ids) {
      const now = new Date();
      try {
        handled += await withSqlTransaction(options.pool, async (conn) => {
          const rows = (await conn.query(claimOneSql, [id, now])) as Row[];
          const row = rows[0];
          if (row) await options.handle(conn, row, now);
          return row ? 1 : 0;
        });
      } catch (error) {
        log.error({ err: error, id }, 'row handling failed; retrying later');
        await options.pool
          .query(`UPDATE ${options.table} SET ${options.dueColumn} = ? WHERE id = ?`, [
            new Date(Date.now() + retryDelayMs),
            id,
          ])
          .catch(() => {});
      }
    }
    return handled;
  }

  async function runOnce(): Promise<number> {
    let ids: Row['id'][] = [];
    try {
      const { handled } = await runBatch();
      if (failing) log.info('database reachable again');
      failing = false;
      return handled;
    } catch (error) {
      ids = await options.pool
        .query(
          `SELECT id FROM ${options.table} WHERE ${options.dueColumn} <= ?${options.where ? ` AND (${options.where})` : ''} ORDER BY ${options.dueColumn} LIMIT ?`,
          [new Date(), batchSize],
        )
        .then((rows: { id: Row['id'] }[]) => rows.map((r) => r.id))
        .catch(() => {
          // The database itself is away: say so once, keep polling.
          if (!failing) log.warn({ err: error }, 'worker cannot reach the database');
          failing = true;
          return [];
        });
      if (ids.length === 0) return 0;
      log.warn({ err: error }, 'batch failed; handling rows one by one');
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
  };
}
