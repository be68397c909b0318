import { EVENT_TYPES, type EventType, isAppError, listEvents } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../../../components/format.tsx';
import { one, withQuery } from '../../../../../components/query.ts';
import { getDb } from '../../../../../server/db.ts';
import { requireMerchant } from '../../../../../server/session.ts';
import { RedeliverButton } from '../redeliver-button.tsx';

export const metadata: Metadata = { title: 'Events' };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const type = EVENT_TYPES.includes(one(sp.type) as EventType) ? (one(sp.type) as EventType) : undefined;
  const cursor = one(sp.cursor);
  const page = await listEvents(getDb(), {
    merchantId: merchant.id,
    limit: 25,
    ...(cursor ? { cursor } : {}),
    ...(type ? { type } : {}),
  }).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'VALIDATION_ERROR') return { data: [], hasMore: false, nextCursor: null };
    throw error;
  });
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
        <p className="empty">No events yet. They are written whenever a payout or payment changes state.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Event</th>
                <th>Type</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link className="mono" href={`/developers/events/${e.id}`}>
                      {e.id}
                    </Link>
                  </td>
                  <td>{e.type}</td>
                  <td>{formatTime(e.createdAt)}</td>
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
