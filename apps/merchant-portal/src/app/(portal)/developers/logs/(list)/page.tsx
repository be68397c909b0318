import { listRequestLogsQuery, REQUEST_LOG_METHODS } from '@mypay/contracts';
import { listRequestLogs } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { orEmptyPage } from '../../../../../components/list-filters.tsx';
import { one, parseDay, withQuery } from '../../../../../components/query.ts';
import { RequestLogTable } from '../../../../../components/request-logs.tsx';
import { getDb, requireMerchant } from '../../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Logs' };

const FILTERS = ['status', 'method', 'path', 'objectId', 'idempotencyKey', 'from', 'to'] as const;

export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const merchant = await requireMerchant();
  const sp = await searchParams;
  const values = Object.fromEntries(FILTERS.map((f) => [f, one(sp[f])?.trim() || undefined])) as Record<
    (typeof FILTERS)[number],
    string | undefined
  >;
  const cursor = one(sp.cursor);
  // The API's own query schema: the portal refuses what the API would refuse, with its message.
  const parsed = listRequestLogsQuery.safeParse({
    limit: 25,
    cursor,
    status: values.status,
    method: values.method?.toUpperCase(),
    path: values.path,
    objectId: values.objectId,
    idempotencyKey: values.idempotencyKey,
  });
  const problem = parsed.success
    ? null
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const page = parsed.success
    ? await orEmptyPage(
        listRequestLogs(getDb(), {
          ...parsed.data,
          merchantId: merchant.id,
          from: parseDay(values.from),
          to: parseDay(values.to, true),
        }),
      )
    : { data: [], hasMore: false, nextCursor: null };
  return (
    <div className="panel">
      <form className="inline" method="get" aria-label="Filter logs" style={{ marginBottom: '0.75rem' }}>
        <div className="field">
          <label htmlFor="status">Status</label>
          <input id="status" name="status" placeholder="4xx or 422" size={8} defaultValue={values.status} />
        </div>
        <div className="field">
          <label htmlFor="method">Method</label>
          <select id="method" name="method" defaultValue={values.method?.toUpperCase() ?? ''}>
            <option value="">Any</option>
            {REQUEST_LOG_METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="path">Path starts with</label>
          <input id="path" name="path" placeholder="/api/v1/payouts" defaultValue={values.path} />
        </div>
        <div className="field">
          <label htmlFor="objectId">Object</label>
          <input id="objectId" name="objectId" placeholder="po_…" defaultValue={values.objectId} />
        </div>
        <div className="field">
          <label htmlFor="idempotencyKey">Idempotency key</label>
          <input id="idempotencyKey" name="idempotencyKey" defaultValue={values.idempotencyKey} />
        </div>
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={values.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={values.to} />
        </div>
        <button type="submit">Filter</button>
      </form>
      {problem && (
        <p className="alert error" role="alert">
          {problem}
        </p>
      )}
      {page.data.length === 0 ? (
        <p className="empty">
          No requests {problem ? '' : 'match'}. Every request your API keys make to either API is logged here (kept 7
          days), with its bodies — secrets redacted.
        </p>
      ) : (
        <RequestLogTable entries={page.data} label="Logged requests" />
      )}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        {cursor && <Link href={withQuery('/developers/logs', values)}>← First page</Link>}
        {page.nextCursor && (
          <Link href={withQuery('/developers/logs', { ...values, cursor: page.nextCursor })}>Next page →</Link>
        )}
      </div>
    </div>
  );
}
