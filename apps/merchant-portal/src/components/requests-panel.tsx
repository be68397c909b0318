import { listRequestLogs } from '@mypay/core';
import Link from 'next/link';
import { getDb } from '../server/portal.ts';
import { withQuery } from './query.ts';
import { RequestLogTable } from './request-logs.tsx';

/** "Requests": the API requests that created or read this object (the request log's `objectId`), newest first. */
export async function RequestsPanel({ merchantId, objectId }: { merchantId: string; objectId: string }) {
  const page = await listRequestLogs(getDb(), { merchantId, objectId, limit: 10 });
  return (
    <div className="panel" data-testid="requests-panel">
      <div className="spread">
        <h2 style={{ margin: 0 }}>Requests</h2>
        <Link href={withQuery('/developers/logs', { objectId })}>All in Logs →</Link>
      </div>
      {page.data.length === 0 ? (
        <p className="empty">
          No API request named this object (the log keeps 7 days; the portal's own actions are not API requests).
        </p>
      ) : (
        <RequestLogTable entries={page.data} label="Requests" />
      )}
    </div>
  );
}
