import { type Db, withSqlTransaction } from '@mypay/db';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { createdWithin, mapPage, type Page, queryPage } from '../pagination/index.ts';
import { deleteTestClockRow, findTestClockRow, insertTestClock, lockTestClockStatus } from './test-clock-repository.ts';
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
    await insertTestClock(conn, row);
    await options.idempotency?.settle(conn, 201, clock);
  });
  return clock;
}

export async function getTestClockRow(db: Pick<Db, 'pool'>, merchantId: string, id: string): Promise<TestClockRow> {
  const row = await findTestClockRow(db.pool, merchantId, id);
  if (!row) throw notFound('test clock');
  return row;
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
  const page = await queryPage<TestClockRow>(
    db.pool,
    {
      select: TEST_CLOCK_COLUMNS,
      from: 'TestClock',
      where: [['merchantId = ?', input.merchantId], ...createdWithin(input)],
    },
    input,
  );
  return mapPage(page, toTestClockResource);
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
    const status = await lockTestClockStatus(conn, merchantId, id);
    if (!status) throw notFound('test clock');
    if (status === 'advancing') throw advancingError();
    await deleteTestClockRow(conn, id);
    return { id, deleted: true as const };
  });
}

export function advancingError() {
  return new AppError(
    'TEST_CLOCK_ADVANCING',
    'the test clock is being advanced by another request; retry when its status is ready',
  );
}
