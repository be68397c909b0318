import { formatPkr, isAppError, listTransactions, TRANSACTION_STATUSES, type TransactionStatus } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { StatusDateFields } from '../../../../../components/list-filters.tsx';
import { PaymentTabs } from '../../../../../components/payment-tabs.tsx';
import { one, parseDay, withQuery } from '../../../../../components/query.ts';
import { getDb, requireMerchant } from '../../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Transactions' };

export default async function TransactionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const status = TRANSACTION_STATUSES.includes(one(sp.status) as TransactionStatus)
    ? (one(sp.status) as TransactionStatus)
    : undefined;
  const fromText = one(sp.from);
  const toText = one(sp.to);
  const cursor = one(sp.cursor);
  const page = await listTransactions(getDb(), {
    merchantId: merchant.id,
    limit: 20,
    cursor,
    status,
    from: parseDay(fromText),
    to: parseDay(toText, true),
  }).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'VALIDATION_ERROR') return { data: [], hasMore: false, nextCursor: null };
    throw error;
  });
  return (
    <>
      <div className="spread">
        <h1>Payments</h1>
        <Link className="button" href="/payments/new">
          Create test checkout
        </Link>
      </div>
      <PaymentTabs active="transactions" />
      <form className="panel inline" method="get" aria-label="Filter transactions">
        <StatusDateFields statuses={TRANSACTION_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
        <a
          className="button secondary"
          href={withQuery('/payments/transactions/export', { status, from: fromText, to: toText })}
          download
          data-testid="export-transactions"
        >
          Export CSV
        </a>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No payment transactions {status || fromText || toText ? 'match these filters' : 'yet'}. Open a test checkout
            and pay it on the hosted page.
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
        <div className="row" style={{ marginTop: '0.75rem' }}>
          {cursor && (
            <Link href={withQuery('/payments/transactions', { status, from: fromText, to: toText })}>← First page</Link>
          )}
          {page.nextCursor && (
            <Link
              href={withQuery('/payments/transactions', {
                status,
                from: fromText,
                to: toText,
                cursor: page.nextCursor,
              })}
            >
              Next page →
            </Link>
          )}
        </div>
      </div>
    </>
  );
}
