import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDb,
  type Db,
  isCheckViolationOf,
  isDeadlock,
  isLockWaitTimeout,
  isRetryableTxError,
  isUniqueViolation,
} from '../src/index.ts';

// Real errors from the real database: a scratch table in the test database, dropped afterwards.
const table = `errors_probe_${randomBytes(4).toString('hex')}`;
let db: Db;

const failureOf = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
};

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL ?? '', { connectionLimit: 3 });
  await db.pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY) ENGINE=InnoDB`);
  await db.pool.query(`INSERT INTO ${table} (id) VALUES (1)`);
});

afterAll(async () => {
  await db?.pool.query(`DROP TABLE IF EXISTS ${table}`);
  await db?.close();
});

describe('database errors', () => {
  it('when the driver inserts a duplicate key, then it is a unique violation and not retryable', async () => {
    const error = await failureOf(() => db.pool.query(`INSERT INTO ${table} (id) VALUES (1)`));
    expect([isUniqueViolation(error), isLockWaitTimeout(error), isRetryableTxError(error)]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('when Prisma inserts a duplicate key, then it is a unique violation too', async () => {
    const error = await failureOf(() => db.prisma.$executeRawUnsafe(`INSERT INTO ${table} (id) VALUES (1)`));
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('when a row lock is not granted in time, then it is a lock wait timeout and retryable', async () => {
    const holder = await db.pool.getConnection();
    const waiter = await db.pool.getConnection();
    try {
      await holder.beginTransaction();
      await holder.query(`SELECT id FROM ${table} WHERE id = 1 FOR UPDATE`);
      await waiter.query('SET SESSION innodb_lock_wait_timeout = 1');
      await waiter.beginTransaction();
      const error = await failureOf(() => waiter.query(`SELECT id FROM ${table} WHERE id = 1 FOR UPDATE`));
      expect([
        isLockWaitTimeout(error),
        isRetryableTxError(error),
        isUniqueViolation(error),
        isDeadlock(error),
      ]).toEqual([true, true, false, false]);
    } finally {
      await waiter.rollback().catch(() => {});
      await holder.rollback().catch(() => {});
      await waiter.query('SET SESSION innodb_lock_wait_timeout = DEFAULT').catch(() => {});
      waiter.release();
      holder.release();
    }
  });

  it('when an error wraps a duplicate key as its cause, then it is still a unique violation', () => {
    const driverError = Object.assign(new Error("Duplicate entry '1' for key 'PRIMARY'"), { errno: 1062 });
    expect(isUniqueViolation(new Error('create failed', { cause: driverError }))).toBe(true);
  });

  it('when a CHECK constraint refuses an update, then it is a violation of that constraint, named as MariaDB and MySQL 8.0 name it', async () => {
    const checked = `${table}_checked`;
    await db.pool.query(
      `CREATE TABLE ${checked} (id INT PRIMARY KEY, n INT NOT NULL, CONSTRAINT ${checked}_floor CHECK (n >= 0))`,
    );
    try {
      await db.pool.query(`INSERT INTO ${checked} (id, n) VALUES (1, 0)`);
      // Also in a session without strict mode: the refusal is an error, not a warning.
      const conn = await db.pool.getConnection();
      let error: unknown;
      try {
        await conn.query("SET SESSION sql_mode = ''");
        error = await failureOf(() => conn.query(`UPDATE ${checked} SET n = n - 1 WHERE id = 1`));
      } finally {
        await conn.query('SET SESSION sql_mode = DEFAULT');
        conn.release();
      }
      expect(isCheckViolationOf(error, `${checked}_floor`)).toBe(true);
      expect(isCheckViolationOf(error, 'another_floor')).toBe(false);
      expect(isRetryableTxError(error)).toBe(false);
    } finally {
      await db.pool.query(`DROP TABLE ${checked}`);
    }
    // MySQL 8.0's shape (ER_CHECK_CONSTRAINT_VIOLATED), which this machine's MariaDB cannot produce.
    const mysql = Object.assign(new Error("Check constraint 'Item_floor' is violated."), {
      errno: 3819,
      sqlMessage: "Check constraint 'Item_floor' is violated.",
    });
    expect(isCheckViolationOf(mysql, 'Item_floor')).toBe(true);
    expect(isCheckViolationOf(mysql, 'Item')).toBe(false);
  });
});
