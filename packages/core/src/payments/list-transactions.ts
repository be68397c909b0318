import type { Db } from '@mypay/db';
import { createdWithin, ifGiven, mapPage, type Page, queryPage } from '../pagination/index.ts';
import {
  type PaymentResource,
  TRANSACTION_COLUMNS_JOINED,
  type TransactionRow,
  toPaymentResource,
} from './payment-resource.ts';
import type { TransactionStatus } from './payment-state-machine.ts';

export interface ListTransactionsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  status?: TransactionStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * Newest first, keyset pagination on (createdAt, id) — index (merchantId, createdAt, id), or
 * (merchantId, status, createdAt) with a status filter — so pages stay stable under inserts.
 */
export async function listTransactions(
  db: Pick<Db, 'pool'>,
  input: ListTransactionsInput,
): Promise<Page<PaymentResource>> {
  const page = await queryPage<TransactionRow>(
    db.pool,
    {
      select: TRANSACTION_COLUMNS_JOINED,
      from: 'PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId',
      alias: 't',
      where: [
        ['t.merchantId = ?', input.merchantId],
        ...ifGiven(input.status, 't.status = ?'),
        ...createdWithin(input, { alias: 't' }),
      ],
    },
    input,
  );
  return mapPage(page, toPaymentResource);
}
