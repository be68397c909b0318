import { isCheckViolationOf, type PoolConnection } from '@mypay/db';
import { AppError } from '../errors.ts';
import {
  type BalanceMove,
  insertLedgerEntry,
  moveBalance,
  readAvailable,
  readLastBalanceAfter,
} from './ledger-repository.ts';

export type LedgerEntryType =
  | 'OPENING'
  | 'PAYOUT_DEBIT'
  | 'PAYOUT_REFUND'
  | 'PAYMENT_CREDIT'
  | 'PAYMENT_REFUND'
  | 'PAYMENT_REFUND_REVERSAL'
  | 'ADJUSTMENT';

export interface BalanceChange {
  merchantId: string;
  type: LedgerEntryType;
  /** Signed change of `available`, in paisa. */
  amount: number;
  /** Signed change of `pending` (payouts in flight); not a ledger movement. */
  pendingDelta?: number;
  payoutId?: string | null;
  transactionId?: string | null;
  refundId?: string | null;
  description?: string | null;
  /**
   * Refunds and reversals of money the merchant received must always complete, even when it
   * has been paid out since: they may take `available` below zero. Any other debit (payouts,
   * debit adjustments) is refused with INSUFFICIENT_BALANCE instead; a credit always lands.
   */
  allowNegative?: boolean;
}

/**
 * The only way `available` changes: one UPDATE of the balance row (the row lock serialises
 * writers without a read-then-write race; the row's CHECK constraints are the floors: `available`
 * never goes below zero — except for a refund, `allowNegative`, or a credit, which only raises
 * it — and `pending` never does) followed by the ledger entry, both on the caller's transaction.
 * A debit the balance does not cover → INSUFFICIENT_BALANCE (the caller's transaction is then
 * rolled back, so nothing else it wrote survives).
 *
 * Returns the balance after the change.
 */
export async function changeBalance(conn: PoolConnection, change: BalanceChange): Promise<number> {
  await updateBalance(conn, change);
  if (change.amount === 0) return readAvailable(conn, change.merchantId);
  await insertLedgerEntry(conn, change);
  return readLastBalanceAfter(conn);
}

/**
 * The UPDATE of changeBalance alone (the caller then writes the ledger entry with
 * insertLedgerEntry, on the same transaction). With `reserveEventSequences: n` the same statement
 * also takes the merchant's next n event sequence numbers (the row it locks is the one
 * nextEventSequence locks) and returns the last of them; else it returns 0.
 */
export async function updateBalance(
  conn: PoolConnection,
  change: BalanceChange,
  options: { reserveEventSequences?: number } = {},
): Promise<number> {
  const move: BalanceMove = {
    merchantId: change.merchantId,
    amount: change.amount,
    pendingDelta: change.pendingDelta ?? 0,
    reserveEventSequences: options.reserveEventSequences ?? 0,
    // A credit may land on a balance a refund took below zero (and leave it there); a refund or
    // reversal must complete. Everything else is refused below zero.
    belowZeroAllowed: change.amount >= 0 || change.allowNegative === true,
  };
  let lastSequence: number | null;
  try {
    lastSequence = await moveBalance(conn, move);
  } catch (error) {
    throw balanceRefusal(error) ?? error;
  }
  if (lastSequence === null) throw new Error(`no balance row for merchant ${change.merchantId}`);
  return move.reserveEventSequences > 0 ? lastSequence : 0;
}

/**
 * What a failure of a balance UPDATE means to the caller: INSUFFICIENT_BALANCE when the floor of
 * `available` refused it; undefined for any other error. Also for the statements of a batch that
 * failed at the balance UPDATE (each carries its error).
 */
export function balanceRefusal(error: unknown): AppError | undefined {
  if (isCheckViolationOf(error, 'MerchantBalance_available_floor')) return insufficientBalance();
  return undefined;
}

/** 422 INSUFFICIENT_BALANCE: a debit the available balance does not cover. */
export const insufficientBalance = () =>
  new AppError('INSUFFICIENT_BALANCE', 'the available balance is lower than the amount');

// The ledger entry of a change just applied by updateBalance, for the callers that split
// changeBalance to pipeline it (payout create, payment complete).
export { insertLedgerEntry } from './ledger-repository.ts';
