import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { createdWithin, ifGiven, mapPage, type Page, queryPage } from '../pagination/index.ts';
import { findRefundRow, type JoinedRefundRow, REFUNDS_JOINED } from './refund-repository.ts';
import type { RefundStatus } from './refund-resource.ts';
import { REFUND_COLUMNS_JOINED, type RefundResource, toRefundResource } from './refund-resource.ts';

/** The merchant's refund; another merchant's id is NOT_FOUND (no existence leak). */
export async function getRefundOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  refundId: string,
): Promise<RefundResource> {
  const row = await findRefundRow(db.pool, merchantId, refundId);
  if (!row) throw notFound('refund');
  return toRefundResource(row, row.checkoutId);
}

export interface ListRefundsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: RefundStatus | undefined;
  transactionId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * Newest first, keyset pagination on (createdAt, id) — index (merchantId, createdAt, id), or
 * (merchantId, status, createdAt) with a status filter.
 */
export async function listRefunds(db: Pick<Db, 'pool'>, input: ListRefundsInput): Promise<Page<RefundResource>> {
  const page = await queryPage<JoinedRefundRow>(
    db.pool,
    {
      select: REFUND_COLUMNS_JOINED,
      from: REFUNDS_JOINED,
      alias: 'r',
      where: [
        ['r.merchantId = ?', input.merchantId],
        ...ifGiven(input.status, 'r.status = ?'),
        ...ifGiven(input.transactionId, 'r.transactionId = ?'),
        ...createdWithin(input, { alias: 'r' }),
      ],
    },
    input,
  );
  return mapPage(page, (row) => toRefundResource(row, row.checkoutId));
}
