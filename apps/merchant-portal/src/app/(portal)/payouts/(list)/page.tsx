import { formatPkr, listPayouts, PAYOUT_STATUSES, type PayoutResource, searchPayoutsByReference } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { orEmptyPage, PageLinks, readListFilters, StatusDateFields } from '../../../../components/list-filters.tsx';
import { one, withQuery } from '../../../../components/query.ts';
import { getDb, requireMerchant } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payouts' };

type Search = Record<string, string | string[] | undefined>;

export default async function PayoutsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const {
    status,
    fromText,
    toText,
    from,
    to,
    cursor,
    query,
    filtered: byStatusOrDay,
  } = readListFilters(sp, PAYOUT_STATUSES);
  const q = one(sp.q)?.trim();

  let rows: PayoutResource[];
  let nextCursor: string | null = null;
  if (q) {
    rows = (await searchPayoutsByReference(getDb(), merchant.id, q)).filter(
      (p) =>
        (!status || p.status === status) &&
        (!from || new Date(p.createdAt) >= from) &&
        (!to || new Date(p.createdAt) <= to),
    );
  } else {
    const page = await orEmptyPage(
      listPayouts(getDb(), { merchantId: merchant.id, limit: 20, cursor, status, from, to }),
    );
    rows = page.data;
    nextCursor = page.nextCursor;
  }
  const filtered = byStatusOrDay || Boolean(q);

  return (
    <>
      <div className="spread">
        <h1>Payouts</h1>
        <a
          className="button secondary"
          href={withQuery('/payouts/export', query)}
          download
          data-testid="export-payouts"
        >
          Export CSV
        </a>
        <Link className="button" href="/payouts/new">
          New test payout
        </Link>
      </div>
      <form className="panel inline" method="get" aria-label="Filter payouts">
        <StatusDateFields statuses={PAYOUT_STATUSES} status={status} fromText={fromText} toText={toText} />
        <div className="field">
          <label htmlFor="q">Reference</label>
          <input id="q" name="q" type="search" placeholder="starts with…" defaultValue={q} />
        </div>
        <button type="submit">Filter</button>
        {filtered && (
          <Link className="button secondary" href="/payouts">
            Clear
          </Link>
        )}
      </form>
      <div className="panel">
        {rows.length === 0 ? (
          <p className="empty">
            {filtered ? 'No payouts match these filters.' : 'No payouts yet.'}{' '}
            <Link href="/payouts/new">Create a test payout</Link>.
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Reference</th>
                  <th>Destination</th>
                  <th>Status</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td>{formatTime(p.createdAt)}</td>
                    <td>
                      <Link href={`/payouts/${p.id}`} className="mono">
                        {p.reference}
                      </Link>
                    </td>
                    <td>
                      {p.destination.provider} <span className="mono">{p.destination.accountNumber}</span>
                    </td>
                    <td>
                      <StatusBadge status={p.status} /> <ClockBadge clock={p.testClock} />
                    </td>
                    <td className="num">{formatPkr(p.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <PageLinks path="/payouts" query={query} cursor={cursor} nextCursor={nextCursor} />
      </div>
    </>
  );
}
