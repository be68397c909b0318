import { type Db, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, notFound } from '../errors.ts';
import { lockMerchantStatus, type MerchantStatus, setMerchantStatusRow } from '../merchants/merchant-repository.ts';
import { type AdminActor, adminAuditContext } from './admin-context.ts';

export type { MerchantStatus };

/**
 * Suspends or reactivates a merchant. Takes effect at once everywhere: API-key auth and portal
 * sessions re-read the merchant's status (auth/session.ts, packages/http auth.ts), and a
 * suspended merchant's portal login is refused (auth/login.ts). Setting the status it already
 * has changes nothing and writes no audit entry.
 */
export async function setMerchantStatus(
  db: Pick<Db, 'pool'>,
  input: { merchantId: string; status: MerchantStatus; reason?: string | null },
  actor: AdminActor,
): Promise<{ id: string; status: MerchantStatus; changed: boolean }> {
  if (input.status !== 'ACTIVE' && input.status !== 'SUSPENDED') {
    throw new AppError('VALIDATION_ERROR', 'unknown status', [{ field: 'status', message: 'ACTIVE or SUSPENDED' }]);
  }
  const reason = input.reason?.trim().slice(0, 255) || null;
  return withSqlTransaction(db.pool, async (conn) => {
    const merchant = await lockMerchantStatus(conn, input.merchantId);
    if (!merchant) throw notFound('merchant');
    if (merchant.status === input.status) return { id: merchant.id, status: merchant.status, changed: false };
    await setMerchantStatusRow(conn, merchant.id, input.status);
    await recordAudit(conn, {
      ...adminAuditContext(actor),
      action: input.status === 'SUSPENDED' ? 'merchant.suspended' : 'merchant.reactivated',
      targetType: 'merchant',
      targetId: merchant.id,
      merchantId: merchant.id,
      before: { status: merchant.status },
      after: { status: input.status, ...(reason && { reason }) },
    });
    return { id: merchant.id, status: input.status, changed: true };
  });
}
