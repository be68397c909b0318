import { AUDIT_ACTOR_TYPES, queryAuditLog } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { JsonCell } from '../../../components/json-cell.tsx';
import { one, withQuery } from '../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../server/portal.ts';
import { FILTER_KEYS, type RawFilters, toAuditFilters } from './filters.ts';

export const metadata: Metadata = { title: 'Audit log' };

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
          <table data-testid="audit-table" className="compact">
            <colgroup>
              <col style={{ width: '13rem' }} />
              <col style={{ width: '8rem' }} />
              <col style={{ width: '9rem' }} />
              <col style={{ width: '8rem' }} />
              <col style={{ width: '7rem' }} />
              <col style={{ width: '6.5rem' }} />
              <col />
              <col />
            </colgroup>
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
                  <td className="nowrap" title={`entry #${r.id}`} data-testid="audit-time">
                    {formatTime(r.createdAt)}
                  </td>
                  <td title={`${r.actorType} ${r.actorId ?? ''}`}>
                    {r.actorType} <span className="mono">{r.actorId}</span>
                  </td>
                  <td className="mono" title={r.action}>
                    {r.action}
                  </td>
                  <td title={`${r.targetType} ${r.targetId ?? ''}`}>
                    {r.targetType} <span className="mono">{r.targetId}</span>
                  </td>
                  <td className="mono" title={r.merchantId ?? ''}>
                    {r.merchantId && <Link href={`/merchants/${r.merchantId}`}>{r.merchantId}</Link>}
                  </td>
                  <td
                    className="mono"
                    title={[r.ip, r.userAgent, r.requestId && `req ${r.requestId}`].filter(Boolean).join('\n')}
                  >
                    {r.ip}
                  </td>
                  <td>
                    <JsonCell value={r.before} label="before" />
                  </td>
                  <td>
                    <JsonCell value={r.after} label="after" />
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
