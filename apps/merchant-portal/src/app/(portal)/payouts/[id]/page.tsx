import { formatPkr, getPayoutOrThrow, LEGAL_TRANSITIONS, listObjectEvents } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClockBadge } from '../../../../components/clock-badge.tsx';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { RequestsPanel } from '../../../../components/requests-panel.tsx';
import { getDb, orNotFound, requireMerchant } from '../../../../server/portal.ts';
import { SimulateButtons } from './simulate-buttons.tsx';

export const metadata: Metadata = { title: 'Payout' };

export default async function PayoutPage({ params }: { params: Promise<{ id: string }> }) {
  const merchant = await requireMerchant();
  const { id } = await params;
  const payout = await orNotFound(getPayoutOrThrow(getDb(), merchant.id, id));
  const events = await listObjectEvents(getDb(), merchant.id, payout.id, new Date(payout.createdAt));
  return (
    <>
      <p>
        <Link href="/payouts">← Payouts</Link>
      </p>
      <div className="spread">
        <h1>
          Payout <span className="mono">{payout.reference}</span>
        </h1>
        <StatusBadge status={payout.status} /> <ClockBadge clock={payout.testClock} />
      </div>
      <div className="grid">
        <div className="panel">
          <h2>Details</h2>
          <dl className="kv">
            <dt>Amount</dt>
            <dd data-testid="payout-amount">{formatPkr(payout.amount)}</dd>
            <dt>Id</dt>
            <dd className="mono">{payout.id}</dd>
            <dt>Destination</dt>
            <dd>
              {payout.destination.type} · {payout.destination.provider} ·{' '}
              <span className="mono">{payout.destination.accountNumber}</span>
              {payout.destination.accountTitle ? ` · ${payout.destination.accountTitle}` : ''}
            </dd>
            <dt>Scenario</dt>
            <dd>{payout.scenario}</dd>
            {payout.failure && (
              <>
                <dt>Failure</dt>
                <dd>
                  <code>{payout.failure.code}</code> {payout.failure.message}
                </dd>
              </>
            )}
            {payout.description && (
              <>
                <dt>Description</dt>
                <dd>{payout.description}</dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatTime(payout.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(payout.updatedAt)}</dd>
          </dl>
        </div>
        <div className="panel">
          <h2>Status timeline</h2>
          <ol className="timeline" aria-label="Status timeline">
            {payout.events.map((e) => (
              <li key={`${e.status}-${e.at}`}>
                <StatusBadge status={e.status} /> <span className="muted">{formatTime(e.at)}</span>
                {e.reason && (
                  <div>
                    <code>{e.reason}</code>
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
      </div>
      <div className="panel">
        <h2>Simulate</h2>
        <p className="muted">Force the next legal transition now, as the provider would.</p>
        <SimulateButtons payoutId={payout.id} targets={LEGAL_TRANSITIONS[payout.status]} />
      </div>
      <div className="panel">
        <h2>Webhook events</h2>
        {events.length === 0 ? (
          <p className="empty">No events for this payout.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Event</th>
                  <th>Created</th>
                  <th>Deliveries</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link href={`/developers/events/${e.id}`}>{e.type}</Link>
                      <div className="mono muted">{e.id}</div>
                    </td>
                    <td>{formatTime(e.createdAt)}</td>
                    <td>
                      {e.deliveries.length === 0 ? (
                        <span className="muted">no endpoint subscribed</span>
                      ) : (
                        e.deliveries.map((d) => (
                          <div key={d.id}>
                            <StatusBadge status={d.status} /> {d.url}{' '}
                            <span className="muted">
                              {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
                              {d.lastStatusCode ? `, last HTTP ${d.lastStatusCode}` : ''}
                            </span>
                          </div>
                        ))
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <RequestsPanel merchantId={merchant.id} objectId={payout.id} />
    </>
  );
}
