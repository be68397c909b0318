import type { Pool, PoolConnection } from '@mypay/db';
import { clearTransactionTransition, lockCheckout, moveTransactionStatus } from '../checkouts/checkout-repository.ts';
import type { Logger } from '../logger.ts';
import type { ScenarioKey } from '../reference/seed-data.ts';
import { startRefund } from '../refunds/create-refund.ts';
import { pendingRefundsOf } from '../refunds/refund-repository.ts';
import { refundableAmount } from '../refunds/refund-state-machine.ts';
import { settleRefund } from '../refunds/settle-refund.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { createDueRowWorker, type DueRowWorker, type WorkerScope } from '../workers/due-row-worker.ts';
import { settleCheckout } from './complete-payment.ts';
import { TRANSACTION_COLUMNS, type TransactionRow, toPaymentResource } from './payment-resource.ts';
import {
  checkoutClosed,
  isLegalPaymentTransition,
  paymentEventTypeFor,
  paymentNextTransitionAt,
  scheduledPaymentStep,
} from './payment-state-machine.ts';

/**
 * Applies one due scenario step to a claimed transaction (row locked by the worker's claim).
 * The checkout is locked next — the same order as completePayment's checks, which rely on it —
 * then the status (compare-and-set), money and outbox event, all on the worker's transaction.
 * A refund is written at most once per transaction, whatever happens to retries.
 */
export async function advanceDuePayment(
  conn: PoolConnection,
  claimed: Omit<TransactionRow, 'orderId'>,
  deps: { scenarios: ScenarioCatalog; publicUrl: string },
  now: Date,
): Promise<void> {
  const scenario = claimed.scenario as ScenarioKey;
  let step = scheduledPaymentStep(scenario, claimed.status);
  if (!step || !isLegalPaymentTransition(claimed.status, step.to)) {
    await clearTransactionTransition(conn, claimed.id);
    return;
  }
  const checkout = (await lockCheckout(conn, claimed.checkoutId))!;
  // The wallet confirmed, but the checkout is no longer payable (it cannot happen through the
  // API — expiry and cancel wait for a PENDING attempt — but money never lands on a checkout
  // that is not OPEN): the attempt fails instead, evented like any failure.
  if (step.to === 'SUCCEEDED' && checkout.status !== 'OPEN') {
    step = { to: 'FAILED', failure: checkoutClosed(checkout.status) };
  }
  if (step.to === 'REFUNDED') {
    await refundRemainder(conn, { ...claimed, orderId: checkout.orderId }, now);
    return;
  }
  const delayMs = await deps.scenarios.delayOf(scenario);
  const next = paymentNextTransitionAt(scenario, step.to, delayMs, now);
  const moved = await moveTransactionStatus(
    conn,
    claimed.id,
    claimed.status,
    { to: step.to, failure: step.failure, nextTransitionAt: next },
    now,
  );
  if (!moved) return;
  const row: TransactionRow = {
    ...claimed,
    orderId: checkout.orderId,
    status: step.to,
    failureCode: step.failure?.code ?? claimed.failureCode,
    failureMessage: step.failure?.message ?? claimed.failureMessage,
    nextTransitionAt: next,
    updatedAt: now,
  };
  const eventType = paymentEventTypeFor(step.to);
  if (eventType) await enqueueEvent(conn, row.merchantId, eventType, toPaymentResource(row), now);

  if (step.to === 'SUCCEEDED') await settleCheckout(conn, deps.publicUrl, checkout, row, now);
}

/**
 * Scenario 8's automatic refund: a refund object for whatever remains refundable, succeeding at
 * once (refund.created, refund.succeeded, payment.refunded), written once whatever happens to
 * retries — the claimed payment row is locked and a second look finds nothing left. Refunds the
 * merchant made before it are kept; with one still PENDING nothing remains, and that refund's
 * own outcome decides.
 */
async function refundRemainder(conn: PoolConnection, payment: TransactionRow, now: Date): Promise<void> {
  await clearTransactionTransition(conn, payment.id);
  const locked = { ...payment, amountRefunded: Number(payment.amountRefunded) };
  if (refundableAmount(locked, await pendingRefundsOf(conn, payment.id)) === 0) return;
  const refund = await startRefund(conn, locked, { reason: 'scenario REVERSED' }, { async: false, delayMs: 0 }, now);
  await settleRefund(conn, refund, { to: 'SUCCEEDED', failure: null }, now);
}

export function createPaymentWorker(options: {
  pool: Pool;
  logger: Logger;
  /** Only these merchants' rows (tests sharing one database); default: all. */
  scope?: WorkerScope;
  scenarios: ScenarioCatalog;
  publicUrl: string;
  pollIntervalMs?: number;
  batchSize?: number;
  retryDelayMs?: number;
}): DueRowWorker {
  return createDueRowWorker<Omit<TransactionRow, 'orderId'>>({
    name: 'payment-scenarios',
    pool: options.pool,
    logger: options.logger,
    table: 'PaymentTransaction',
    dueColumn: 'nextTransitionAt',
    columns: TRANSACTION_COLUMNS,
    // A transaction bound to a test clock moves only when its clock is advanced.
    where: 'testClockId IS NULL',
    handle: (conn, row, now) => advanceDuePayment(conn, row, options, now),
    scope: options.scope,
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
    retryDelayMs: options.retryDelayMs,
  });
}
