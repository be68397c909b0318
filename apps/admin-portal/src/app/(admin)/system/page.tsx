import { getSystemStatus } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { getConfig } from '../../../server/config.ts';
import { getDb, requireAdmin } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'System' };

export default async function SystemPage() {
  await requireAdmin();
  const { payoutApiUrl, paymentApiUrl } = getConfig();
  const s = await getSystemStatus(getDb(), {
    services: [
      { name: 'Payout API', baseUrl: payoutApiUrl },
      { name: 'Payment API', baseUrl: paymentApiUrl },
    ],
  });
  const oldest = s.outbox?.oldestUndelivered;
  return (
    <>
      <h1>System</h1>
      <p className="muted">Checked {formatTime(s.checkedAt)}. Reload the page to check again.</p>
      <div className="panel table-wrap">
        <h2>Services</h2>
        <table>
          <thead>
            <tr>
              <th>Service</th>
              <th>Status</th>
              <th>Health URL</th>
              <th>Answer</th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {s.services.map((svc) => (
              <tr key={svc.name}>
                <th scope="row">{svc.name}</th>
                <td>
                  <span className={`badge ${svc.status}`}>{svc.status}</span>
                </td>
                <td className="mono">{svc.url}</td>
                <td>{svc.error ?? `HTTP ${svc.httpStatus} in ${svc.latencyMs} ms`}</td>
                <td>{String(svc.body?.version ?? '—')}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Database</th>
              <td>
                <span className={`badge ${s.database.status}`}>{s.database.status}</span>
              </td>
              <td />
              <td>{s.database.error ?? `SELECT 1 in ${s.database.latencyMs} ms`}</td>
              <td />
            </tr>
          </tbody>
        </table>
      </div>
      <div className="panel">
        <h2>Webhook outbox</h2>
        {s.outbox ? (
          <div className="grid">
            <div className="stat">
              <div className="label">Backlog (pending deliveries)</div>
              <div className="value">{s.outbox.backlog}</div>
            </div>
            <div className="stat">
              <div className="label">Due now</div>
              <div className="value">{s.outbox.due}</div>
            </div>
            <div className="stat">
              <div className="label">Given up, last 24 h</div>
              <div className={`value ${s.outbox.failedLast24h > 0 ? 'danger' : ''}`}>{s.outbox.failedLast24h}</div>
            </div>
            <div className="stat">
              <div className="label">Oldest undelivered event</div>
              <div className="value">{oldest ? `${Math.round(oldest.ageSeconds / 60)} min` : 'none'}</div>
              {oldest && (
                <div className="muted">
                  {oldest.type} <span className="mono">{oldest.eventId}</span> since {formatTime(oldest.createdAt)} ·{' '}
                  <Link href={`/webhooks?status=PENDING&merchantId=${oldest.merchantId}`}>deliveries</Link>
                </div>
              )}
            </div>
          </div>
        ) : (
          <p className="danger">The outbox could not be read (is the database up?).</p>
        )}
      </div>
    </>
  );
}
