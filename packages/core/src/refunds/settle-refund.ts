import type { PoolConnection } from '@mypay/db';
import { findCheckoutOrderId, lockTransactionRow, setTransactionRefunded } from '../checkouts/checkout-repository.ts';
import { notFound } from '../errors.ts';
import { changeBalance } from '../ledger/change-balance.ts';
import { type TransactionRow, toPaymentResource } from '../payments/payment-resource.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { recordRefundOutcome } from './refund-repository.ts';
import { type RefundRow, toRefundResource } from './refund-resource.ts';
import { type RefundFailure, refundedPaymentStatus } from './refund-state-machine.ts';

/**
 * Locks the payment row (FOR UPDATE) — the lock every refund of it takes first, so refunds of one
 * payment run one after another and their sum is checked against fresh numbers. The checkout is
 * read without a lock (only its orderId, which never changes).
 */
export async function lockPaymentForRefund(
  conn: PoolConnection,
  transactionId: string,
  merchantId?: string,
): Promise<TransactionRow> {
  const row = await lockTransactionRow(conn, transactionId, merchantId);
  if (!row) throw notFound('transaction');
  const orderId = await findCheckoutOrderId(conn, row.checkoutId);
  return { ...row, amountRefunded: Number(row.amountRefunded), orderId: orderId ?? '' };
}

export interface RefundOutcome {
  to: 'SUCCEEDED' | 'FAILED';
  failure: RefundFailure | null;
}

/**
 * A PENDING refund's outcome, on the caller's transaction: compare-and-set on its status, so an
 * outcome is applied at most once whoever tries (worker, retry). SUCCEEDED adds the amount to the
 * payment's `amountRefunded` (PARTIALLY_REFUNDED, or REFUNDED with `payment.refunded` once it
 * reaches the amount); FAILED gives the debit back (PAYMENT_REFUND_REVERSAL). Events follow in
 * that order. Returns the refund as it now is, or null when it was no longer PENDING.
 */
export async function settleRefund(
  conn: PoolConnection,
  refund: Omit<RefundRow, 'checkoutId'>,
  outcome: RefundOutcome,
  now: Date,
): Promise<RefundRow | null> {
  const payment = await lockPaymentForRefund(conn, refund.transactionId);
  if (!(await recordRefundOutcome(conn, refund.id, outcome, now))) return null;
  const done: RefundRow = {
    ...refund,
    status: outcome.to,
    failureCode: outcome.failure?.code ?? null,
    failureMessage: outcome.failure?.message ?? null,
    nextTransitionAt: null,
    updatedAt: now,
  };
  const amount = Number(refund.amount);
  if (outcome.to === 'SUCCEEDED') {
    const refunded = payment.amountRefunded + amount;
    const status = refundedPaymentStatus(Number(payment.amount), refunded);
    await setTransactionRefunded(conn, payment.id, refunded, status, now);
    await enqueueEvent(conn, refund.merchantId, 'refund.succeeded', toRefundResource(done, payment.checkoutId), now);
    if (status === 'REFUNDED') {
      const after = { ...payment, amountRefunded: refunded, status, updatedAt: now };
      await enqueueEvent(conn, refund.merchantId, 'payment.refunded', toPaymentResource(after), now);
    }
  } else {
    await changeBalance(conn, {
      merchantId: refund.merchantId,
      type: 'PAYMENT_REFUND_REVERSAL',
      amount,
      transactionId: payment.id,
      refundId: refund.id,
      description: `Failed refund ${refund.id} of order ${payment.orderId}`.slice(0, 255),
    });
    await enqueueEvent(conn, refund.merchantId, 'refund.failed', toRefundResource(done, payment.checkoutId), now);
  }
  return done;
}
