import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDatabase,
  createPool,
  dropDatabase,
  isDeadlock,
  isRetryableTxError,
  type Pool,
  type PoolConnection,
  parseDatabaseUrl,
  withDatabaseName,
  withSqlTransaction,
} from '../src/index.ts';

// A real deadlock on the real server: the victim's transaction has statements pipelined behind the
// one the server rolls back. Its own scratch database (two tables), so row locks are only ours.
const server = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';
const url = withDatabaseName(server, `${parseDatabaseUrl(server).database}_tx_${randomBytes(4).toString('hex')}`);
const location = parseDatabaseUrl(url);

// The heavier transaction (more rows changed) survives a deadlock: InnoDB rolls back the lighter
// one. The other side changes this many rows first, so the victim is always withSqlTransaction's.
const OTHER_SIDE_ROWS = 50;

let pool: Pool;
let other: Pool;
let watcher: Pool;

beforeAll(async () => {
  await createDatabase(url, { recreate: true });
  pool = createPool(location, { connectionLimit: 2 });
  other = createPool(location, { connectionLimit: 1 });
  watcher = createPool(location, { connectionLimit: 1 });
  await watcher.query('CREATE TABLE account (id INT PRIMARY KEY, balance INT NOT NULL) ENGINE=InnoDB');
  await watcher.query(
    'CREATE TABLE entry (id INT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, amount INT NOT NULL, note VARCHAR(40) NOT NULL) ENGINE=InnoDB',
  );
});

beforeEach(async () => {
  await watcher.query('DELETE FROM entry');
  await watcher.query('DELETE FROM account');
  const ids = [1, 2, 3, ...Array.from({ length: OTHER_SIDE_ROWS }, (_, i) => 100 + i)];
  await watcher.query(`INSERT INTO account (id, balance) VALUES ${ids.map((id) => `(${id}, 1000)`).join(', ')}`);
});

afterAll(async () => {
  await Promise.allSettled([pool?.end(), other?.end(), watcher?.end()]);
  await dropDatabase(url).catch(() => {});
});

/**
 * Resolves once the session `threadId` is inside its UPDATE (polled, bounded). PROCESSLIST, not
 * INNODB_TRX: MariaDB serves INNODB_TRX from a cache that may still say RUNNING for a lock wait.
 * Whichever of the two requests closes the cycle, InnoDB rolls back the lighter transaction, so the
 * victim is the same either way.
 */
