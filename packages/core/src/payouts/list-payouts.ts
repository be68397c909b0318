import type { Db } from '@mypay/db';
import { createdWithin, ifGiven, mapPage, type Page, queryPage } from '../pagination/index.ts';
import { PAYOUT_COLUMNS, type PayoutResource, type PayoutRow, toPayoutResource } from './payout-resource.ts';
import type { PayoutStatus } from './payout-state-machine.ts';

export interface ListPayoutsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: PayoutStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Exact match (unique per merchant): the lookup after a lost create response. */
  reference?: string | undefined;
}

/**
 * Newest first. Keyset pagination on (createdAt, id) — index (merchantId, createdAt, id) —
 * so pages stay stable while new payouts are inserted (they sort before the cursor).
 */
export async function listPayouts(db: Pick<Db, 'pool'>, input: ListPayoutsInput): Promise<Page<PayoutResource>> {
  const page = await queryPage<PayoutRow>(
    db.pool,
    {
      select: PAYOUT_COLUMNS,
      from: 'Payout',
      where: [
        ['merchantId = ?', input.merchantId],
        ...ifGiven(input.status, 'status = ?'),
        ...ifGiven(input.reference, 'reference = ?'),
        ...createdWithin(input),
      ],
    },
    input,
  );
  return mapPage(page, toPayoutResource);
}
