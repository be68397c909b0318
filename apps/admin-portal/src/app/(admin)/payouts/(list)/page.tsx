import { formatPkr, listPayoutsForAdmin, PAYOUT_STATUSES } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { MoneyFilters, readMoneyFilters } from '../../../../components/money-filters.tsx';
import { one, withQuery } from '../../../../components/query.ts';
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
    <>
      <h1>Payouts</h1>
      <p className="muted">Every merchant’s payouts, newest first.</p>
      <MoneyFilters
        raw={raw}
        statuses={PAYOUT_STATUSES}
        path="/payouts"
        qLabel="Payout id or reference"
        qPlaceholder="po_… or order-1001"
        label="Payout filters"
      />
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No payouts match these filters.</p>
        ) : (
          <table className="compact" data-testid="payouts-table">
            <colgroup>
              <col style={{ width: '13rem' }} />
              <col style={{ width: '12rem' }} />
              <col style={{ width: '10rem' }} />
              <col />
              <col style={{ width: '9rem' }} />
              <col style={{ width: '8.5rem' }} />
              <col style={{ width: '9.5rem' }} />
            </colgroup>
            <thead>
              <tr>
                <th>Created</th>
                <th>Payout</th>
                <th>Merchant</th>
                <th>Reference</th>
                <th>Destination</th>
                <th>Status</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((p) => (
                <tr key={p.id} data-payout={p.id}>
                  <td>{formatTime(p.createdAt)}</td>
                  <td className="mono" title={p.id}>
                    <Link href={`/payouts/${p.id}`}>{p.id}</Link>
                  </td>
                  <td title={p.merchant.id}>
                    <Link href={`/merchants/${p.merchant.id}`}>{p.merchant.name}</Link>
                  </td>
                  <td title={p.reference}>{p.reference}</td>
                  <td title={`${p.destination.provider} ${p.destination.accountNumber}`}>
                    {p.destination.provider} {p.destination.accountNumber}
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
            <Link href={withQuery('/payouts', { ...raw, cursor: page.nextCursor })}>Older payouts →</Link>
          </p>
        )}
      </div>
    </>
  );
}