async function untilUpdating(threadId: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await watcher.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
        WHERE ID = ? AND COMMAND = 'Query' AND INFO LIKE 'UPDATE account%'`,
      [threadId],
    );
    if (Number(row.n) === 1) return;
    if (Date.now() > deadline) throw new Error(`session ${threadId} did not start its UPDATE within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const balances = async () =>
  Object.fromEntries(
    (
      (await watcher.query('SELECT id, balance FROM account WHERE id IN (1, 2, 3) ORDER BY id')) as {
        id: number;
        balance: number;
      }[]
    ).map((r) => [r.id, r.balance]),
  );
const entries = async () =>
  ((await watcher.query('SELECT account, amount, note FROM entry ORDER BY id')) as { note: string }[]).map((r) => ({
    ...r,
  }));

/**
 * The other side of the deadlock: changes OTHER_SIDE_ROWS rows and row 2, then (when told) asks
 * for row 1, which the victim holds. Commits once it gets it (after the victim was rolled back).
 */
async function otherSide() {
  const conn = await other.getConnection();
  await conn.beginTransaction();
  await conn.query(`UPDATE account SET balance = balance + 1 WHERE id >= 100`);
  await conn.query('UPDATE account SET balance = balance + 1 WHERE id = 2');
  return {
    threadId: conn.threadId!,
    lockRowOne: async () => {
      try {
        await conn.query('UPDATE account SET balance = balance + 1 WHERE id = 1');
        await conn.commit();
      } finally {
        conn.release();
      }
    },
  };
}

/**
 * The victim's work: lock row 1, then — while the other side waits for row 1 — send, without
 * waiting between them, the update of row 2 (the deadlock), a ledger-like entry and an update of
 * row 3. `Promise.all` gives up at the first failure, so the rollback is queued while the
 * statements behind the deadlock are still in flight.
 */
async function transfer(conn: PoolConnection, note: string, beforeDeadlock?: () => Promise<void>) {
  await conn.query('UPDATE account SET balance = balance - 5 WHERE id = 1');
  await beforeDeadlock?.();
  await Promise.all([
    conn.query('UPDATE account SET balance = balance - 5 WHERE id = 2'),
    conn.query('INSERT INTO entry (account, amount, note) VALUES (3, 5, ?)', [note]),
    conn.query('UPDATE account SET balance = balance + 10 WHERE id = 3'),
  ]);
}

describe('withSqlTransaction and a deadlock', () => {
  it('when autocommit is left on (plain START TRANSACTION), then statements queued behind the deadlock commit on their own — the hazard', async () => {
    const side = await otherSide();
    const conn = await pool.getConnection();
    let otherDone: Promise<void> | undefined;
    let failure: unknown;
    try {
      await conn.beginTransaction();
      await transfer(conn, 'leaked', async () => {
        otherDone = side.lockRowOne();
        await untilUpdating(side.threadId);
      });
      await conn.commit();
    } catch (error) {
      failure = error;
      // Queued after the in-flight statements, as withSqlTransaction's is.
      await conn.rollback().catch(() => {});
    } finally {
      // This session's writes were already committed; it is fine to return to the pool.
      conn.release();
    }
    await otherDone;
    if (!isDeadlock(failure)) throw failure;
    // The entry and row 3's credit went in although their transaction was rolled back.
    expect(await entries()).toEqual([{ account: 3, amount: 5, note: 'leaked' }]);
    expect(await balances()).toEqual({ 1: 1001, 2: 1001, 3: 1010 });
  });

  it('when the victim has statements pipelined behind the deadlock, then none of them is committed and the retry commits exactly once', async () => {
    const side = await otherSide();
    let otherDone: Promise<void> | undefined;
    const failures: unknown[] = [];
    let attempts = 0;
    await withSqlTransaction(pool, async (conn) => {
      attempts++;
      const note = `attempt ${attempts}`;
      try {
        if (attempts === 1) {
          await transfer(conn, note, async () => {
            otherDone = side.lockRowOne();
            await untilUpdating(side.threadId);
          });
        } else {
          // The other side committed once the victim's locks were gone; the retry meets no one.
          await otherDone;
          await transfer(conn, note);
        }
      } catch (error) {
        failures.push(error);
        throw error;
      }
    });
    await otherDone;

    expect(attempts).toBe(2);
    expect(failures).toHaveLength(1);
    expect(isDeadlock(failures[0])).toBe(true);
    expect(isRetryableTxError(failures[0])).toBe(true);
    // Only the retry's entry; row 3 credited once; rows 1 and 2 carry the other side's +1 and the
    // retry's -5 each.
    expect(await entries()).toEqual([{ account: 3, amount: 5, note: 'attempt 2' }]);
    expect(await balances()).toEqual({ 1: 996, 2: 996, 3: 1010 });
  });

  it('when the deadlock is the last attempt, then it is thrown and nothing is committed', async () => {
    const side = await otherSide();
    let otherDone: Promise<void> | undefined;
    const outcome = withSqlTransaction(
      pool,
      (conn) =>
        transfer(conn, 'only attempt', async () => {
          otherDone = side.lockRowOne();
          await untilUpdating(side.threadId);
        }),
      { attempts: 1 },
    );
    await expect(outcome).rejects.toSatisfy(isDeadlock);
    await otherDone;
    expect(await entries()).toEqual([]);
    expect(await balances()).toEqual({ 1: 1001, 2: 1001, 3: 1000 });
    // The session went back to the pool with autocommit on again.
    const [row] = await pool.query('SELECT @@autocommit AS autocommit');
    expect(Number(row.autocommit)).toBe(1);
  });
});

describe('withSqlTransaction and its session', () => {
  const threadIds = async (p: Pool) => {
    const conns = await Promise.all([p.getConnection(), p.getConnection()]);
    const ids = conns.map((c) => c.threadId);
    for (const c of conns) c.release();
    return ids;
  };
  const isAlive = async (threadId: number | null) =>
    Number(
      (await watcher.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ?', [threadId]))[0].n,
    ) === 1;

  it('when a transaction commits, then its connection goes back to the pool with autocommit on', async () => {
    const before = await threadIds(pool);
    let used: number | null = null;
    await withSqlTransaction(pool, async (conn) => {
      used = conn.threadId;
      await conn.query('UPDATE account SET balance = balance + 1 WHERE id = 1');
    });
    expect(before).toContain(used);
    expect(await threadIds(pool)).toEqual(expect.arrayContaining(before));
    const [row] = await pool.query('SELECT @@autocommit AS autocommit');
    expect(Number(row.autocommit)).toBe(1);
  });

  it('when restoring autocommit fails, then the connection is destroyed, not returned to the pool', async () => {
    const before = await threadIds(pool);
    let used: number | null = null;
    await withSqlTransaction(pool, async (conn) => {
      used = conn.threadId;
      await conn.query('UPDATE account SET balance = balance + 1 WHERE id = 1');
      // The restore is the one statement that fails (the driver refuses it); all else is real.
      const query = conn.query.bind(conn);
      (conn as { query: PoolConnection['query'] }).query = ((sql: string, values?: unknown) =>
        sql === 'SET autocommit = 1'
          ? Promise.reject(Object.assign(new Error('restore refused'), { code: 'ER_TEST' }))
          : query(sql, values)) as PoolConnection['query'];
    });
    // The commit itself went through.
    expect((await balances())[1]).toBe(1001);
    expect(before).toContain(used);
    // The session is closed on the server and the pool hands out a fresh one in its place.
    await expect.poll(() => isAlive(used), { timeout: 5_000 }).toBe(false);
    const after = await threadIds(pool);
    expect(after).not.toContain(used);
    const [row] = await pool.query('SELECT @@autocommit AS autocommit');
    expect(Number(row.autocommit)).toBe(1);
  });
});
