import { formatPkr, searchMerchantObjects } from '@mypay/core';
import type { Metadata } from 'next';
import '../../../components/lists.css';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../components/format.tsx';
import { one } from '../../../components/query.ts';
import { getDb, requireMerchant } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'Search' };

export default async function SearchPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const q = one((await searchParams).q)?.trim() ?? '';
  const hits = q ? await searchMerchantObjects(getDb(), merchant.id, q) : [];
  return (
    <>
      <h1>Search</h1>
      <form className="panel inline" method="get" aria-label="Search the portal">
        <div className="field grow">
          <label htmlFor="search-q">Object id or reference</label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="po_…, txn_…, cs_…, evt_…, a payout reference or an order id"
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <div className="panel table-wrap">
        {!q ? (
          <p className="empty">
            Type an id (po_…, txn_…, cs_…, evt_…), a payout reference (its start is enough) or an order id.
          </p>
        ) : hits.length === 0 ? (
          <p className="empty">Nothing of yours matches “{q}”.</p>
        ) : (
          <table data-testid="search-results" className="fit">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Id</th>
                <th>Reference / type</th>
                <th>Status</th>
                <th className="num">Amount</th>
                <th className="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={h.id} data-kind={h.kind}>
                  <td>{h.kind}</td>
                  <td className="mono clip-cell">
                    <Link href={h.href}>{h.id}</Link>
                  </td>
                  <td className="clip-cell">{h.label}</td>
                  <td>{h.status ? <StatusBadge status={h.status} /> : '—'}</td>
                  <td className="num">{h.amount === null ? '—' : formatPkr(h.amount)}</td>
                  <td className="hide-narrow nowrap">{formatTime(h.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
