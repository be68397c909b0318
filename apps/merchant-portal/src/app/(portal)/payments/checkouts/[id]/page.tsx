import { formatPkr, getCheckoutOrThrow, listObjectEvents } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { RequestsPanel } from '../../../../../components/requests-panel.tsx';
import { getConfig } from '../../../../../server/config.ts';
import { getDb, orNotFound, requireMerchant } from '../../../../../server/portal.ts';
import { CancelCheckoutButton } from './cancel-checkout-button.tsx';

export const metadata: Metadata = { title: 'Checkout' };

export default async function CheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const merchant = await requireMerchant();
  const { id } = await params;
  const c = await orNotFound(getCheckoutOrThrow(getDb(), getConfig().paymentApiBaseUrl, merchant.id, id));
  const events = await listObjectEvents(getDb(), merchant.id, c.id, new Date(c.createdAt));
  const t = c.latestTransaction;
  return (
    <>
      <p>
        <Link href="/payments">← Checkouts</Link>
      </p>
      <div className="spread">
        <h1>
          Checkout <span className="mono">{c.orderId}</span>
        </h1>
        <StatusBadge status={c.status} /> <ClockBadge clock={c.testClock} />
      </div>
      {c.status === 'OPEN' && <CancelCheckoutButton checkoutId={c.id} />}
      <div className="grid">
        <div className="panel">
          <h2>Details</h2>
          <dl className="kv">
            <dt>Amount</dt>
            <dd>{formatPkr(c.amount)}</dd>
            <dt>Id</dt>
            <dd className="mono">{c.id}</dd>
            <dt>Hosted page</dt>
            <dd>
              {c.status === 'OPEN' ? (
                <a href={c.checkoutUrl} target="_blank" rel="noreferrer">
                  {c.checkoutUrl}
                </a>
              ) : (
                <span className="mono">{c.checkoutUrl}</span>
              )}
            </dd>
            <dt>Customer</dt>
            <dd>{[c.customer?.mobile, c.customer?.email].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>Expires</dt>
            <dd>{formatTime(c.expiresAt)}</dd>
            <dt>Completed</dt>
            <dd>{formatTime(c.completedAt)}</dd>
            <dt>Created</dt>
            <dd>{formatTime(c.createdAt)}</dd>
          </dl>
        </div>
        <div className="panel">
          <h2>Latest transaction</h2>
          {t ? (
            <dl className="kv">
              <dt>Id</dt>
              <dd>
                <Link className="mono" href={`/payments/transactions/${t.id}`}>
                  {t.id}
                </Link>
              </dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={t.status} />
              </dd>
              <dt>Payer</dt>
              <dd>
                {t.provider} <span className="mono">{t.mobile}</span>
              </dd>
              {t.failure && (
                <>
                  <dt>Failure</dt>
                  <dd>
                    <code>{t.failure.code}</code> {t.failure.message}
                  </dd>
                </>
              )}
              <dt>Updated</dt>
              <dd>{formatTime(t.updatedAt)}</dd>
            </dl>
          ) : (
            <p className="empty">No payment attempt yet.</p>
          )}
        </div>
      </div>
      <div className="panel">
        <h2>Webhook events</h2>
        {events.length === 0 ? (
          <p className="empty">No events for this checkout yet.</p>
        ) : (
          <ul>
            {events.map((e) => (
              <li key={e.id}>
                <Link href={`/developers/events/${e.id}`}>{e.type}</Link> · {formatTime(e.createdAt)} ·{' '}
                {e.deliveries.length} deliver{e.deliveries.length === 1 ? 'y' : 'ies'}
              </li>
            ))}
          </ul>
        )}
      </div>
      <RequestsPanel merchantId={merchant.id} objectId={c.id} />
    </>
  );
}
