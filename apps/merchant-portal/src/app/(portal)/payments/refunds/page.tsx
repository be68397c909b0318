import { REFUND_STATUSES } from '@mypay/contracts';
import { listRefunds } from '@mypay/core';
import type { Metadata } from 'next';
import { orEmptyPage, PageLinks, readListFilters, StatusDateFields } from '../../../../components/list-filters.tsx';
import { PaymentsHeader } from '../../../../components/payment-tabs.tsx';
import { RefundsTable } from '../../../../components/refunds-table.tsx';
import { getDb, requireMerchant } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Refunds' };

export default async function RefundsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const { status, fromText, toText, from, to, cursor, query, filtered } = readListFilters(sp, REFUND_STATUSES);
  const page = await orEmptyPage(
    listRefunds(getDb(), { merchantId: merchant.id, limit: 20, cursor, status, from, to }),
  );
  return (
    <>
      <PaymentsHeader active="refunds" />
      <form className="panel inline" method="get" aria-label="Filter refunds">
        <StatusDateFields statuses={REFUND_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No refunds {filtered ? 'match these filters' : 'yet'}. Refund a payment from its transaction page.
          </p>
        ) : (
          <RefundsTable refunds={page.data} />
        )}
        <PageLinks path="/payments/refunds" query={query} cursor={cursor} nextCursor={page.nextCursor} />
      </div>
    </>
  );
}
