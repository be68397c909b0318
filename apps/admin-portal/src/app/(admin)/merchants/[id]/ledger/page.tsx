import { formatPkr, listMerchantLedgerForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { LedgerTable } from '../../../../../components/ledger-table.tsx';
import { one, parseDay, withQuery } from '../../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Merchant ledger' };

export default async function MerchantLedgerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const { id } = await params;
  const query = await searchParams;
  const raw = { from: one(query.from), to: one(query.to) };
  const { merchant, page } = await orNotFound(
    listMerchantLedgerForAdmin(getDb(), id, {
      cursor: one(query.cursor),
      limit: 100,
      from: parseDay(raw.from),
      to: parseDay(raw.to, true),
    }),
  );
  const latest = page.data[0];
  return (
    <>
      <div className="spread">
        <h1>Ledger of {merchant.name}</h1>
        <Link href={`/merchants/${merchant.id}`}>← Merchant</Link>
      </div>
      <p className="muted">
        <span className="mono">{merchant.id}</span> · newest first · “Balance after” is the running available balance
        {latest ? ` (now ${formatPkr(latest.balanceAfter)})` : ''}.
      </p>
      <form className="panel filters" method="get" aria-label="Ledger filters">
        <div className="field">
          <label htmlFor="from">From (UTC day)</label>
          <input id="from" name="from" type="date" defaultValue={raw.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To (UTC day, inclusive)</label>
          <input id="to" name="to" type="date" defaultValue={raw.to} />
        </div>
        <button type="submit">Filter</button>
        <Link href={`/merchants/${merchant.id}/ledger`}>Clear</Link>
      </form>
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No ledger entries in this range.</p>
        ) : (
          <LedgerTable entries={page.data} />
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery(`/merchants/${merchant.id}/ledger`, { ...raw, cursor: page.nextCursor })}>
              Older entries →
            </Link>
          </p>
        )}
      </div>
    </>
  );
}
