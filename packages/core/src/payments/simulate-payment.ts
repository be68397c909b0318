import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import {
  clearTransactionTransition,
  lockCheckout,
  readTransactionRow,
  setTransactionStatus,
} from '../checkouts/checkout-repository.ts';
import { AppError } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import type { ScenarioKey } from '../reference/seed-data.ts';
import { startRefund } from '../refunds/create-refund.ts';
import { pendingRefundsOf } from '../refunds/refund-repository.ts';
import { refundableAmount } from '../refunds/refund-state-machine.ts';
import { lockPaymentForRefund, settleRefund } from '../refunds/settle-refund.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { clockTimeOf } from '../test-clocks/test-clock-resource.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { settleCheckout } from './complete-payment.ts';
import { type PaymentResource, type TransactionRow, toPaymentResource } from './payment-resource.ts';
import { isLegalPaymentTransition, paymentNextTransitionAt, type TransactionStatus } from './payment-state-machine.ts';

export type SimulatedPaymentStatus = 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

export interface SimulatePaymentInput {
  merchantId: string;
  transactionId: string;
  status: SimulatedPaymentStatus;
  /** Failure code for FAILED (default SIMULATED_FAILURE). */
  reason?: string | undefined;
}

/**
 * Sandbox: forces a payment's legal next transition now — PENDING → SUCCEEDED (credited, checkout
 * COMPLETED) or FAILED, SUCCEEDED | PARTIALLY_REFUNDED → REFUNDED (a refund of what remains,
 * succeeding at once) — with the same money and events as the scenario engine would write, audited
 * in the same transaction. Anything else is 422 INVALID_STATE. The scenario carries on from the new
 * status (a forced SUCCEEDED of scenario 8 is still refunded after its delay).
 */
export async function simulatePaymentTransition(
  deps: { db: Pick<Db, 'pool'>; scenarios: Pick<ScenarioCatalog, 'delayOf'>; publicUrl: string },
  input: SimulatePaymentInput,
  audit: AuditContext,
  options: EffectOptions = {},
): Promise<PaymentResource> {
  return withSqlTransaction(deps.db.pool, async (conn) => {
    const payment = await lockPaymentForRefund(conn, input.transactionId, input.merchantId);
    // A bound payment moves at its clock's time (wall time once the clock is deleted).
    const now = (payment.testClockId ? await clockTimeOf(conn, payment.testClockId) : null) ?? new Date();
    const from: TransactionStatus = payment.status;
    if (!isLegalPaymentTransition(from, input.status)) {
      throw new AppError('INVALID_STATE', `the transaction is ${from}`, [
        { field: 'status', message: `${from} → ${input.status} is not a legal transition` },
      ]);
    }
    const scenario = payment.scenario as ScenarioKey;
    const code = input.status === 'FAILED' ? (input.reason ?? 'SIMULATED_FAILURE') : null;
    if (input.status === 'REFUNDED') {
      if (refundableAmount(payment, await pendingRefundsOf(conn, payment.id)) === 0) {
        throw new AppError('INVALID_STATE', 'a refund of this payment is still pending; wait for its outcome', [
          { field: 'status', message: 'nothing remains to refund while a refund is PENDING' },
        ]);
      }
      await clearTransactionTransition(conn, payment.id);
      const refund = await startRefund(conn, payment, { reason: 'simulated' }, { async: false, delayMs: 0 }, now);
      await settleRefund(conn, refund, { to: 'SUCCEEDED', failure: null }, now);
    } else {
      const checkout = (await lockCheckout(conn, payment.checkoutId))!;
      if (input.status === 'SUCCEEDED' && checkout.status !== 'OPEN') {
        throw new AppError('INVALID_STATE', `the checkout is ${checkout.status}`, [
          { field: 'status', message: 'money never lands on a checkout that is not OPEN' },
        ]);
      }
      const delayMs = await deps.scenarios.delayOf(scenario);
      const next = paymentNextTransitionAt(scenario, input.status, delayMs, now);
      const failure = code ? { code, message: `simulated: ${code}` } : null;
      await setTransactionStatus(conn, payment.id, { to: input.status, failure, nextTransitionAt: next }, now);
      const row: TransactionRow = {
        ...payment,
        status: input.status,
        failureCode: failure?.code ?? null,
        failureMessage: failure?.message ?? null,
        nextTransitionAt: next,
        updatedAt: now,
      };
      await enqueueEvent(
        conn,
        payment.merchantId,
        input.status === 'SUCCEEDED' ? 'payment.succeeded' : 'payment.failed',
        toPaymentResource(row),
        now,
      );
      if (input.status === 'SUCCEEDED') await settleCheckout(conn, deps.publicUrl, checkout, row, now);
    }
    await recordAudit(conn, {
      ...audit,
      action: 'payment.simulated',
      targetType: 'payment',
      targetId: payment.id,
      merchantId: input.merchantId,
      before: { status: from },
      after: { status: input.status, reason: code },
    });
    const result = await readPayment(conn, payment.id);
    await options.idempotency?.settle(conn, 200, result);
    return result;
  });
}

/** The payment as this transaction left it (read on the transaction's own connection). */
async function readPayment(conn: PoolConnection, id: string): Promise<PaymentResource> {
  return toPaymentResource((await readTransactionRow(conn, id))!);
}
