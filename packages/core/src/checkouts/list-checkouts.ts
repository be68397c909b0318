import type { Db } from '@mypay/db';
import { createdWithin, ifGiven, mapPage, type Page, queryPage } from '../pagination/index.ts';
import {
  CHECKOUT_COLUMNS,
  type CheckoutResource,
  type CheckoutRow,
  type CheckoutStatus,
  toCheckoutResource,
} from './checkout-resource.ts';

export interface ListCheckoutsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: CheckoutStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Exact match; index (merchantId, orderId). */
  orderId?: string | undefined;
}

/** The merchant's checkouts, newest first; keyset pagination on (createdAt, id) — index (merchantId, createdAt, id). */
export async function listCheckouts(
  db: Pick<Db, 'pool'>,
  input: ListCheckoutsInput,
  publicUrl: string,
): Promise<Page<CheckoutResource>> {
  const page = await queryPage<CheckoutRow>(
    db.pool,
    {
      select: CHECKOUT_COLUMNS,
      from: 'Checkout',
      where: [
        ['merchantId = ?', input.merchantId],
        ...ifGiven(input.status, 'status = ?'),
        ...ifGiven(input.orderId, 'orderId = ?'),
        ...createdWithin(input),
      ],
    },
    input,
  );
  return mapPage(page, (row) => toCheckoutResource(row, publicUrl));
}
