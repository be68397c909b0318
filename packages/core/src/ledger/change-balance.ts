import type { PoolConnection } from '@mypay/db';
import { AppError } from '../errors.ts';

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
   * has been paid out since: they may take `available` below zero. Everything else (payouts,
   * adjustments) is refused with INSUFFICIENT_BALANCE instead.
   */
  allowNegative?: boolean;
}

/**
 * The only way `available` changes: one conditional UPDATE (it never takes the balance below
 * zero — except for a refund, `allowNegative` — and it never loses a concurrent update because the row lock serialises
 * writers without a read-then-write race) followed by the ledger entry, both on the
 * caller's transaction. 0 rows matched → INSUFFICIENT_BALANCE (the caller's transaction
 * is then rolled back, so nothing else it wrote survives).
 *
 * Returns the balance after the change.
 */
export async function changeBalance(conn: PoolConnection, change: BalanceChange): Promise<number> {
  await updateBalance(conn, change);
  if (change.amount === 0) {
    const rows = await conn.query('SELECT available FROM MerchantBalance WHERE merchantId = ?', [change.merchantId]);
    return Number(rows[0].available);
  }
  await insertLedgerEntry(conn, change);
  const rows = await conn.query('SELECT balanceAfter FROM LedgerEntry WHERE id = LAST_INSERT_ID()');
  return Number(rows[0].balanceAfter);
}

/**
 * The conditional UPDATE of changeBalance alone (the caller then writes the ledger entry with
 * insertLedgerEntry, on the same transaction). With `reserveEventSequences: n` the same statement
 * also takes the merchant's next n event sequence numbers (the row it locks is the one
 * nextEventSequence locks) and returns the last of them; else it returns 0.
 */
export async function updateBalance(
  conn: PoolConnection,
  change: BalanceChange,
  options: { reserveEventSequences?: number } = {},
): Promise<number> {
  const pendingDelta = change.pendingDelta ?? 0;
  const reserve = options.reserveEventSequences ?? 0;
  // Written out per case (no SQL assembled from flags): the floor is 0, or none for a refund.
  const result = (
    change.allowNegative
      ? await conn.query(
          `UPDATE MerchantBalance
              SET available = available + ?, pending = pending + ?, version = version + 1, updatedAt = NOW(3),
                  lastEventSequence = LAST_INSERT_ID(lastEventSequence + ?)
            WHERE merchantId = ? AND pending + ? >= 0`,
          [change.amount, pendingDelta, reserve, change.merchantId, pendingDelta],
        )
      : await conn.query(
          `UPDATE MerchantBalance
              SET available = available + ?, pending = pending + ?, version = version + 1, updatedAt = NOW(3),
                  lastEventSequence = LAST_INSERT_ID(lastEventSequence + ?)
            WHERE merchantId = ? AND available + ? >= 0 AND pending + ? >= 0`,
          [change.amount, pendingDelta, reserve, change.merchantId, change.amount, pendingDelta],
        )
  ) as { affectedRows: number; insertId: number | bigint };
  if (result.affectedRows === 0) {
    if (change.amount < 0) {
      throw new AppError('INSUFFICIENT_BALANCE', 'the available balance is lower than the amount');
    }
    throw new Error(`balance row missing or pending would go negative for merchant ${change.merchantId}`);
  }
  return reserve > 0 ? Number(result.insertId) : 0;
}

/** The ledger entry of a change just applied by updateBalance; balanceAfter is read from the row this transaction has just locked and updated, in the same statement. */
export async function insertLedgerEntry(conn: PoolConnection, change: BalanceChange): Promise<void> {
  await conn.query(
    `INSERT INTO LedgerEntry (merchantId, type, amount, balanceAfter, payoutId, transactionId, refundId, description, createdAt)
     SELECT ?, ?, ?, available, ?, ?, ?, ?, NOW(3) FROM MerchantBalance WHERE merchantId = ?`,
    [
      change.merchantId,
      change.type,
      change.amount,
      change.payoutId ?? null,
      change.transactionId ?? null,
      change.refundId ?? null,
      change.description ?? null,
      change.merchantId,
    ],
  );
}
