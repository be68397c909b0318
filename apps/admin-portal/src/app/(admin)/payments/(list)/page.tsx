import { formatPkr, listPaymentsForAdmin, TRANSACTION_STATUSES } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { MoneyFilters, readMoneyFilters } from '../../../../components/money-filters.tsx';
import { one, withQuery } from '../../../../components/query.ts';
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
    <>
      <h1>Payments</h1>
      <p className="muted">Every merchant’s payment transactions, newest first.</p>
      <MoneyFilters
        raw={raw}
        statuses={TRANSACTION_STATUSES}
        path="/payments"
        qLabel="Payment, checkout or order id"
        qPlaceholder="txn_…, cs_… or order id"
        label="Payment filters"
      />
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No payments match these filters.</p>
        ) : (
          <table className="compact" data-testid="payments-table">
            <colgroup>
              <col style={{ width: '13rem' }} />
              <col style={{ width: '12rem' }} />
              <col style={{ width: '10rem' }} />
              <col />
              <col style={{ width: '9rem' }} />
              <col style={{ width: '10rem' }} />
              <col style={{ width: '9.5rem' }} />
            </colgroup>
            <thead>
              <tr>
                <th>Created</th>
                <th>Payment</th>
                <th>Merchant</th>
                <th>Order</th>
                <th>Payer</th>
                <th>Status</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((p) => (
                <tr key={p.id} data-payment={p.id}>
                  <td>{formatTime(p.createdAt)}</td>
                  <td className="mono" title={p.id}>
                    <Link href={`/payments/${p.id}`}>{p.id}</Link>
                  </td>
                  <td title={p.merchant.id}>
                    <Link href={`/merchants/${p.merchant.id}`}>{p.merchant.name}</Link>
                  </td>
                  <td title={`${p.orderId} (${p.checkoutId})`}>{p.orderId}</td>
                  <td title={`${p.provider} ${p.mobile}`}>
                    {p.provider} {p.mobile}
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{formatPkr(p.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery('/payments', { ...raw, cursor: page.nextCursor })}>Older payments →</Link>
          </p>
        )}
      </div>
    </>
  );
}
