import type { Db } from '@mypay/db';
import { PAYOUT_COLUMNS, type PayoutResource, type PayoutRow, toPayoutResource } from '../payouts/payout-resource.ts';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Portal search box: the merchant's payouts whose reference starts with `prefix`, newest first.
 * A prefix match can use the unique (merchantId, reference) index, which a `%text%` match could not.
 */
export async function searchPayoutsByReference(
  db: Db,
  merchantId: string,
  prefix: string,
  limit = 50,
): Promise<PayoutResource[]> {
  const rows = (await db.pool.query(
    `SELECT ${PAYOUT_COLUMNS} FROM Payout
      WHERE merchantId = ? AND reference LIKE ?
      ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [merchantId, `${escapeLike(prefix.trim())}%`, Math.min(100, Math.max(1, limit))],
  )) as PayoutRow[];
  return rows.map(toPayoutResource);
}
