import { formatPkr, listMerchants } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { one, withQuery } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Merchants' };

type Search = Record<string, string | string[] | undefined>;

export default async function MerchantsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requireAdmin();
  const params = await searchParams;
  const q = one(params.q);
  const status = one(params.status);
  const cursor = one(params.cursor);
  const page = await orNotFound(
    listMerchants(getDb(), {
      search: q,
      status: status === 'ACTIVE' || status === 'SUSPENDED' ? status : undefined,
      cursor,
      limit: 25,
    }),
  );
  return (
    <>
      <div className="spread">
        <h1>Merchants</h1>
        <Link className="button" href="/merchants/new">
          New merchant
        </Link>
      </div>
      <form className="panel filters" method="get">
        <div className="field">
          <label htmlFor="q">Search</label>
          <input id="q" name="q" defaultValue={q} placeholder="name, email or mer_ id" />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={status ?? ''}>
            <option value="">any</option>
            <option value="ACTIVE">active</option>
            <option value="SUSPENDED">suspended</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No merchant matches. Clear the search, or create one.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Status</th>
                <th className="num">Available</th>
                <th className="num">Pending</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link href={`/merchants/${m.id}`}>{m.name}</Link>
                    <div className="muted mono">{m.id}</div>
                  </td>
                  <td>{m.email}</td>
                  <td>
                    <StatusBadge status={m.status} />
                  </td>
                  <td className="num">{formatPkr(m.available)}</td>
                  <td className="num">{formatPkr(m.pending)}</td>
                  <td>{formatTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery('/merchants', { q, status, cursor: page.nextCursor })}>Older merchants →</Link>
          </p>
        )}
      </div>
    </>
  );
}
