import { isAppError, type Page } from '@mypay/core';
import Link from 'next/link';
import { one, parseDay, withQuery } from './query.ts';

/**
 * The filters every status list reads from its URL: a known status (anything else is no filter),
 * the UTC day range as typed (`fromText`, `toText`) and as dates, and the cursor.
 */
export function readListFilters<S extends string>(
  sp: Record<string, string | string[] | undefined>,
  statuses: readonly S[],
) {
  const wanted = one(sp.status);
  const status = statuses.find((s) => s === wanted);
  const fromText = one(sp.from);
  const toText = one(sp.to);
  return {
    status,
    fromText,
    toText,
    from: parseDay(fromText),
    to: parseDay(toText, true),
    cursor: one(sp.cursor),
    /** The filters as a query string's fields, for the export and page links. */
    query: { status, from: fromText, to: toText },
    filtered: Boolean(status || fromText || toText),
  };
}

/** A cursor edited by hand (400 VALIDATION_ERROR) shows the empty state rather than an error page. */
export function orEmptyPage<T>(work: Promise<Page<T>>): Promise<Page<T>> {
  return work.catch((error: unknown) => {
    if (isAppError(error) && error.code === 'VALIDATION_ERROR') return { data: [], hasMore: false, nextCursor: null };
    throw error;
  });
}

/** The status and date-range fields every list page filters by (GET form, values kept in the URL). */
export function StatusDateFields({
  statuses,
  status,
  fromText,
  toText,
}: {
  statuses: readonly string[];
  status: string | undefined;
  fromText: string | undefined;
  toText: string | undefined;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor="status">Status</label>
        <select id="status" name="status" defaultValue={status ?? ''}>
          <option value="">Any</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="from">From</label>
        <input id="from" name="from" type="date" defaultValue={fromText} />
      </div>
      <div className="field">
        <label htmlFor="to">To</label>
        <input id="to" name="to" type="date" defaultValue={toText} />
      </div>
    </>
  );
}

/** "← First page" once paged on, "Next page →" while there is more, both keeping the filters. */
export function PageLinks({
  path,
  query,
  cursor,
  nextCursor,
}: {
  path: string;
  query: Record<string, string | undefined>;
  cursor: string | undefined;
  nextCursor: string | null;
}) {
  return (
    <div className="row" style={{ marginTop: '0.75rem' }}>
      {cursor && <Link href={withQuery(path, query)}>← First page</Link>}
      {nextCursor && <Link href={withQuery(path, { ...query, cursor: nextCursor })}>Next page →</Link>}
    </div>
  );
}
