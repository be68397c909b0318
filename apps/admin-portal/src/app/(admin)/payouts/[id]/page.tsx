import { getPayoutForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { JsonCell } from '../../../../components/json-cell.tsx';
import { MoneyObjectPage } from '../../../../components/money-object.tsx';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payout' };

export default async function AdminPayoutPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const { payout: p, merchant, ledger, events } = await orNotFound(getPayoutForAdmin(getDb(), id));
  return (
    <MoneyObjectPage
      object="payout"
      value={p}
      merchant={merchant}
      amount={{ label: 'Amount' }}
      details={
        <>
          <dt>Reference</dt>
          <dd>{p.reference}</dd>
          <dt>Destination</dt>
          <dd>
            {p.destination.type} · {p.destination.provider} ·{' '}
            <span className="mono">{p.destination.accountNumber}</span>
            {p.destination.accountTitle ? ` · ${p.destination.accountTitle}` : ''}
          </dd>
        </>
      }
      moreDetails={
        <>
          <dt>Metadata</dt>
          <dd>
            <JsonCell value={p.metadata} label="metadata" />
          </dd>
        </>
      }
      ledger={ledger}
      events={events}
    >
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
    </MoneyObjectPage>
  );
}
