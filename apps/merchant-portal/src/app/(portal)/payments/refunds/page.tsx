import { REFUND_STATUSES, type RefundStatus } from '@mypay/contracts';
import { isAppError, listRefunds } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusDateFields } from '../../../../components/list-filters.tsx';
import { PaymentTabs } from '../../../../components/payment-tabs.tsx';
import { one, parseDay, withQuery } from '../../../../components/query.ts';
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
  const status = REFUND_STATUSES.includes(one(sp.status) as RefundStatus)
    ? (one(sp.status) as RefundStatus)
    : undefined;
  const fromText = one(sp.from);
  const toText = one(sp.to);
  const cursor = one(sp.cursor);
  const page = await listRefunds(getDb(), {
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
      <PaymentTabs active="refunds" />
      <form className="panel inline" method="get" aria-label="Filter refunds">
        <StatusDateFields statuses={REFUND_STATUSES} status={status} fromText={fromText} toText={toText} />
        <button type="submit">Filter</button>
      </form>
      <div className="panel">
        {page.data.length === 0 ? (
          <p className="empty">
            No refunds {status || fromText || toText ? 'match these filters' : 'yet'}. Refund a payment from its
            transaction page.
          </p>
        ) : (
          <RefundsTable refunds={page.data} />
        )}
        <div className="row" style={{ marginTop: '0.75rem' }}>
          {cursor && (
            <Link href={withQuery('/payments/refunds', { status, from: fromText, to: toText })}>← First page</Link>
          )}
          {page.nextCursor && (
            <Link
              href={withQuery('/payments/refunds', { status, from: fromText, to: toText, cursor: page.nextCursor })}
            >
              Next page →
            </Link>
          )}
        </div>
      </div>
    </>
  );
}
