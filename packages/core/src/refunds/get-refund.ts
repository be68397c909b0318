import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { createdWithin, ifGiven, mapPage, type Page, queryPage } from '../pagination/index.ts';
import type { RefundStatus } from './refund-resource.ts';
import { REFUND_COLUMNS_JOINED, type RefundResource, type RefundRow, toRefundResource } from './refund-resource.ts';

type JoinedRow = RefundRow & { checkoutId: string };
const FROM = 'FROM Refund r JOIN PaymentTransaction t ON t.id = r.transactionId';

/** The merchant's refund; another merchant's id is NOT_FOUND (no existence leak). */
export async function getRefundOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  refundId: string,
): Promise<RefundResource> {
  const rows = (await db.pool.query(`SELECT ${REFUND_COLUMNS_JOINED} ${FROM} WHERE r.id = ? AND r.merchantId = ?`, [
    refundId,
    merchantId,
  ])) as JoinedRow[];
  if (!rows[0]) throw notFound('refund');
  return toRefundResource(rows[0], rows[0].checkoutId);
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
  const page = await queryPage<JoinedRow>(
    db.pool,
    {
      select: REFUND_COLUMNS_JOINED,
      from: FROM.slice('FROM '.length),
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
