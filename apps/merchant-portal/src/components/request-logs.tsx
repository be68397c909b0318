import type { RequestLogResource } from '@mypay/core';
import Link from 'next/link';
import { formatTime } from './format.tsx';

/** Where the portal shows an object the request log names (`po_…`, `cs_…`, `txn_…`, `evt_…`, `we_…`). */
export function objectHref(objectId: string): string | null {
  const id = encodeURIComponent(objectId);
  if (objectId.startsWith('po_')) return `/payouts/${id}`;
  if (objectId.startsWith('cs_')) return `/payments/checkouts/${id}`;
  if (objectId.startsWith('txn_')) return `/payments/transactions/${id}`;
  if (objectId.startsWith('evt_')) return `/developers/events/${id}`;
  if (objectId.startsWith('we_')) return '/developers/webhooks';
  return null;
}

export const requestLogHref = (requestId: string) => `/developers/logs/${encodeURIComponent(requestId)}`;

/** 2xx green, 4xx amber, 5xx red: the badge colours the portal already has. */
export function HttpStatus({ status }: { status: number }) {
  const tone = status >= 500 ? 'FAILED' : status >= 400 ? 'PENDING' : 'SUCCEEDED';
  return <span className={`badge ${tone}`}>{status}</span>;
}

export function ObjectLink({ objectId }: { objectId: string | null }) {
  if (!objectId) return <span className="muted">—</span>;
  const href = objectHref(objectId);
  return href ? (
    <Link className="mono" href={href}>
      {objectId}
    </Link>
  ) : (
    <span className="mono">{objectId}</span>
  );
}

/** The request log as a table: each row opens its entry (bodies, events and their deliveries) and its object. */
export function RequestLogTable({ entries, label }: { entries: RequestLogResource[]; label: string }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            <th>Status</th>
            <th>Request</th>
            <th>Object</th>
            <th className="num">Duration</th>
            <th>At</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.requestId}-${e.createdAt}`} data-request-id={e.requestId}>
              <td>
                <HttpStatus status={e.status} />
                {e.errorCode && <div className="mono muted">{e.errorCode}</div>}
              </td>
              <td>
                <Link href={requestLogHref(e.requestId)}>
                  <span className="mono">
                    {e.method} {e.path}
                  </span>
                </Link>
                <div className="mono muted">
                  {e.requestId}
                  {e.idempotentReplayed ? ' · replayed' : ''}
                </div>
              </td>
              <td>
                <ObjectLink objectId={e.objectId} />
              </td>
              <td className="num">{e.durationMs} ms</td>
              <td>{formatTime(e.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
