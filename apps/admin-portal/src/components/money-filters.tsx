import Link from 'next/link';
import { one, parseDay } from './query.ts';

/** The filters the payouts and payments lists share, as read from the query string. */
export interface RawMoneyFilters {
  merchantId?: string | undefined;
  status?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function readMoneyFilters(
  params: Record<string, string | string[] | undefined>,
  statuses: readonly string[],
): { raw: RawMoneyFilters; filters: { merchantId?: string; status?: string; q?: string; from?: Date; to?: Date } } {
  const raw: RawMoneyFilters = {
    merchantId: one(params.merchantId),
    status: one(params.status),
    q: one(params.q),
    from: one(params.from),
    to: one(params.to),
  };
  const status = statuses.find((s) => s === raw.status);
  return {
    raw,
    filters: {
      ...(raw.merchantId ? { merchantId: raw.merchantId.trim() } : {}),
      ...(status ? { status } : {}),
      ...(raw.q ? { q: raw.q } : {}),
      ...(parseDay(raw.from) ? { from: parseDay(raw.from)! } : {}),
      ...(parseDay(raw.to, true) ? { to: parseDay(raw.to, true)! } : {}),
    },
  };
}

export function MoneyFilters({
  raw,
  statuses,
  path,
  qLabel,
  qPlaceholder,
  label,
}: {
  raw: RawMoneyFilters;
  statuses: readonly string[];
  path: string;
  qLabel: string;
  qPlaceholder: string;
  label: string;
}) {
  return (
    <form className="panel filters" method="get" aria-label={label}>
      <div className="field">
        <label htmlFor="q">{qLabel}</label>
        <input id="q" name="q" defaultValue={raw.q} placeholder={qPlaceholder} />
      </div>
      <div className="field">
        <label htmlFor="merchantId">Merchant id</label>
        <input id="merchantId" name="merchantId" defaultValue={raw.merchantId} placeholder="mer_…" />
      </div>
      <div className="field">
        <label htmlFor="status">Status</label>
        <select id="status" name="status" defaultValue={raw.status ?? ''}>
          <option value="">any</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
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
      <Link href={path}>Clear</Link>
    </form>
  );
}
