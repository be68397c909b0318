import { listPayoutsForAdmin, PAYOUT_STATUSES } from '@mypay/core';
import type { Metadata } from 'next';
import { readMoneyFilters } from '../../../../components/money-filters.tsx';
import { MoneyList } from '../../../../components/money-list.tsx';
import { one } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payouts' };

export default async function AdminPayoutsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const params = await searchParams;
  const { raw, filters } = readMoneyFilters(params, PAYOUT_STATUSES);
  const page = await orNotFound(listPayoutsForAdmin(getDb(), filters, { cursor: one(params.cursor), limit: 50 }));
  return (
    <MoneyList
      object="payout"
      intro="Every merchant’s payouts, newest first."
      statuses={PAYOUT_STATUSES}
      search={{ label: 'Payout id or reference', placeholder: 'po_… or order-1001' }}
      raw={raw}
      page={page}
      statusWidth="8.5rem"
      columns={[
        { header: 'Reference', title: (p) => p.reference, cell: (p) => p.reference },
        {
          header: 'Destination',
          title: (p) => `${p.destination.provider} ${p.destination.accountNumber}`,
          cell: (p) => (
            <>
              {p.destination.provider} {p.destination.accountNumber}
            </>
          ),
        },
      ]}
    />
  );
}
