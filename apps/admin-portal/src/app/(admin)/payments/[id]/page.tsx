import { formatPkr, getPaymentForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { MoneyObjectPage } from '../../../../components/money-object.tsx';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Payment' };

export default async function AdminPaymentPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const { payment: p, merchant, refunds, ledger, events } = await orNotFound(getPaymentForAdmin(getDb(), id));
  return (
    <MoneyObjectPage
      object="payment"
      value={p}
      merchant={merchant}
      amount={{ label: 'Amount (refunded)', note: <div className="muted">refunded {formatPkr(p.amountRefunded)}</div> }}
      details={
        <>
          <dt>Order / checkout</dt>
          <dd>
            {p.orderId} · <span className="mono">{p.checkoutId}</span>
          </dd>
          <dt>Payer</dt>
          <dd>
            {p.provider} · <span className="mono">{p.mobile}</span>
          </dd>
        </>
      }
      ledger={ledger}
      events={events}
    >
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
    </MoneyObjectPage>
  );
}
