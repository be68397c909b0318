import { formatPkr, getTransactionOrThrow, listObjectEvents } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { RequestsPanel } from '../../../../../components/requests-panel.tsx';
import { getDb, orNotFound, requireMerchant } from '../../../../../server/portal.ts';
import { RefundsPanel } from './refunds-panel.tsx';

export const metadata: Metadata = { title: 'Transaction' };

export default async function TransactionPage({ params }: { params: Promise<{ id: string }> }) {
  const merchant = await requireMerchant();
  const { id } = await params;
  const t = await orNotFound(getTransactionOrThrow(getDb(), merchant.id, id));
  const events = await listObjectEvents(getDb(), merchant.id, t.id, new Date(t.createdAt));
  return (
    <>
      <p>
        <Link href="/payments/transactions">← Transactions</Link>
      </p>
      <div className="spread">
        <h1>
          Transaction <span className="mono">{t.id}</span>
        </h1>
        <StatusBadge status={t.status} /> <ClockBadge clock={t.testClock} />
      </div>
      <div className="panel">
        <dl className="kv">
          <dt>Amount</dt>
          <dd>{formatPkr(t.amount)}</dd>
          <dt>Checkout</dt>
          <dd>
            <Link className="mono" href={`/payments/checkouts/${t.checkoutId}`}>
              {t.orderId}
            </Link>
          </dd>
          <dt>Payer</dt>
          <dd>
            {t.provider} <span className="mono">{t.mobile}</span>
          </dd>
          <dt>Scenario</dt>
          <dd>{t.scenario}</dd>
          {t.failure && (
            <>
              <dt>Failure</dt>
              <dd>
                <code>{t.failure.code}</code> {t.failure.message}
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{formatTime(t.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatTime(t.updatedAt)}</dd>
        </dl>
      </div>
      <RefundsPanel merchantId={merchant.id} transaction={t} />
      <div className="panel">
        <h2>Webhook events</h2>
        {events.length === 0 ? (
          <p className="empty">No events for this transaction yet.</p>
        ) : (
          <ul>
            {events.map((e) => (
              <li key={e.id}>
                <Link href={`/developers/events/${e.id}`}>{e.type}</Link> · {formatTime(e.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <RequestsPanel merchantId={merchant.id} objectId={t.id} />
    </>
  );
}
