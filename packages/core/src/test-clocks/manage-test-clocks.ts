import { type Db, withSqlTransaction } from '@mypay/db';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../payouts/list-payouts.ts';
import {
  TEST_CLOCK_COLUMNS,
  type TestClockResource,
  type TestClockRow,
  toTestClockResource,
} from './test-clock-resource.ts';

export interface CreateTestClockInput {
  merchantId: string;
  name?: string | undefined;
  /** Where the clock starts; default now. */
  frozenTime?: Date | undefined;
}

/** A new clock, `ready`, at `frozenTime` (default now). Idempotent through the caller's Idempotency-Key. */
export async function createTestClock(
  db: Pick<Db, 'pool'>,
  input: CreateTestClockInput,
  options: EffectOptions & { now?: Date } = {},
): Promise<TestClockResource> {
  const now = options.now ?? new Date();
  const row: TestClockRow = {
    id: newId('clk'),
    merchantId: input.merchantId,
    name: input.name ?? null,
    frozenTime: input.frozenTime ?? now,
    status: 'ready',
    advanceTarget: null,
    advanceHeartbeatAt: null,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const clock = toTestClockResource(row);
  await withSqlTransaction(db.pool, async (conn) => {
    await conn.query(
      `INSERT INTO TestClock (id, merchantId, name, frozenTime, status, version, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'ready', 0, ?, ?)`,
      [row.id, row.merchantId, row.name, row.frozenTime, row.createdAt, row.updatedAt],
    );
    await options.idempotency?.settle(conn, 201, clock);
  });
  return clock;
}

export async function getTestClockRow(db: Pick<Db, 'pool'>, merchantId: string, id: string): Promise<TestClockRow> {
  const rows = (await db.pool.query(`SELECT ${TEST_CLOCK_COLUMNS} FROM TestClock WHERE id = ? AND merchantId = ?`, [
    id,
    merchantId,
  ])) as TestClockRow[];
  if (!rows[0]) throw notFound('test clock');
  return rows[0];
}

export async function getTestClockOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  id: string,
): Promise<TestClockResource> {
  return toTestClockResource(await getTestClockRow(db, merchantId, id));
}

/** Newest first, keyset pagination on (createdAt, id) like every list. */
export async function listTestClocks(
  db: Pick<Db, 'pool'>,
  input: { merchantId: string; limit: number; cursor?: string | undefined; from?: Date; to?: Date },
): Promise<Page<TestClockResource>> {
  const where = ['merchantId = ?'];
  const params: unknown[] = [input.merchantId];
  if (input.from) {
    where.push('createdAt >= ?');
    params.push(input.from);
  }
  if (input.to) {
    where.push('createdAt <= ?');
    params.push(input.to);
  }
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    where.push('(createdAt < ? OR (createdAt = ? AND id < ?))');
    params.push(cursor.createdAt, cursor.createdAt, cursor.id);
  }
  const rows = (await db.pool.query(
    `SELECT ${TEST_CLOCK_COLUMNS} FROM TestClock WHERE ${where.join(' AND ')} ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [...params, input.limit + 1],
  )) as TestClockRow[];
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toTestClockResource),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}

/**
 * Deletes the clock. Its objects keep their state and stop moving: they stay bound (workers skip
 * them) and no advance can reach them any more. Their scheduled steps are cleared, so nothing is
 * left due that no one will ever apply. Refused while an advance runs (409 TEST_CLOCK_ADVANCING).
 */
export async function deleteTestClock(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  id: string,
): Promise<{ id: string; deleted: true }> {
  return withSqlTransaction(db.pool, async (conn) => {
    const rows = (await conn.query('SELECT status FROM TestClock WHERE id = ? AND merchantId = ? FOR UPDATE', [
      id,
      merchantId,
    ])) as { status: string }[];
    if (!rows[0]) throw notFound('test clock');
    if (rows[0].status === 'advancing') throw advancingError();
    await conn.query('DELETE FROM TestClock WHERE id = ?', [id]);
    await conn.query(
      'UPDATE Payout SET nextTransitionAt = NULL WHERE testClockId = ? AND nextTransitionAt IS NOT NULL',
      [id],
    );
    await conn.query(
      'UPDATE PaymentTransaction SET nextTransitionAt = NULL WHERE testClockId = ? AND nextTransitionAt IS NOT NULL',
      [id],
    );
    return { id, deleted: true as const };
  });
}

export function advancingError() {
  return new AppError(
    'TEST_CLOCK_ADVANCING',
    'the test clock is being advanced by another request; retry when its status is ready',
  );
}
