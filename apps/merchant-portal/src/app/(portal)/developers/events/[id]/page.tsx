import { getEventOrThrow } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { getDb, orNotFound, requireMerchant } from '../../../../../server/portal.ts';
import { RedeliverButton } from '../redeliver-button.tsx';

export const metadata: Metadata = { title: 'Event' };

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const merchant = await requireMerchant();
  const { id } = await params;
  const event = await orNotFound(getEventOrThrow(getDb(), merchant.id, id));
  return (
    <>
      <p>
        <Link href="/developers/events">← Events</Link>
      </p>
      <div className="panel">
        <div className="spread">
          <h2 style={{ margin: 0 }}>
            {event.type} <span className="mono muted">{event.id}</span>
          </h2>
          <RedeliverButton eventId={event.id} />
        </div>
        <p className="muted">Created {formatTime(event.createdAt)}</p>
        <pre>
          {JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data }, null, 2)}
        </pre>
      </div>
      <div className="panel">
        <h2>Deliveries</h2>
        {event.deliveries.length === 0 ? (
          <p className="empty">No endpoint was subscribed to this event when it happened.</p>
        ) : (
          event.deliveries.map((d) => (
            <div key={d.id} style={{ marginBottom: '1rem' }}>
              <div className="row">
                <StatusBadge status={d.status} /> <span className="mono">{d.url}</span>
                <span className="muted">
                  {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
                  {d.nextAttemptAt && d.status === 'PENDING' ? `, next ${formatTime(d.nextAttemptAt)}` : ''}
                </span>
              </div>
              {d.attempts.length > 0 && (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>At</th>
                        <th>Result</th>
                        <th className="num">Latency</th>
                        <th>Response</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.attempts.map((a) => (
                        <tr key={a.attemptNumber}>
                          <td>{a.attemptNumber}</td>
                          <td>{formatTime(a.createdAt)}</td>
                          <td>{a.statusCode ? `HTTP ${a.statusCode}` : (a.error ?? '—')}</td>
                          <td className="num">{a.latencyMs} ms</td>
                          <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                            {a.responseExcerpt?.slice(0, 200) ?? ''}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ))
        )}
      </div>
    </>
  );
}
