import {
  EVENT_TYPES,
  type EventDeliverySummary,
  type EventObjectRef,
  type EventType,
  listEventSummaries,
} from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { orEmptyPage } from '../../../../../components/list-filters.tsx';
import { one, withQuery } from '../../../../../components/query.ts';
import { getDb, requireMerchant } from '../../../../../server/portal.ts';
import { RedeliverButton } from '../redeliver-button.tsx';

export const metadata: Metadata = { title: 'Events' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where the object's page is; a refund is listed on its payment's page. */
function objectHref(about: EventObjectRef): string | null {
  switch (about.kind) {
    case 'payout':
      return `/payouts/${about.id}`;
    case 'checkout':
      return `/payments/checkouts/${about.id}`;
    case 'payment':
      return `/payments/transactions/${about.id}`;
    case 'refund':
      return about.transactionId ? `/payments/transactions/${about.transactionId}` : null;
  }
}

function ObjectCell({ about }: { about: EventObjectRef | null }) {
  if (!about) return <span className="muted">—</span>;
  const href = objectHref(about);
  return (
    <span className="object-ref" data-testid="event-object" data-kind={about.kind} title={about.id}>
      <span className="muted">{about.kind} </span>
      {href ? (
        <Link className="mono" href={href}>
          {about.id}
        </Link>
      ) : (
        <span className="mono">{about.id}</span>
      )}
    </span>
  );
}

/** One badge for the event: failed wins over pending, pending over delivered; counts say the rest. */
function DeliveryCell({ d }: { d: EventDeliverySummary }) {
  if (d.total === 0) return <span className="muted">No endpoint</span>;
  const status = d.failed > 0 ? 'FAILED' : d.pending > 0 ? 'PENDING' : 'DELIVERED';
  const parts = [
    d.delivered && `${d.delivered} delivered`,
    d.pending && `${d.pending} pending`,
    d.failed && `${d.failed} failed`,
  ].filter(Boolean);
  return (
    <span className="delivery-summary" data-testid="event-delivery" data-status={status}>
      <StatusBadge status={status} />
      <span className="muted">
        {parts.join(', ')} · {plural(d.attempts, 'attempt')}
      </span>
    </span>
  );
}

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const type = EVENT_TYPES.includes(one(sp.type) as EventType) ? (one(sp.type) as EventType) : undefined;
  const cursor = one(sp.cursor);
  const page = await orEmptyPage(
    listEventSummaries(getDb(), {
      merchantId: merchant.id,
      limit: 25,
      ...(cursor ? { cursor } : {}),
      ...(type ? { type } : {}),
    }),
  );
  return (
    <div className="panel">
      <form className="inline" method="get" aria-label="Filter events" style={{ marginBottom: '0.75rem' }}>
        <div className="field">
          <label htmlFor="type">Event type</label>
          <select id="type" name="type" defaultValue={type ?? ''}>
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      {page.data.length === 0 ? (
        <p className="empty">
          {type ? `No ${type} events yet.` : 'No events yet.'} They are written whenever a payout or payment changes
          state: <Link href="/payouts/new">send a test payout</Link> to see one.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="events-table" data-testid="events-table">
            <thead>
              <tr>
                <th>Event</th>
                <th>Type</th>
                <th>Object</th>
                <th>Delivery</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => (
                <tr key={e.id}>
                  <td className="clip-cell" title={e.id}>
                    <Link className="mono" href={`/developers/events/${e.id}`}>
                      {e.id}
                    </Link>
                  </td>
                  <td>{e.type}</td>
                  <td>
                    <ObjectCell about={e.about} />
                  </td>
                  <td>
                    <DeliveryCell d={e.deliveries} />
                  </td>
                  <td className="nowrap">{formatTime(e.createdAt)}</td>
                  <td>
                    <RedeliverButton eventId={e.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        {cursor && <Link href={withQuery('/developers/events', { type })}>← First page</Link>}
        {page.nextCursor && (
          <Link href={withQuery('/developers/events', { type, cursor: page.nextCursor })}>Next page →</Link>
        )}
      </div>
    </div>
  );
}
