import type { PoolConnection } from '@mypay/db';
import { REFUND_COLUMNS_JOINED, type RefundRow } from './refund-resource.ts';
import type { RefundOutcome } from './settle-refund.ts';

/**
 * The refunds' data access: the Refund rows (the payment they refund is the checkout aggregate's,
 * checkouts/checkout-repository.ts). Plain SQL on the caller's pool or transaction; every change
 * of a refund's status runs under its payment's row lock, which the use-cases take first
 * (lockPaymentForRefund, settle-refund.ts).
 */

type Runner = Pick<PoolConnection, 'query'>;
const changed = (result: unknown) => (result as { affectedRows: number }).affectedRows === 1;

/** A refund with its payment's checkout id (REFUND_COLUMNS_JOINED). */
export type JoinedRefundRow = RefundRow & { checkoutId: string };

/** For REFUND_COLUMNS_JOINED: the refund and its payment. */
export const REFUNDS_JOINED = 'Refund r JOIN PaymentTransaction t ON t.id = r.transactionId';

/** A new refund, PENDING (its amount is debited in the same transaction). */
export async function insertRefund(conn: Runner, refund: RefundRow): Promise<void> {
  await conn.query(
    `INSERT INTO Refund (id, merchantId, transactionId, amount, currency, status, reason, scenario, nextTransitionAt,
                         testClockId, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)`,
    [
      refund.id,
      refund.merchantId,
      refund.transactionId,
      refund.amount,
      refund.currency,
      refund.reason,
      refund.scenario,
      refund.nextTransitionAt,
      refund.testClockId ?? null,
      refund.createdAt,
      refund.updatedAt,
    ],
  );
}

/** The merchant's refund with its checkout id, or null (another merchant's refund is not found either). */
export async function findRefundRow(
  runner: Runner,
  merchantId: string,
  refundId: string,
): Promise<JoinedRefundRow | null> {
  const rows = (await runner.query(
    `SELECT ${REFUND_COLUMNS_JOINED} FROM ${REFUNDS_JOINED} WHERE r.id = ? AND r.merchantId = ?`,
    [refundId, merchantId],
  )) as JoinedRefundRow[];
  return rows[0] ?? null;
}

/** Sum of the payment's PENDING refunds (their amounts are debited already). Caller holds the payment lock. */
export async function pendingRefundsOf(conn: Runner, transactionId: string): Promise<number> {
  // A plain read is enough: every change of a refund's status takes the payment's lock first.
  const rows = (await conn.query(
    "SELECT COALESCE(SUM(amount), 0) AS pending FROM Refund WHERE transactionId = ? AND status = 'PENDING'",
    [transactionId],
  )) as { pending: number | string }[];
  return Number(rows[0]?.pending ?? 0);
}

/** PENDING → the outcome, compare-and-set on the status; false when the refund was no longer PENDING. */
export async function recordRefundOutcome(
  conn: Runner,
  refundId: string,
  outcome: RefundOutcome,
  now: Date,
): Promise<boolean> {
  return changed(
    await conn.query(
      `UPDATE Refund SET status = ?, failureCode = ?, failureMessage = ?, nextTransitionAt = NULL, updatedAt = ?
      WHERE id = ? AND status = 'PENDING'`,
      [outcome.to, outcome.failure?.code ?? null, outcome.failure?.message ?? null, now, refundId],
    ),
  );
}

/** Nothing more is scheduled for the refund (the worker stops looking at it). */
export async function clearRefundTransition(conn: Runner, refundId: string): Promise<void> {
  await conn.query('UPDATE Refund SET nextTransitionAt = NULL WHERE id = ?', [refundId]);
}
