import { listPaymentsForAdmin, TRANSACTION_STATUSES } from '@mypay/core';
import type { Metadata } from 'next';
import { readMoneyFilters } from '../../../../components/money-filters.tsx';
import { MoneyList } from '../../../../components/money-list.tsx';
import { one } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payments' };

export default async function AdminPaymentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const params = await searchParams;
  const { raw, filters } = readMoneyFilters(params, TRANSACTION_STATUSES);
  const page = await orNotFound(listPaymentsForAdmin(getDb(), filters, { cursor: one(params.cursor), limit: 50 }));
  return (
    <MoneyList
      object="payment"
      intro="Every merchant’s payment transactions, newest first."
      statuses={TRANSACTION_STATUSES}
      search={{ label: 'Payment, checkout or order id', placeholder: 'txn_…, cs_… or order id' }}
      raw={raw}
      page={page}
      statusWidth="10rem"
      columns={[
        { header: 'Order', title: (p) => `${p.orderId} (${p.checkoutId})`, cell: (p) => p.orderId },
        {
          header: 'Payer',
          title: (p) => `${p.provider} ${p.mobile}`,
          cell: (p) => (
            <>
              {p.provider} {p.mobile}
            </>
          ),
        },
      ]}
    />
  );
}
