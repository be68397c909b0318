import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import {
  type PaymentResource,
  TRANSACTION_COLUMNS_JOINED,
  type TransactionRow,
  toPaymentResource,
} from './payment-resource.ts';

/** The merchant's payment transaction; another merchant's id is NOT_FOUND (no existence leak). */
export async function getTransactionOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  transactionId: string,
): Promise<PaymentResource> {
  const rows = (await db.pool.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE t.id = ? AND t.merchantId = ?`,
    [transactionId, merchantId],
  )) as TransactionRow[];
  if (!rows[0]) throw notFound('transaction');
  return toPaymentResource(rows[0]);
}
