import type { ObjectEventSummary } from '@mypay/core';
import { formatTime, StatusBadge } from './format.tsx';

/** The webhook events about one object, each with its deliveries' status. */
export function ObjectEvents({ events }: { events: ObjectEventSummary[] }) {
  if (events.length === 0) return <p className="empty">No webhook events for this object.</p>;
  return (
    <table className="compact" data-testid="object-events">
      <colgroup>
        <col style={{ width: '13rem' }} />
        <col style={{ width: '11rem' }} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th>At</th>
          <th>Event</th>
          <th>Deliveries</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td title={e.id}>{formatTime(e.createdAt)}</td>
            <td>{e.type}</td>
            <td>
              {e.deliveries.length === 0
                ? 'no endpoint subscribed'
                : e.deliveries.map((d) => (
                    <span key={d.id} title={d.url}>
                      <StatusBadge status={d.status} />{' '}
                    </span>
                  ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
