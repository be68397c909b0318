import type { Db } from '@mypay/db';
import { AppError } from '../errors.ts';
import {
  createdWithin,
  eachPage,
  ifGiven,
  mapPage,
  type Page,
  pageLimit,
  queryPage,
  type SqlCondition,
} from '../pagination/index.ts';

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

/** The filters as conditions: every value a bound parameter, never interpolated. */
function auditConditions(filters: AuditLogFilters): SqlCondition[] {
  if (filters.actorType && !AUDIT_ACTOR_TYPES.includes(filters.actorType)) {
    throw new AppError('VALIDATION_ERROR', 'unknown actor type', [
      { field: 'actorType', message: AUDIT_ACTOR_TYPES.join(', ') },
    ]);
  }
  const action = filters.action;
  return [
    ...ifGiven(filters.actorType, 'actorType = ?'),
    ...ifGiven(filters.actorId, 'actorId = ?'),
    ...(action?.endsWith('.')
      ? ifGiven(`${action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, 'action LIKE ?')
      : ifGiven(action, 'action = ?')),
    ...ifGiven(filters.merchantId, 'merchantId = ?'),
    ...createdWithin(filters, { toExclusive: true }),
  ];
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

/**
 * Newest first on (createdAt, id): the AuditLog indexes (merchantId|actorId|action, createdAt)
 * carry the primary key, so each filtered page is an index range scan.
 */
async function auditPage(db: Pick<Db, 'pool'>, filters: AuditLogFilters, limit: number, cursor?: string) {
  const page = await queryPage<Record<string, unknown> & { createdAt: Date; id: number }>(
    db.pool,
    { select: COLUMNS, from: 'AuditLog', numericId: true, where: auditConditions(filters) },
    { limit, cursor },
  );
  return mapPage(page, toRow);
}

/** One page of the audit log, newest first, with a cursor for the next page. Read-only. */
export async function queryAuditLog(
  db: Pick<Db, 'pool'>,
  filters: AuditLogFilters,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<Page<AuditLogRow>> {
  return auditPage(db, filters, pageLimit(page.limit, 50), page.cursor);
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
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe;
 * numbers are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number is data, never a formula: a debit stays `-123456`, so spreadsheets sum it.
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return String(value);
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
  for await (const rows of eachPage((cursor) => auditPage(db, filters, batchSize, cursor))) {
    yield rows.map(auditRowToCsv).join('');
  }
}
