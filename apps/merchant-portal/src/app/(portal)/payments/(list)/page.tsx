import { CHECKOUT_STATUSES, formatPkr, listCheckouts } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { orEmptyPage, PageLinks, readListFilters, StatusDateFields } from '../../../../components/list-filters.tsx';
import { PaymentsHeader } from '../../../../components/payment-tabs.tsx';
import { getConfig } from '../../../../server/config.ts';
import { getDb, requireMerchant } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Checkouts' };

export default async function CheckoutsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const { status, fromText, toText, from, to, cursor, query, filtered } = readListFilters(sp, CHECKOUT_STATUSES);
  const page = await orEmptyPage(
    listCheckouts(
      getDb(),
      { merchantId: merchant.id, limit: 20, cursor, status, from, to },
      getConfig().paymentApiBaseUrl,
    ),
  );
  return (
    <>
      <PaymentsHeader active="checkouts" />
      <form className="panel inline" method="get" aria-label="Filter checkouts">
        <StatusDateFields statuses={CHECKOUT_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No checkouts {filtered ? 'match these filters' : 'yet'}.{' '}
            <Link href="/payments/new">Create a test checkout</Link>.
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Order</th>
                  <th>Status</th>
                  <th>Expires</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((c) => (
                  <tr key={c.id}>
                    <td>{formatTime(c.createdAt)}</td>
                    <td>
                      <Link className="mono" href={`/payments/checkouts/${c.id}`}>
                        {c.orderId}
                      </Link>
                    </td>
                    <td>
                      <StatusBadge status={c.status} /> <ClockBadge clock={c.testClock} />
                    </td>
                    <td>{formatTime(c.expiresAt)}</td>
                    <td className="num">{formatPkr(c.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <PageLinks path="/payments" query={query} cursor={cursor} nextCursor={page.nextCursor} />
      </div>
    </>
  );
}
