import type { Pool, PoolConnection } from '@mypay/db';
import type { Logger } from '../logger.ts';
import { createDueRowWorker, type DueRowWorker, type WorkerScope } from '../workers/due-row-worker.ts';
import { clearRefundTransition } from './refund-repository.ts';
import { REFUND_COLUMNS, type RefundRow } from './refund-resource.ts';
import { planRefund } from './refund-state-machine.ts';
import { settleRefund } from './settle-refund.ts';

/**
 * Applies a due refund's scenario outcome (row locked by the worker's claim). settleRefund locks
 * the payment next and fences on the refund's status, so an outcome lands once.
 */
export async function advanceDueRefund(conn: PoolConnection, claimed: RefundRow, now: Date): Promise<void> {
  if (claimed.status !== 'PENDING') {
    await clearRefundTransition(conn, claimed.id);
    return;
  }
  const plan = planRefund(claimed.scenario);
  await settleRefund(conn, claimed, { to: plan.outcome, failure: plan.failure }, now);
}

export function createRefundWorker(options: {
  pool: Pool;
  logger: Logger;
  /** Only these merchants' rows (tests sharing one database); default: all. */
  scope?: WorkerScope;
  pollIntervalMs?: number;
  batchSize?: number;
  retryDelayMs?: number;
}): DueRowWorker {
  return createDueRowWorker<RefundRow>({
    name: 'refund-scenarios',
    pool: options.pool,
    logger: options.logger,
    table: 'Refund',
    dueColumn: 'nextTransitionAt',
    columns: REFUND_COLUMNS,
    // Bound refunds (their payment's test clock) move only when their clock is advanced.
    where: 'testClockId IS NULL',
    handle: (conn, row, now) => advanceDueRefund(conn, row, now),
    scope: options.scope,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
    retryDelayMs: options.retryDelayMs,
  });
}
