import { EVENT_TYPES, listWebhookDeliveriesForAdmin } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../components/format.tsx';
import { one, withQuery } from '../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../server/portal.ts';
import { RedeliverButton } from './redeliver-button.tsx';

export const metadata: Metadata = { title: 'Webhook deliveries' };

const STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const params = await searchParams;
  const raw = {
    status: one(params.status),
    endpointId: one(params.endpointId),
    eventType: one(params.eventType),
    merchantId: one(params.merchantId),
  };
  const status = STATUSES.find((s) => s === raw.status);
  const page = await orNotFound(
    listWebhookDeliveriesForAdmin(
      getDb(),
      { status, endpointId: raw.endpointId, eventType: raw.eventType, merchantId: raw.merchantId },
      { cursor: one(params.cursor), limit: 50 },
    ),
  );
  return (
    <>
      <h1>Webhook deliveries</h1>
      <form className="panel filters" method="get" aria-label="Delivery filters">
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={status ?? ''}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'FAILED' ? 'FAILED (gave up)' : s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="eventType">Event type</label>
          <select id="eventType" name="eventType" defaultValue={raw.eventType ?? ''}>
            <option value="">any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="endpointId">Endpoint id</label>
          <input id="endpointId" name="endpointId" defaultValue={raw.endpointId} placeholder="we_…" />
        </div>
        <div className="field">
          <label htmlFor="merchantId">Merchant id</label>
          <input id="merchantId" name="merchantId" defaultValue={raw.merchantId} placeholder="mer_…" />
        </div>
        <button type="submit">Filter</button>
        <Link href="/webhooks">Clear</Link>
      </form>
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No deliveries match these filters.</p>
        ) : (
          <table className="compact" data-testid="deliveries-table">
            <colgroup>
              <col style={{ width: '13rem' }} />
              <col style={{ width: '9rem' }} />
              <col style={{ width: '11rem' }} />
              <col />
              <col style={{ width: '6.5rem' }} />
              <col style={{ width: '5rem' }} />
              <col style={{ width: '8rem' }} />
              <col style={{ width: '7.5rem' }} />
            </colgroup>
            <thead>
              <tr>
                <th>Created</th>
                <th>Merchant</th>
                <th>Event</th>
                <th>Endpoint</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th>Last</th>
                <th>Redeliver</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((d) => (
                <tr key={d.id}>
                  <td title={d.id}>{formatTime(d.createdAt)}</td>
                  <td title={d.merchant.id}>
                    <Link href={`/merchants/${d.merchant.id}`}>{d.merchant.name}</Link>
                  </td>
                  <td title={d.event.id}>{d.event.type}</td>
                  <td className="mono" title={d.endpoint.url}>
                    {!d.endpoint.enabled && <span className="danger">disabled · </span>}
                    <Link href={withQuery('/webhooks', { endpointId: d.endpoint.id })}>{d.endpoint.url}</Link>
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td className="num">{d.attemptCount}</td>
                  <td title={`${d.lastError ?? ''} ${formatTime(d.lastAttemptAt)}`}>
                    {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}
                  </td>
                  <td>
                    <RedeliverButton deliveryId={d.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery('/webhooks', { ...raw, cursor: page.nextCursor })}>Older deliveries →</Link>
          </p>
        )}
      </div>
    </>
  );
}
