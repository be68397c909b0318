import { AUDIT_ACTOR_TYPES, queryAuditLog } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { one, withQuery } from '../../../components/query.ts';
import { getDb } from '../../../server/db.ts';
import { orNotFound } from '../../../server/errors.ts';
import { requireAdmin } from '../../../server/session.ts';
import { FILTER_KEYS, type RawFilters, toAuditFilters } from './filters.ts';

export const metadata: Metadata = { title: 'Audit log' };

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v, null, 1));

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const params = await searchParams;
  const raw: RawFilters = Object.fromEntries(FILTER_KEYS.map((k) => [k, one(params[k])]));
  const cursor = one(params.cursor);
  const page = await orNotFound(queryAuditLog(getDb(), toAuditFilters(raw), { cursor, limit: 50 }));
  return (
    <>
      <div className="spread">
        <h1>Audit log</h1>
        <a className="button" href={withQuery('/audit/export', raw)} download data-testid="export-csv">
          Export CSV
        </a>
      </div>
      <form className="panel filters" method="get" aria-label="Audit log filters">
        <div className="field">
          <label htmlFor="actorType">Actor type</label>
          <select id="actorType" name="actorType" defaultValue={raw.actorType ?? ''}>
            <option value="">any</option>
            {AUDIT_ACTOR_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="actorId">Actor id</label>
          <input id="actorId" name="actorId" defaultValue={raw.actorId} placeholder="adm_…, mer_…, key_…" />
        </div>
        <div className="field">
          <label htmlFor="action">Action</label>
          <input id="action" name="action" defaultValue={raw.action} placeholder="balance.adjusted or login." />
        </div>
        <div className="field">
          <label htmlFor="merchantId">Merchant id</label>
          <input id="merchantId" name="merchantId" defaultValue={raw.merchantId} placeholder="mer_…" />
        </div>
        <div className="field">
          <label htmlFor="from">From (UTC day)</label>
          <input id="from" name="from" type="date" defaultValue={raw.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To (UTC day, inclusive)</label>
          <input id="to" name="to" type="date" defaultValue={raw.to} />
        </div>
        <button type="submit">Filter</button>
        <Link href="/audit">Clear</Link>
      </form>
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">No audit entries match these filters.</p>
        ) : (
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Merchant</th>
                <th>From</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((r) => (
                <tr key={r.id} data-action={r.action}>
                  <td>
                    {formatTime(r.createdAt)}
                    <div className="muted mono">#{r.id}</div>
                  </td>
                  <td>
                    {r.actorType}
                    <div className="mono">{r.actorId}</div>
                  </td>
                  <td className="mono">{r.action}</td>
                  <td>
                    {r.targetType}
                    <div className="mono">{r.targetId}</div>
                  </td>
                  <td className="mono">
                    {r.merchantId && <Link href={`/merchants/${r.merchantId}`}>{r.merchantId}</Link>}
                  </td>
                  <td>
                    <div className="mono">{r.ip}</div>
                    <div className="muted" title={r.userAgent ?? ''}>
                      {r.userAgent?.slice(0, 40)}
                    </div>
                    {r.requestId && <div className="muted mono">req {r.requestId}</div>}
                  </td>
                  <td>
                    <pre className="json">{json(r.before)}</pre>
                  </td>
                  <td>
                    <pre className="json">{json(r.after)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery('/audit', { ...raw, cursor: page.nextCursor })}>Older entries →</Link>
          </p>
        )}
      </div>
    </>
  );
}
