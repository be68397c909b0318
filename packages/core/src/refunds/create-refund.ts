import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { changeBalance } from '../ledger/change-balance.ts';
import type { TransactionRow } from '../payments/payment-resource.ts';
import type { ScenarioKey } from '../reference/seed-data.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { clockTimeOf } from '../test-clocks/test-clock-resource.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { insertRefund, pendingRefundsOf } from './refund-repository.ts';
import { type RefundResource, type RefundRow, toRefundResource } from './refund-resource.ts';
import { planRefund, refundableAmount } from './refund-state-machine.ts';
import { lockPaymentForRefund, settleRefund } from './settle-refund.ts';

export interface RefundDeps {
  db: Pick<Db, 'pool'>;
  scenarios: Pick<ScenarioCatalog, 'delayOf'>;
}

export interface CreateRefundInput {
  merchantId: string;
  transactionId: string;
  /** Paisa; default: all that remains refundable. */
  amount?: number | undefined;
  reason?: string | undefined;
}

/** Payments in these states can be refunded (a REFUNDED one has nothing left: REFUND_EXCEEDS_PAYMENT). */
const REFUNDABLE = new Set(['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED']);

/**
 * POST /refunds. The payment row is locked first (FOR UPDATE), so concurrent refunds of one
 * payment run one after another and never add up to more than its amount. In one transaction: the
 * refund (PENDING), the merchant's debit through the ledger (PAYMENT_REFUND; it may take
 * `available` below zero, as a reversal does, if the money was paid out), `refund.created`, and —
 * for a payer number that refunds at once — the outcome (settleRefund). The asynchronous ones are
 * moved on by the refund worker (`nextTransitionAt`).
 */
export async function createRefund(
  deps: RefundDeps,
  input: CreateRefundInput,
  options: EffectOptions & { now?: Date; audit?: AuditContext } = {},
): Promise<RefundResource> {
  return withSqlTransaction(deps.db.pool, async (conn) => {
    const payment = await lockPaymentForRefund(conn, input.transactionId, input.merchantId);
    // A refund of a bound payment happens at its clock's time (wall time once the clock is deleted).
    const clockTime = payment.testClockId ? await clockTimeOf(conn, payment.testClockId) : null;
    const now = clockTime ?? options.now ?? new Date();
    if (!REFUNDABLE.has(payment.status)) {
      throw new AppError('INVALID_STATE', `the transaction is ${payment.status}`, [
        { field: 'transactionId', message: `status is ${payment.status}; only a SUCCEEDED payment can be refunded` },
      ]);
    }
    const plan = planRefund(payment.scenario as ScenarioKey);
    const delayMs = plan.async ? await deps.scenarios.delayOf(payment.scenario as ScenarioKey) : 0;
    const refund = await startRefund(conn, payment, input, { async: plan.async, delayMs }, now);
    const result = plan.async
      ? refund
      : ((await settleRefund(conn, refund, { to: 'SUCCEEDED', failure: null }, now)) ?? refund);
    const resource = toRefundResource(result, payment.checkoutId);
    if (options.audit) {
      // A refund from the merchant portal is audited with the merchant who asked for it.
      await recordAudit(conn, {
        ...options.audit,
        action: 'refund.created',
        targetType: 'refund',
        targetId: resource.id,
        merchantId: input.merchantId,
        before: { transactionId: payment.id, status: payment.status, amountRefunded: Number(payment.amountRefunded) },
        after: resource,
      });
    }
    await options.idempotency?.settle(conn, 201, resource);
    return resource;
  });
}

/**
 * A new PENDING refund of a payment the caller has locked: the amount checked against what remains
 * (422 REFUND_EXCEEDS_PAYMENT, nothing written), the refund row, the debit and `refund.created`.
 */
export async function startRefund(
  conn: PoolConnection,
  payment: TransactionRow,
  input: { amount?: number | undefined; reason?: string | undefined },
  schedule: { async: boolean; delayMs: number },
  now: Date,
): Promise<RefundRow> {
  const pending = await pendingRefundsOf(conn, payment.id);
  const remaining = refundableAmount(payment, pending);
  const amount = input.amount ?? remaining;
  if (amount > remaining || amount <= 0) {
    throw new AppError(
      'REFUND_EXCEEDS_PAYMENT',
      remaining === 0
        ? 'nothing of this payment remains refundable'
        : `the refund is larger than the ${remaining} paisa that remain refundable`,
      [
        {
          field: 'amount',
          message: `at most ${remaining} remains refundable (payment ${payment.amount}, refunded ${payment.amountRefunded}, pending ${pending})`,
          refundable: remaining,
        },
      ],
    );
  }
  const refund: RefundRow = {
    id: newId('re'),
    merchantId: payment.merchantId,
    transactionId: payment.id,
    amount,
    currency: payment.currency,
    status: 'PENDING',
    reason: input.reason ?? null,
    scenario: payment.scenario,
    failureCode: null,
    failureMessage: null,
    nextTransitionAt: schedule.async ? new Date(now.getTime() + schedule.delayMs) : null,
    // A refund of a bound payment is bound to its clock: the worker leaves it to the clock's advances.
    testClockId: payment.testClockId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await insertRefund(conn, refund);
  await changeBalance(conn, {
    merchantId: payment.merchantId,
    type: 'PAYMENT_REFUND',
    amount: -amount,
    transactionId: payment.id,
    refundId: refund.id,
    description: `Refund ${refund.id} of order ${payment.orderId}`.slice(0, 255),
    // A refund always completes, even when the money was paid out meanwhile: like a reversal it
    // may take `available` below zero (a debt incoming payments cover first).
    allowNegative: true,
  });
  await enqueueEvent(conn, payment.merchantId, 'refund.created', toRefundResource(refund, payment.checkoutId), now);
  return refund;
}
