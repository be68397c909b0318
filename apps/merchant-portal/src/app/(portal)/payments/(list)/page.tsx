import { CHECKOUT_STATUSES, type CheckoutStatus, formatPkr, isAppError, listCheckouts } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { StatusDateFields } from '../../../../components/list-filters.tsx';
import { PaymentTabs } from '../../../../components/payment-tabs.tsx';
import { one, parseDay, withQuery } from '../../../../components/query.ts';
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
  const status = CHECKOUT_STATUSES.includes(one(sp.status) as CheckoutStatus)
    ? (one(sp.status) as CheckoutStatus)
    : undefined;
  const fromText = one(sp.from);
  const toText = one(sp.to);
  const cursor = one(sp.cursor);
  const page = await listCheckouts(
    getDb(),
    { merchantId: merchant.id, limit: 20, cursor, status, from: parseDay(fromText), to: parseDay(toText, true) },
    getConfig().paymentApiBaseUrl,
  ).catch((error: unknown) => {
    // A cursor edited by hand: show an empty page rather than an error page.
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
      <PaymentTabs active="checkouts" />
      <form className="panel inline" method="get" aria-label="Filter checkouts">
        <StatusDateFields statuses={CHECKOUT_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No checkouts {status || fromText || toText ? 'match these filters' : 'yet'}.{' '}
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
        <div className="row" style={{ marginTop: '0.75rem' }}>
          {cursor && <Link href={withQuery('/payments', { status, from: fromText, to: toText })}>← First page</Link>}
          {page.nextCursor && (
            <Link href={withQuery('/payments', { status, from: fromText, to: toText, cursor: page.nextCursor })}>
              Next page →
            </Link>
          )}
        </div>
      </div>
    </>
  );
}
