import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BatchFailure,
  batchingConnection,
  CommittedThenFailedError,
  commitWith,
  createDatabase,
  createPool,
  dropDatabase,
  isCheckViolationOf,
  isUniqueViolationOf,
  type Pool,
  type PoolConnection,
  parseDatabaseUrl,
  withBatchedTransaction,
  withDatabaseName,
} from '../src/index.ts';

// Statement batches on the real server: its own scratch database, one table with a unique key.
const server = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';
const url = withDatabaseName(server, `${parseDatabaseUrl(server).database}_batch_${randomBytes(4).toString('hex')}`);
const location = parseDatabaseUrl(url);

let pool: Pool;

beforeAll(async () => {
  await createDatabase(url, { recreate: true });
  pool = createPool(location, { connectionLimit: 2 });
  await pool.query(
    `CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL DEFAULT 0,
       UNIQUE KEY item_name_key (name), CONSTRAINT item_qty_floor CHECK (qty >= 0)) ENGINE=InnoDB`,
  );
});

beforeEach(async () => {
  await pool.query('DELETE FROM item');
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase(url).catch(() => {});
});

const names = async () =>
  ((await pool.query('SELECT name FROM item ORDER BY id')) as { name: string }[]).map((row) => row.name);

/** A connection whose query() calls are counted (what reaches the driver). */
async function countedConnection(): Promise<{ conn: PoolConnection; sent: () => number; release: () => void }> {
  const conn = await pool.getConnection();
  let sent = 0;
  const query = conn.query.bind(conn);
  (conn as { query: PoolConnection['query'] }).query = ((sql: string, values?: unknown) => {
    sent++;
    return query(sql, values);
  }) as PoolConnection['query'];
  return { conn, sent: () => sent, release: () => conn.release() };
}

describe('batchingConnection', () => {
  it('when statements are sent in one tick, then they reach the driver as one query and each gets its own result', async () => {
    const { conn, sent, release } = await countedConnection();
    try {
      const batched = batchingConnection(conn);
      const [first, second, rows] = await Promise.all([
        batched.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
        batched.query('INSERT INTO item (id, name) VALUES (?, ?), (?, ?)', [2, 'two', 3, 'three']),
        batched.query('SELECT COUNT(*) AS n FROM item WHERE id <= ?', [3]),
      ]);
      expect(sent()).toBe(1);
      expect(first.affectedRows).toBe(1);
      expect(second.affectedRows).toBe(2);
      expect(Number(rows[0].n)).toBe(3);
    } finally {
      release();
    }
  });

  it('when a statement of a batch fails, then the server runs none after it and every statement of the batch gets its error', async () => {
    const { conn, release } = await countedConnection();
    try {
      const batched = batchingConnection(conn);
      const results = await Promise.allSettled([
        batched.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
        batched.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'one']),
        batched.query('INSERT INTO item (id, name) VALUES (?, ?)', [3, 'three']),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      const error = (results[0] as PromiseRejectedResult).reason as BatchFailure;
      expect(results.every((r) => (r as PromiseRejectedResult).reason === error)).toBe(true);
      expect(isUniqueViolationOf(error, 'item_name_key')).toBe(true);
      expect(isUniqueViolationOf(error, 'other_key')).toBe(false);
      expect(error.batchStatements).toHaveLength(3);
      // Autocommit: the statement before the failing one ran, the one after did not.
      expect(await names()).toEqual(['one']);
    } finally {
      release();
    }
  });

  it('when a call other than query comes between statements, then what is queued is sent first, in order', async () => {
    const { conn, sent, release } = await countedConnection();
    try {
      const batched = batchingConnection(conn);
      const insert = batched.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']);
      // ping() is not batched: the queued INSERT goes first.
      await batched.ping();
      await insert;
      expect(sent()).toBe(1);
      expect(await names()).toEqual(['one']);
    } finally {
      release();
    }
  });
});

