import type { Db } from '@mypay/db';
import { type PayoutResource, toPayoutResource } from '../payouts/payout-resource.ts';
import { findPayoutRowsByReferencePrefix } from './portal-read-repository.ts';

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
  const rows = await findPayoutRowsByReferencePrefix(
    db.pool,
    merchantId,
    prefix.trim(),
    Math.min(100, Math.max(1, limit)),
  );
  return rows.map(toPayoutResource);
}
