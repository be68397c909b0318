import { EVENT_TYPES, getWebhookEndpointDetail } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../../../components/format.tsx';
import { getDb, orNotFound, requireMerchant } from '../../../../../server/portal.ts';
import { EnableToggle, EventsForm, RotateSecretForm, TypedTestEventForm } from '../../webhooks/endpoint-manage.tsx';
import { SuccessRate } from '../../webhooks/success-rate.tsx';

export const metadata: Metadata = { title: 'Webhook endpoint' };

export default async function WebhookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const merchant = await requireMerchant();
  const { id } = await params;
  const e = await orNotFound(getWebhookEndpointDetail(getDb(), merchant.id, id));
  return (
    <>
      <p>
        <Link href="/developers/webhooks">← Webhook endpoints</Link>
      </p>
      <div className="panel">
        <div className="spread">
          <h2 className="mono" style={{ overflowWrap: 'anywhere' }}>
            {e.url}
          </h2>
          {e.enabled ? (
            <span className="badge COMPLETED">enabled</span>
          ) : (
            <span className="badge FAILED">disabled</span>
          )}
        </div>
        <dl className="kv">
          <dt>Id</dt>
          <dd className="mono">{e.id}</dd>
          {e.description && (
            <>
              <dt>Description</dt>
              <dd>{e.description}</dd>
            </>
          )}
          <dt>Events</dt>
          <dd>{e.events ? e.events.join(', ') : 'all'}</dd>
          {!e.enabled && (
            <>
              <dt>Disabled</dt>
              <dd>
                {formatTime(e.disabledAt)} — {e.disabledReason}
              </dd>
            </>
          )}
          <dt>Success (24 h)</dt>
          <dd data-testid="endpoint-success-rate">
            <SuccessRate stats={e.deliveryStats} />
          </dd>
          <dt>Secret rolled</dt>
          <dd>{e.secretRotatedAt ? formatTime(e.secretRotatedAt) : 'never'}</dd>
          {e.previousSecretExpiresAt && (
            <>
              <dt>Old secret signs until</dt>
              <dd>{formatTime(e.previousSecretExpiresAt)}</dd>
            </>
          )}
        </dl>
        <EnableToggle endpointId={e.id} enabled={e.enabled} />
      </div>
      <div className="panel">
        <h2>Events to receive</h2>
        <EventsForm endpointId={e.id} eventTypes={EVENT_TYPES} selected={e.events} />
      </div>
      <div className="panel">
        <h2>Signing secret</h2>
        <p className="muted">
          Rolling makes a new secret. During the overlap every delivery carries two <code>v1</code> signatures in{' '}
          <code>MyPay-Signature</code> (the new secret’s and the old one’s), so deploy the new secret before it ends.
        </p>
        <RotateSecretForm endpointId={e.id} />
      </div>
      <div className="panel">
        <h2>Send a test event</h2>
        <p className="muted">
          Delivered now, whatever the event filter; other types than <code>webhook.test</code> carry a sample object
          (ids with <code>_sample</code>). Not retried.
        </p>
        {e.enabled ? (
          <TypedTestEventForm endpointId={e.id} eventTypes={EVENT_TYPES} />
        ) : (
          <p className="empty">Enable the endpoint to send it test events.</p>
        )}
      </div>
    </>
  );
}
