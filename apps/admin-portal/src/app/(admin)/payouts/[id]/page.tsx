import { formatPkr, getPayoutForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { JsonCell } from '../../../../components/json-cell.tsx';
import { LedgerTable } from '../../../../components/ledger-table.tsx';
import { ObjectEvents } from '../../../../components/object-events.tsx';
import { withQuery } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payout' };

export default async function AdminPayoutPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const { payout: p, merchant, ledger, events } = await orNotFound(getPayoutForAdmin(getDb(), id));
  return (
    <>
      <div className="spread">
        <h1>
          Payout <span className="mono">{p.id}</span> <StatusBadge status={p.status} />
        </h1>
        <Link href={withQuery('/payouts', { merchantId: merchant.id })}>This merchant’s payouts</Link>
      </div>
      <div className="grid">
        <div className="panel stat">
          <div className="label">Amount</div>
          <div className="value" data-testid="payout-amount">
            {formatPkr(p.amount)}
          </div>
        </div>
        <section className="panel">
          <dl className="kv">
            <dt>Merchant</dt>
            <dd>
              <Link href={`/merchants/${merchant.id}`}>{merchant.name}</Link>{' '}
              <span className="mono">{merchant.id}</span>
            </dd>
            <dt>Reference</dt>
            <dd>{p.reference}</dd>
            <dt>Destination</dt>
            <dd>
              {p.destination.type} · {p.destination.provider} ·{' '}
              <span className="mono">{p.destination.accountNumber}</span>
              {p.destination.accountTitle ? ` · ${p.destination.accountTitle}` : ''}
            </dd>
            <dt>Scenario</dt>
            <dd>{p.scenario}</dd>
            {p.failure && (
              <>
                <dt>Failure</dt>
                <dd className="danger">
                  {p.failure.code} {p.failure.message}
                </dd>
              </>
            )}
            <dt>Created / updated</dt>
            <dd>
              {formatTime(p.createdAt)} / {formatTime(p.updatedAt)}
            </dd>
            <dt>Metadata</dt>
            <dd>
              <JsonCell value={p.metadata} label="metadata" />
            </dd>
          </dl>
        </section>
      </div>
      <section className="panel table-wrap" aria-labelledby="history-h">
        <h2 id="history-h">Status history</h2>
        <table data-testid="payout-history">
          <tbody>
            {p.events.map((e) => (
              <tr key={`${e.status}-${e.at}`}>
                <td className="nowrap">{formatTime(e.at)}</td>
                <td>
                  <StatusBadge status={e.status} />
                </td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel table-wrap" aria-labelledby="ledger-h">
        <h2 id="ledger-h">Ledger entries</h2>
        {ledger.length === 0 ? <p className="empty">No ledger entries.</p> : <LedgerTable entries={ledger} />}
      </section>
      <section className="panel table-wrap" aria-labelledby="events-h">
        <h2 id="events-h">Webhook events</h2>
        <ObjectEvents events={events} />
      </section>
    </>
  );
}
