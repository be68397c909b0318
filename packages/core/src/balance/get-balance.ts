import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { findBalanceRow } from '../ledger/ledger-repository.ts';

export interface BalanceView {
  currency: string;
  /** Spendable now, in paisa. */
  available: number;
  /** Payouts in flight (already taken from available, not yet final). */
  pending: number;
  updatedAt: string;
}

// Plain SQL (findBalanceRow), not Prisma: the API processes then never load Prisma's query engine for this hot
// read (about 80 MB of resident memory measured on the payout API).
export async function getBalance(db: Db, merchantId: string): Promise<BalanceView> {
  const row = await findBalanceRow(db.pool, merchantId);
  if (!row) throw notFound('balance');
  return {
    currency: row.currency,
    available: Number(row.available),
    pending: Number(row.pending),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
