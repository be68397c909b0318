import {
  formatPkr,
  isAppError,
  listPayouts,
  PAYOUT_STATUSES,
  type PayoutResource,
  type PayoutStatus,
  searchPayoutsByReference,
} from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { StatusDateFields } from '../../../../components/list-filters.tsx';
import { one, parseDay, withQuery } from '../../../../components/query.ts';
import { getDb, requireMerchant } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payouts' };

type Search = Record<string, string | string[] | undefined>;

export default async function PayoutsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const status = PAYOUT_STATUSES.includes(one(sp.status) as PayoutStatus)
    ? (one(sp.status) as PayoutStatus)
    : undefined;
  const fromText = one(sp.from);
  const toText = one(sp.to);
  const q = one(sp.q)?.trim();
  const cursor = one(sp.cursor);

  let rows: PayoutResource[];
  let nextCursor: string | null = null;
  if (q) {
    rows = (await searchPayoutsByReference(getDb(), merchant.id, q)).filter(
      (p) =>
        (!status || p.status === status) &&
        (!parseDay(fromText) || new Date(p.createdAt) >= parseDay(fromText)!) &&
        (!parseDay(toText, true) || new Date(p.createdAt) <= parseDay(toText, true)!),
    );
  } else {
    const page = await listPayouts(getDb(), {
      merchantId: merchant.id,
      limit: 20,
      cursor,
      status,
      from: parseDay(fromText),
      to: parseDay(toText, true),
    }).catch((error: unknown) => {
      // A cursor edited by hand: show the first page's empty state rather than an error page.
      if (isAppError(error) && error.code === 'VALIDATION_ERROR') return { data: [], nextCursor: null };
      throw error;
    });
    rows = page.data;
    nextCursor = page.nextCursor;
  }
  const filtered = Boolean(status || fromText || toText || q);

  return (
    <>
      <div className="spread">
        <h1>Payouts</h1>
        <a
          className="button secondary"
          href={withQuery('/payouts/export', { status, from: fromText, to: toText })}
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
        <div className="row" style={{ marginTop: '0.75rem' }}>
          {cursor && <Link href={withQuery('/payouts', { status, from: fromText, to: toText })}>← First page</Link>}
          {nextCursor && (
            <Link href={withQuery('/payouts', { status, from: fromText, to: toText, cursor: nextCursor })}>
              Next page →
            </Link>
          )}
        </div>
      </div>
    </>
  );
}
