import type { Db } from '@mypay/db';
import { listReconciliationSums } from '../ledger/ledger-repository.ts';

export interface ReconciliationRow {
  merchantId: string;
  name: string;
  status: 'ACTIVE' | 'SUSPENDED';
  /** MerchantBalance.available as stored. */
  available: number;
  /** Sum of the merchant's OPENING entries. */
  opening: number;
  /** Sum of every other ledger entry. */
  movements: number;
  /** opening + movements: what `available` must be. */
  expected: number;
  /** available − expected; anything but 0 is a mismatch. */
  difference: number;
  ledgerEntries: number;
  mismatch: boolean;
  /**
   * `available` below zero: a refund took back more than the merchant still held (refunds
   * always complete). Not a mismatch — the ledger says so too — but a debt worth seeing.
   */
  negative: boolean;
}

export interface Reconciliation {
  checkedAt: Date;
  merchants: number;
  mismatches: number;
  /** Merchants whose available balance is below zero. */
  negatives: number;
  rows: ReconciliationRow[];
}

/**
 * The ledger invariant checked per merchant: available = opening balance + every other ledger
 * movement (= the sum of the merchant's ledger). Mismatches first.
 */
export async function reconcileBalances(db: Pick<Db, 'pool'>, options: { mismatchesOnly?: boolean } = {}) {
  const raw = await listReconciliationSums(db.pool);
  const rows: ReconciliationRow[] = raw.map((r) => {
    const available = Number(r.available);
    const opening = Number(r.opening);
    const expected = Number(r.total);
    return {
      merchantId: r.merchantId,
      name: r.name,
      status: r.status,
      available,
      opening,
      movements: expected - opening,
      expected,
      difference: available - expected,
      ledgerEntries: Number(r.entries),
      mismatch: available !== expected,
      negative: available < 0,
    };
  });
  const mismatches = rows.filter((r) => r.mismatch);
  const result: Reconciliation = {
    checkedAt: new Date(),
    merchants: rows.length,
    mismatches: mismatches.length,
    negatives: rows.filter((r) => r.negative).length,
    rows: options.mismatchesOnly ? mismatches : [...mismatches, ...rows.filter((r) => !r.mismatch)],
  };
  return result;
}
