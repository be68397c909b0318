import { formatPkr, getBalance, listLedgerEntries } from '@mypay/core';
import type { Metadata } from 'next';
import '../../../components/lists.css';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { orEmptyPage } from '../../../components/list-filters.tsx';
import { one, parseDay, withQuery } from '../../../components/query.ts';
import { getDb, requireMerchant } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'Balance history' };

type Search = Record<string, string | string[] | undefined>;

export default async function BalanceHistoryPage({ searchParams }: { searchParams: Promise<Search> }) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const raw = { from: one(sp.from), to: one(sp.to) };
  const to = parseDay(raw.to, true);
  const [balance, page] = await Promise.all([
    getBalance(getDb(), merchant.id),
    orEmptyPage(
      listLedgerEntries(getDb(), {
        merchantId: merchant.id,
        cursor: one(sp.cursor),
        limit: 50,
        from: parseDay(raw.from),
        to: to && new Date(to.getTime() + 1),
      }),
    ),
  ]);
  const filtered = Boolean(raw.from || raw.to);
  return (
    <>
      <div className="spread">
        <h1>Balance history</h1>
        <a className="button secondary" href={withQuery('/balance/export', raw)} download data-testid="export-ledger">
          Export CSV
        </a>
      </div>
      <p className="muted">
        Every change to your balance, newest first. “Balance after” is the running available balance (now{' '}
        <strong data-testid="balance-now">{formatPkr(balance.available)}</strong>).
      </p>
      <form className="panel inline" method="get" aria-label="Filter balance history">
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={raw.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={raw.to} />
        </div>
        <button type="submit">Filter</button>
        {filtered && (
          <Link className="button secondary" href="/balance">
            Clear
          </Link>
        )}
      </form>
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">{filtered ? 'No balance changes in this range.' : 'No balance changes yet.'}</p>
        ) : (
          <table data-testid="ledger-table" className="fit">
            <thead>
              <tr>
                <th>Date</th>
                <th>Type</th>
                <th>Object</th>
                <th className="num">Amount</th>
                <th className="num">Balance after</th>
                <th className="hide-narrow">Description</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatTime(e.createdAt)}</td>
                  <td>{e.type}</td>
                  <td className="mono clip-cell">
                    {e.payoutId ? (
                      <Link href={`/payouts/${e.payoutId}`}>{e.payoutId}</Link>
                    ) : e.transactionId ? (
                      <Link href={`/payments/transactions/${e.transactionId}`}>{e.transactionId}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className={`num${e.amount < 0 ? ' danger' : ''}`}>{formatPkr(e.amount)}</td>
                  <td className="num">{formatPkr(e.balanceAfter)}</td>
                  <td className="hide-narrow clip-cell" title={e.description ?? ''}>
                    {e.description}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery('/balance', { ...raw, cursor: page.nextCursor })}>Older entries →</Link>
          </p>
        )}
      </div>
    </>
  );
}
