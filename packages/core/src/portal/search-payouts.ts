import type { Db } from '@mypay/db';
import { PAYOUT_COLUMNS, type PayoutResource, type PayoutRow, toPayoutResource } from '../payouts/payout-resource.ts';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Portal search box: the merchant's payouts whose reference starts with `prefix`, newest first.
 * References are exact identities (utf8mb4_bin), but a person searching types `inv` for `INV-1001`:
 * the match ignores case and accents. The merchant's rows of the (merchantId, reference) index
 * bound the scan.
 */
export async function searchPayoutsByReference(
  db: Db,
  merchantId: string,
  prefix: string,
  limit = 50,
): Promise<PayoutResource[]> {
  const rows = (await db.pool.query(
    `SELECT ${PAYOUT_COLUMNS} FROM Payout
      WHERE merchantId = ? AND reference LIKE ? COLLATE utf8mb4_unicode_ci
      ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [merchantId, `${escapeLike(prefix.trim())}%`, Math.min(100, Math.max(1, limit))],
  )) as PayoutRow[];
  return rows.map(toPayoutResource);
}
