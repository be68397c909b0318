import { encodeCursor } from './cursor.ts';

/** `{data, hasMore, nextCursor}`: the answer of every list (docs/conventions.md, Lists). */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
}

/** A page size in 1…max (`fallback` when missing or not a number). */
export const pageLimit = (limit: number | undefined, fallback = 20, max = 100) =>
  Math.min(max, Math.max(1, Math.trunc(limit ?? fallback) || fallback));

/**
 * The page from `limit + 1` rows read newest first: the extra row only says there is more; the
 * cursor is the position of the last row shown.
 */
export function toPage<Row extends { createdAt: Date | string; id: string | number | bigint }>(
  rows: Row[],
  limit: number,
): Page<Row> {
  const data = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = data.at(-1);
  return { data, hasMore, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

/** A page with each item turned into what the list answers. */
export const mapPage = <T, U>(page: Page<T>, map: (item: T) => U): Page<U> => ({ ...page, data: page.data.map(map) });

/** A list's pages one after the other (their items), from the first to the last. */
export async function* eachPage<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    if (page.data.length > 0) yield page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * Every item of a list, newest first, read page by page through `fetchPage` and stopped after
 * `max` items: an export of any size holds one page in memory, and a slow consumer slows the reads.
 */
export async function* eachItem<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  max = Number.POSITIVE_INFINITY,
): AsyncGenerator<T> {
  let count = 0;
  for await (const items of eachPage(fetchPage)) {
    for (const item of items) {
      if (count++ >= max) return;
      yield item;
    }
  }
}
