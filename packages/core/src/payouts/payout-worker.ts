import type { Pool, PoolConnection } from '@mypay/db';
import type { Logger } from '../logger.ts';
import type { ScenarioKey } from '../reference/seed-data.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { createDueRowWorker, type DueRowWorker, type WorkerScope } from '../workers/due-row-worker.ts';
import { clearPayoutNextTransition } from './payout-repository.ts';
import { PAYOUT_COLUMNS, type PayoutRow } from './payout-resource.ts';
import { nextTransitionAt, scheduledStep } from './payout-state-machine.ts';
import { transitionPayout } from './transition-payout.ts';

/** Applies one due scenario step to a claimed payout and schedules the next one, if any. */
export async function advanceDuePayout(conn: PoolConnection, payout: PayoutRow, scenarios: ScenarioCatalog, now: Date) {
  const scenario = payout.scenario as ScenarioKey;
  const step = scheduledStep(scenario, payout.status);
  if (!step) {
    await clearPayoutNextTransition(conn, payout.id);
    return;
  }
  const delayMs = await scenarios.delayOf(scenario);
  await transitionPayout(conn, payout, step.to, {
    failure: step.failure,
    nextTransitionAt: nextTransitionAt(scenario, step.to, delayMs, now),
    now,
  });
}

export function createPayoutWorker(options: {
  pool: Pool;
  logger: Logger;
  /** Only these merchants' rows (tests sharing one database); default: all. */
  scope?: WorkerScope;
  scenarios: ScenarioCatalog;
  pollIntervalMs?: number;
  batchSize?: number;
}): DueRowWorker {
  return createDueRowWorker<PayoutRow>({
    name: 'payout-scenarios',
    pool: options.pool,
    logger: options.logger,
    table: 'Payout',
    dueColumn: 'nextTransitionAt',
    columns: PAYOUT_COLUMNS,
    // A payout bound to a test clock moves only when its clock is advanced (advance-test-clock.ts).
    where: 'testClockId IS NULL',
    handle: (conn, payout, now) => advanceDuePayout(conn, payout, options.scenarios, now),
    scope: options.scope,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
  });
}
