import type { PoolConnection } from '@mypay/db';
import { AppError } from '../errors.ts';
import { findClockTime } from './test-clock-repository.ts';

export type TestClockStatus = 'ready' | 'advancing';

/** A test clock as the API shows it. */
export interface TestClockResource {
  id: string;
  name: string | null;
  frozenTime: string;
  status: TestClockStatus;
  createdAt: string;
}

export interface TestClockRow {
  id: string;
  merchantId: string;
  name: string | null;
  frozenTime: Date;
  status: TestClockStatus;
  advanceTarget: Date | null;
  advanceHeartbeatAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TEST_CLOCK_COLUMNS =
  'id, merchantId, name, frozenTime, status, advanceTarget, advanceHeartbeatAt, version, createdAt, updatedAt';

export function toTestClockResource(row: TestClockRow): TestClockResource {
  return {
    id: row.id,
    name: row.name ?? null,
    frozenTime: new Date(row.frozenTime).toISOString(),
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

type Runner = Pick<PoolConnection, 'query'>;

/**
 * The time on a clock an object is being bound to (`testClock` of a create): the clock must be the
 * merchant's, else 404 naming the field — another merchant's clock is not found either.
 */
export async function clockTimeForBinding(runner: Runner, merchantId: string, testClockId: string): Promise<Date> {
  const clock = await findClockTime(runner, testClockId, merchantId);
  if (!clock) {
    throw new AppError('NOT_FOUND', 'test clock not found', [
      { field: 'testClock', message: `no test clock ${testClockId} for this merchant` },
    ]);
  }
  return clock;
}

/**
 * The time of a bound object's clock, for a step that happens on request (a payment on a bound
 * checkout). Null when the clock was deleted: its objects then keep to wall time for such steps.
 */
export async function clockTimeOf(runner: Runner, testClockId: string): Promise<Date | null> {
  return findClockTime(runner, testClockId);
}
