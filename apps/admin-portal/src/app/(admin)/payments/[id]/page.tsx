import { formatPkr, getPaymentForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { LedgerTable } from '../../../../components/ledger-table.tsx';
import { ObjectEvents } from '../../../../components/object-events.tsx';
import { withQuery } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payment' };

export default async function AdminPaymentPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const { payment: p, merchant, refunds, ledger, events } = await orNotFound(getPaymentForAdmin(getDb(), id));
  return (
    <>
      <div className="spread">
        <h1>
          Payment <span className="mono">{p.id}</span> <StatusBadge status={p.status} />
        </h1>
        <Link href={withQuery('/payments', { merchantId: merchant.id })}>This merchant’s payments</Link>
      </div>
      <div className="grid">
        <div className="panel stat">
          <div className="label">Amount (refunded)</div>
          <div className="value" data-testid="payment-amount">
            {formatPkr(p.amount)}
          </div>
          <div className="muted">refunded {formatPkr(p.amountRefunded)}</div>
        </div>
        <section className="panel">
          <dl className="kv">
            <dt>Merchant</dt>
            <dd>
              <Link href={`/merchants/${merchant.id}`}>{merchant.name}</Link>{' '}
              <span className="mono">{merchant.id}</span>
            </dd>
            <dt>Order / checkout</dt>
            <dd>
              {p.orderId} · <span className="mono">{p.checkoutId}</span>
            </dd>
            <dt>Payer</dt>
            <dd>
              {p.provider} · <span className="mono">{p.mobile}</span>
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
          </dl>
        </section>
      </div>
      <section className="panel table-wrap" aria-labelledby="refunds-h">
        <h2 id="refunds-h">Refunds</h2>
        {refunds.length === 0 ? (
          <p className="empty">No refunds.</p>
        ) : (
          <table data-testid="payment-refunds">
            <tbody>
              {refunds.map((r) => (
                <tr key={r.id}>
                  <td className="mono">{r.id}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="num">{formatPkr(r.amount)}</td>
                  <td>{r.reason}</td>
                  <td className="nowrap">{formatTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
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
