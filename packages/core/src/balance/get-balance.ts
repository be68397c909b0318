import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';

export interface BalanceView {
  currency: string;
  /** Spendable now, in paisa. */
  available: number;
  /** Payouts in flight (already taken from available, not yet final). */
  pending: number;
  updatedAt: string;
}

export async function getBalance(db: Db, merchantId: string): Promise<BalanceView> {
  const row = await db.prisma.merchantBalance.findUnique({ where: { merchantId } });
  if (!row) throw notFound('balance');
  return {
    currency: row.currency,
    available: Number(row.available),
    pending: Number(row.pending),
    updatedAt: row.updatedAt.toISOString(),
  };
}
