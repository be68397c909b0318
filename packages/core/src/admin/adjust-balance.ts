import { type Db, VersionConflictError, withOptimisticLock, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, type ErrorDetail, notFound } from '../errors.ts';
import { changeBalance } from '../ledger/change-balance.ts';
import { lockBalanceVersion, readBalanceVersion, readLastLedgerEntryId } from '../ledger/ledger-repository.ts';
import { MAX_AMOUNT } from '../money.ts';
import { type AdminActor, adminAuditContext } from './admin-context.ts';

export interface AdjustBalanceInput {
  merchantId: string;
  /** Signed paisa: positive credits, negative debits. Never 0. */
  amount: number;
  /** Why: mandatory, kept in the ledger entry and the audit entry. */
  reason: string;
  /**
   * The MerchantBalance.version the admin saw. When given and the balance has moved since,
   * the adjustment is refused with 409 CONFLICT (the admin decided on stale numbers).
   */
  expectedVersion?: number | undefined;
}

export interface AdjustBalanceResult {
  merchantId: string;
  before: { available: number; version: number };
  after: { available: number; version: number };
  ledgerEntryId: number;
}

function validate(input: AdjustBalanceInput): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (!Number.isSafeInteger(input.amount) || input.amount === 0 || Math.abs(input.amount) > MAX_AMOUNT) {
    details.push({ field: 'amount', message: 'must be a non-zero whole amount in paisa, at most PKR 10,000,000.00' });
  }
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 200) {
    details.push({ field: 'reason', message: 'a reason of 3–200 characters is required' });
  }
  return details;
}

/**
 * Admin balance adjustment: an ADJUSTMENT ledger entry through changeBalance (so the balance
 * still equals the ledger sum) plus an audit entry with before/after, in one transaction.
 *
 * Read-modify-write under an optimistic lock on MerchantBalance.version: the balance is read,
 * then re-checked under the row lock; if a payout or payment moved it in between, the whole
 * step is retried (withOptimisticLock) and, if it keeps losing, 409 CONFLICT. A debit that
 * would take `available` below zero is 422 INSUFFICIENT_BALANCE.
 */
export async function adjustMerchantBalance(
  db: Pick<Db, 'pool'>,
  input: AdjustBalanceInput,
  actor: AdminActor,
): Promise<AdjustBalanceResult> {
  const details = validate(input);
  if (details.length > 0) throw new AppError('VALIDATION_ERROR', 'the adjustment is not valid', details);
  const reason = input.reason.trim();
  try {
    return await withOptimisticLock(async () => {
      const before = await readBalanceVersion(db.pool, input.merchantId);
      if (!before) throw notFound('merchant');
      if (input.expectedVersion !== undefined && before.version !== input.expectedVersion) {
        throw new AppError(
          'CONFLICT',
          'the balance changed since you opened the form; check the new balance and submit again',
        );
      }
      if (before.available + input.amount < 0) {
        throw new AppError('INSUFFICIENT_BALANCE', 'the adjustment would take the available balance below zero');
      }
      return withSqlTransaction(db.pool, async (conn) => {
        const lockedVersion = await lockBalanceVersion(conn, input.merchantId);
        if (lockedVersion !== before.version) throw new VersionConflictError();
        // changeBalance's UPDATE still refuses a debit below zero (the balance floor), and bumps version.
        const available = await changeBalance(conn, {
          merchantId: input.merchantId,
          type: 'ADJUSTMENT',
          amount: input.amount,
          description: `Admin adjustment: ${reason}`.slice(0, 255),
        });
        const ledgerEntryId = await readLastLedgerEntryId(conn);
        const after = { available, version: before.version + 1 };
        await recordAudit(conn, {
          ...adminAuditContext(actor),
          action: 'balance.adjusted',
          targetType: 'merchant_balance',
          targetId: input.merchantId,
          merchantId: input.merchantId,
          before: { available: before.available, version: before.version },
          after: { ...after, amount: input.amount, reason, ledgerEntryId },
        });
        return {
          merchantId: input.merchantId,
          before: { available: before.available, version: before.version },
          after,
          ledgerEntryId,
        };
      });
    });
  } catch (error) {
    if (error instanceof VersionConflictError) {
      throw new AppError('CONFLICT', 'the balance kept changing while adjusting it; try again');
    }
    throw error;
  }
}
