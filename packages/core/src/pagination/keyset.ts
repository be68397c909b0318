import type { Pool } from '@mypay/db';
import { decodeCursor, invalidCursorError } from './cursor.ts';
import { type Page, toPage } from './page.ts';

/**
 * Keyset pagination, newest first on (createdAt, id): a page is "strictly older than the last row
 * shown", never an offset, so rows inserted while a client pages sort before its cursor and do not
 * shift later pages. Every list has an index (…, createdAt, id) — or (…, createdAt) on InnoDB,
 * whose secondary indexes carry the primary key — so a page is one index range scan.
 *
 * Plain SQL that MySQL 8.0 and MariaDB both run: the expanded `createdAt < ? OR (createdAt = ? AND
 * id < ?)`, as the lists have always used, rather than a row-value comparison.
 */

/** One ANDed condition: SQL with `?` placeholders and its values (never interpolated). */
export type SqlCondition = readonly [sql: string, ...params: unknown[]];

/** The condition when the filter value is given, else none: `...ifGiven(input.status, 'status = ?')`. */
export const ifGiven = (value: unknown, sql: string): SqlCondition[] =>
  value === undefined || value === null || value === '' ? [] : [[sql, value]];

export interface KeysetOptions {
  /** The alias of the listed table in a join (`p` → `p.createdAt`, `p.id`). */
  alias?: string | undefined;
  /** The id is an auto-increment number: a cursor with any other id is refused. */
  numericId?: boolean | undefined;
  /**
   * `id` where ids grow in commit order and the index is (…, id) (the ledger, whose running
   * balance follows id order); default (createdAt, id).
   */
  key?: 'createdAt,id' | 'id' | undefined;
}

/** The cursor's condition (none without a cursor) and the matching ORDER BY. */
export function keysetSql(cursor: string | undefined, options: KeysetOptions = {}) {
  const col = (name: string) => (options.alias ? `${options.alias}.${name}` : name);
  const orderBy =
    options.key === 'id' ? `ORDER BY ${col('id')} DESC` : `ORDER BY ${col('createdAt')} DESC, ${col('id')} DESC`;
  if (!cursor) return { conditions: [] as SqlCondition[], orderBy };
  const after = decodeCursor(cursor);
  if (options.numericId && !/^\d{1,19}$/.test(after.id)) throw invalidCursorError();
  const conditions: SqlCondition[] =
    options.key === 'id'
      ? [[`${col('id')} < ?`, after.id]]
      : [
          [
            `(${col('createdAt')} < ? OR (${col('createdAt')} = ? AND ${col('id')} < ?))`,
            after.createdAt,
            after.createdAt,
            after.id,
          ],
        ];
  return { conditions, orderBy };
}

/** The creation-time window every list takes (`from`, `to`); `to` is inclusive unless said. */
export function createdWithin(
  range: { from?: Date | undefined; to?: Date | undefined },
  options: { alias?: string | undefined; toExclusive?: boolean | undefined } = {},
): SqlCondition[] {
  const column = options.alias ? `${options.alias}.createdAt` : 'createdAt';
  return [
    ...ifGiven(range.from, `${column} >= ?`),
    ...ifGiven(range.to, `${column} ${options.toExclusive ? '<' : '<='} ?`),
  ];
}

export interface KeysetQuery extends KeysetOptions {
  /** The column list, qualified with the alias where the FROM joins. */
  select: string;
  /** What follows FROM: a table, or a table with its alias and joins. */
  from: string;
  /** The filters, ANDed (the merchant scope first where there is one). */
  where: SqlCondition[];
}

/** One page of a list: the query, the cursor's condition, `limit + 1` rows, the next cursor. */
export async function queryPage<Row extends { createdAt: Date | string; id: string | number | bigint }>(
  pool: Pick<Pool, 'query'>,
  query: KeysetQuery,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Row>> {
  const keyset = keysetSql(page.cursor, query);
  const conditions = [...query.where, ...keyset.conditions];
  const where = conditions.length > 0 ? `WHERE ${conditions.map(([sql]) => sql).join(' AND ')}` : '';
  const rows = (await pool.query(`SELECT ${query.select} FROM ${query.from} ${where} ${keyset.orderBy} LIMIT ?`, [
    ...conditions.flatMap(([, ...params]) => params),
    page.limit + 1,
  ])) as Row[];
  return toPage(rows, page.limit);
}

/** The same page through Prisma, for the lists read with it: spread into findMany, then toPage. */
export function keysetPrisma(cursor: string | undefined, limit: number) {
  const orderBy = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
  if (!cursor) return { where: {}, orderBy, take: limit + 1 };
  const after = decodeCursor(cursor);
  return {
    where: { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
    orderBy,
    take: limit + 1,
  };
}
