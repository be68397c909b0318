import type { Db } from '@mypay/db';
import { AppError } from '../errors.ts';
import { type AdminPage, clampLimit, decodeTimeCursor, encodeTimeCursor } from './cursor.ts';

export const AUDIT_ACTOR_TYPES = ['ADMIN', 'MERCHANT', 'API_KEY', 'SYSTEM'] as const;

export interface AuditLogFilters {
  actorType?: (typeof AUDIT_ACTOR_TYPES)[number] | undefined;
  /** Exact actor id (admin id, merchant id, key id). */
  actorId?: string | undefined;
  /** Exact action (`balance.adjusted`), or a prefix ending in a dot (`login.`). */
  action?: string | undefined;
  merchantId?: string | undefined;
  /** Inclusive lower bound. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  to?: Date | undefined;
}

export interface AuditLogRow {
  id: number;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  merchantId: string | null;
  ip: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const COLUMNS =
  'id, createdAt, actorType, actorId, action, targetType, targetId, merchantId, ip, userAgent, `before`, `after`, requestId';

/** Builds the WHERE clause: every filter is a bound parameter, never interpolated. */
function whereClause(filters: AuditLogFilters, after?: { createdAt: Date; id: number }) {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (filters.actorType) {
    if (!AUDIT_ACTOR_TYPES.includes(filters.actorType)) {
      throw new AppError('VALIDATION_ERROR', 'unknown actor type', [
        { field: 'actorType', message: AUDIT_ACTOR_TYPES.join(', ') },
      ]);
    }
    sql.push('actorType = ?');
    params.push(filters.actorType);
  }
  if (filters.actorId) {
    sql.push('actorId = ?');
    params.push(filters.actorId);
  }
  if (filters.action) {
    if (filters.action.endsWith('.')) {
      sql.push('action LIKE ?');
      params.push(`${filters.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    } else {
      sql.push('action = ?');
      params.push(filters.action);
    }
  }
  if (filters.merchantId) {
    sql.push('merchantId = ?');
    params.push(filters.merchantId);
  }
  if (filters.from) {
    sql.push('createdAt >= ?');
    params.push(filters.from);
  }
  if (filters.to) {
    sql.push('createdAt < ?');
    params.push(filters.to);
  }
  if (after) {
    // Keyset: strictly older than the last row seen (newest-first order on (createdAt, id)).
    sql.push('(createdAt < ? OR (createdAt = ? AND id < ?))');
    params.push(after.createdAt, after.createdAt, after.id);
  }
  return { where: sql.length > 0 ? `WHERE ${sql.join(' AND ')}` : '', params };
}

const parseJson = (value: unknown) => {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const toRow = (r: Record<string, unknown>): AuditLogRow => ({
  id: Number(r.id),
  createdAt: r.createdAt as Date,
  actorType: r.actorType as string,
  actorId: (r.actorId as string | null) ?? null,
  action: r.action as string,
  targetType: (r.targetType as string | null) ?? null,
  targetId: (r.targetId as string | null) ?? null,
  merchantId: (r.merchantId as string | null) ?? null,
  ip: (r.ip as string | null) ?? null,
  userAgent: (r.userAgent as string | null) ?? null,
  before: parseJson(r.before),
  after: parseJson(r.after),
  requestId: (r.requestId as string | null) ?? null,
});

function decodeAuditCursor(cursor: string) {
  const c = decodeTimeCursor(cursor);
  const id = Number(c.id);
  if (!Number.isSafeInteger(id)) {
    throw new AppError('VALIDATION_ERROR', 'invalid cursor', [{ field: 'cursor', message: 'not a cursor we issued' }]);
  }
  return { createdAt: c.createdAt, id };
}

async function fetchBatch(
  db: Pick<Db, 'pool'>,
  filters: AuditLogFilters,
  limit: number,
  after?: { createdAt: Date; id: number },
): Promise<AuditLogRow[]> {
  const { where, params } = whereClause(filters, after);
  // Newest first on (createdAt, id): the AuditLog indexes (merchantId|actorId|action, createdAt)
  // carry the primary key, so each filtered page is an index range scan.
  const rows = (await db.pool.query(
    `SELECT ${COLUMNS} FROM AuditLog ${where} ORDER BY createdAt DESC, id DESC LIMIT ?`,
    [...params, limit],
  )) as Record<string, unknown>[];
  return rows.map(toRow);
}

/** One page of the audit log, newest first, with a cursor for the next page. Read-only. */
export async function queryAuditLog(
  db: Pick<Db, 'pool'>,
  filters: AuditLogFilters,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<AdminPage<AuditLogRow>> {
  const limit = clampLimit(page.limit, 50);
  const rows = await fetchBatch(db, filters, limit + 1, page.cursor ? decodeAuditCursor(page.cursor) : undefined);
  const data = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = data.at(-1);
  return { data, hasMore, nextCursor: hasMore && last ? encodeTimeCursor(last) : null };
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'createdAt',
  'actorType',
  'actorId',
  'action',
  'targetType',
  'targetId',
  'merchantId',
  'ip',
  'userAgent',
  'before',
  'after',
  'requestId',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const auditRowToCsv = (row: AuditLogRow) => `${AUDIT_CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;

/**
 * The filtered audit log as CSV text chunks (header first), newest first. Rows are read in
 * batches by keyset pagination, so memory stays at one batch however many rows match; the
 * consumer pulls, so a slow download slows the reads instead of buffering.
 */
export async function* streamAuditLogCsv(
  db: Pick<Db, 'pool'>,
  filters: AuditLogFilters,
  options: { batchSize?: number } = {},
): AsyncGenerator<string> {
  const batchSize = Math.min(5_000, Math.max(1, options.batchSize ?? 1_000));
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  let after: { createdAt: Date; id: number } | undefined;
  for (;;) {
    const rows = await fetchBatch(db, filters, batchSize, after);
    if (rows.length === 0) return;
    yield rows.map(auditRowToCsv).join('');
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