describe('withBatchedTransaction', () => {
  it('when every statement goes in, then they commit together', async () => {
    await withBatchedTransaction(pool, async (conn) => {
      await Promise.all([
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'two']),
      ]);
    });
    expect(await names()).toEqual(['one', 'two']);
    const [session] = await pool.query('SELECT @@autocommit AS autocommit');
    expect(Number(session.autocommit)).toBe(1);
  });

  it('when a statement of the batch fails, then nothing of the transaction stays, the one before it included', async () => {
    const run = withBatchedTransaction(pool, async (conn) => {
      await Promise.all([
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'one']),
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [3, 'three']),
      ]);
    });
    await expect(run).rejects.toMatchObject({ errno: 1062 });
    expect(await names()).toEqual([]);
    // The sessions went back to the pool with autocommit on.
    const sessions = await Promise.all([pool.getConnection(), pool.getConnection()]);
    try {
      for (const session of sessions) {
        const [row] = await session.query('SELECT @@autocommit AS autocommit');
        expect(Number(row.autocommit)).toBe(1);
      }
    } finally {
      for (const session of sessions) session.release();
    }
  });

  it('when the use-case throws after its batch went in, then the batch is rolled back', async () => {
    const run = withBatchedTransaction(pool, async (conn) => {
      await conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']);
      throw new Error('refused after the write');
    });
    await expect(run).rejects.toThrow('refused after the write');
    expect(await names()).toEqual([]);
  });
});

describe('commitWith', () => {
  /** A pool that hands out one counted connection (what reaches the driver). */
  async function countedPool() {
    const counted = await countedConnection();
    const fake = { getConnection: async () => counted.conn } as unknown as Pool;
    return { pool: fake, sent: counted.sent };
  }

  it('when the use-case commits with its writes, then the opening, the writes and the COMMIT reach the server as one query', async () => {
    const { pool: one, sent } = await countedPool();
    await withBatchedTransaction(one, (conn) =>
      commitWith(conn, [
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'two']),
      ]),
    );
    expect(sent()).toBe(1);
    expect(await names()).toEqual(['one', 'two']);
  });

  it('when a CHECK constraint refuses a write, then the COMMIT of its batch never runs and nothing stays', async () => {
    await pool.query('INSERT INTO item (id, name, qty) VALUES (1, ?, 5)', ['stock']);
    const run = withBatchedTransaction(pool, (conn) =>
      commitWith(conn, [
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'two']),
        conn.query('UPDATE item SET qty = qty - ? WHERE id = 1', [6]),
        conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [3, 'three']),
      ]),
    );
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCheckViolationOf(error, 'item_qty_floor')).toBe(true);
    expect(isCheckViolationOf(error, 'other_floor')).toBe(false);
    expect(await names()).toEqual(['stock']);
    const [row] = await pool.query('SELECT qty FROM item WHERE id = 1');
    expect(row.qty).toBe(5);
  });

  it('when commitWith comes after its writes were sent, then it refuses and the transaction rolls back', async () => {
    const run = withBatchedTransaction(pool, async (conn) => {
      const write = conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']);
      await write;
      await commitWith(conn, [write]);
    });
    await expect(run).rejects.toThrow('commitWith must be called in the tick its writes were sent');
    expect(await names()).toEqual([]);
  });

  it('when the batch failed, then a statement after it runs in the open transaction and is rolled back with it', async () => {
    let explained: unknown;
    const run = withBatchedTransaction(pool, async (conn) => {
      try {
        await commitWith(conn, [
          conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one']),
          conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'one']),
        ]);
      } catch (error) {
        // The first INSERT ran (the batch stopped at the second): this transaction sees it.
        explained = await conn.query('SELECT COUNT(*) AS n FROM item');
        throw error;
      }
    });
    await expect(run).rejects.toMatchObject({ errno: 1062 });
    expect(Number((explained as { n: bigint }[])[0]!.n)).toBe(1);
    expect(await names()).toEqual([]);
  });

  it('when the use-case sends a statement after its commit went through, then it is refused and the error says the writes committed', async () => {
    const run = withBatchedTransaction(pool, async (conn) => {
      await commitWith(conn, [conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'one'])]);
      await conn.query('INSERT INTO item (id, name) VALUES (?, ?)', [2, 'two']);
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommittedThenFailedError);
    expect(String((error as Error).cause)).toContain('a statement sent after commitWith committed');
    // The write before the commit is in; the one after it was never sent.
    expect(await names()).toEqual(['one']);
  });
});
