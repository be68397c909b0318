import { formatPkr, listTransactions, TRANSACTION_STATUSES } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { orEmptyPage, PageLinks, readListFilters, StatusDateFields } from '../../../../../components/list-filters.tsx';
import { PaymentsHeader } from '../../../../../components/payment-tabs.tsx';
import { withQuery } from '../../../../../components/query.ts';
import { getDb, requireMerchant } from '../../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Transactions' };

export default async function TransactionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const { status, fromText, toText, from, to, cursor, query, filtered } = readListFilters(sp, TRANSACTION_STATUSES);
  const page = await orEmptyPage(
    listTransactions(getDb(), { merchantId: merchant.id, limit: 20, cursor, status, from, to }),
  );
  return (
    <>
      <PaymentsHeader active="transactions" />
      <form className="panel inline" method="get" aria-label="Filter transactions">
        <StatusDateFields statuses={TRANSACTION_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
        <a
          className="button secondary"
          href={withQuery('/payments/transactions/export', query)}
          download
          data-testid="export-transactions"
        >
          Export CSV
        </a>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No payment transactions {filtered ? 'match these filters' : 'yet'}. Open a test checkout and pay it on the
            hosted page.
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Transaction</th>
                  <th>Order</th>
                  <th>Payer</th>
                  <th>Status</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((t) => (
                  <tr key={t.id}>
                    <td>{formatTime(t.createdAt)}</td>
                    <td>
                      <Link className="mono" href={`/payments/transactions/${t.id}`}>
                        {t.id}
                      </Link>
                    </td>
                    <td>
                      <Link className="mono" href={`/payments/checkouts/${t.checkoutId}`}>
                        {t.orderId}
                      </Link>
                    </td>
                    <td>
                      {t.provider} <span className="mono">{t.mobile}</span>
                    </td>
                    <td>
                      <StatusBadge status={t.status} /> <ClockBadge clock={t.testClock} />
                    </td>
                    <td className="num">{formatPkr(t.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <PageLinks path="/payments/transactions" query={query} cursor={cursor} nextCursor={page.nextCursor} />
      </div>
    </>
  );
}
