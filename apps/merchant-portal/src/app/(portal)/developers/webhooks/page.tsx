import { EVENT_TYPES, listWebhookEndpoints, webhookDeliveryStats } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../../components/format.tsx';
import { getDb, requireMerchant } from '../../../../server/portal.ts';
import { CreateEndpointForm, EndpointActions } from './endpoint-forms.tsx';
import { SuccessRate } from './success-rate.tsx';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  const merchant = await requireMerchant();
  const { data: endpoints } = await listWebhookEndpoints(getDb(), merchant.id);
  const stats = await webhookDeliveryStats(
    getDb(),
    endpoints.map((e) => e.id),
  );
  return (
    <>
      <div className="panel">
        <h2>Webhook endpoints</h2>
        {endpoints.length === 0 ? (
          <p className="empty">No endpoints yet. Add one below to receive signed events.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>URL</th>
                  <th>Events</th>
                  <th>State</th>
                  <th>Success (24 h)</th>
                  <th>Created</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id}>
                    <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                      <Link href={`/developers/webhook-endpoints/${e.id}`} aria-label={`Manage endpoint ${e.url}`}>
                        {e.url}
                      </Link>
                      {e.description && <div className="muted">{e.description}</div>}
                    </td>
                    <td>{e.events ? e.events.join(', ') : 'all'}</td>
                    <td>
                      {e.enabled ? (
                        <span className="badge COMPLETED">enabled</span>
                      ) : (
                        <span className="badge FAILED" title={e.disabledReason ?? ''}>
                          disabled
                        </span>
                      )}
                    </td>
                    <td>{stats.get(e.id) && <SuccessRate stats={stats.get(e.id)!} />}</td>
                    <td>{formatTime(e.createdAt)}</td>
                    <td>
                      <EndpointActions endpointId={e.id} url={e.url} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <div className="panel">
        <h2>Add an endpoint</h2>
        <CreateEndpointForm eventTypes={EVENT_TYPES} />
      </div>
    </>
  );
}
