import type { Db } from '@mypay/db';
import { findTransactionRow } from '../checkouts/checkout-repository.ts';
import { notFound } from '../errors.ts';
import { type PaymentResource, toPaymentResource } from './payment-resource.ts';

/** The merchant's payment transaction; another merchant's id is NOT_FOUND (no existence leak). */
export async function getTransactionOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  transactionId: string,
): Promise<PaymentResource> {
  const row = await findTransactionRow(db.pool, merchantId, transactionId);
  if (!row) throw notFound('transaction');
  return toPaymentResource(row);
}
