import type { Db, Pool } from '@mypay/db';
import { notFound } from '../errors.ts';
import { createdWithin, ifGiven, mapPage, type Page, queryPage, type SqlCondition } from '../pagination/index.ts';
import {
  deleteRequestLogChunkBefore,
  findEventsOfRequest,
  findRequestLogByRequestId,
  REQUEST_LOG_LIST_COLUMNS,
  REQUEST_LOG_PURGE_CHUNK,
  type RequestLogRow,
} from './request-log-repository.ts';

/** One logged request as the read API answers it (bodies only in the detail). */
export interface RequestLogResource {
  requestId: string;
  api: 'payout' | 'payment';
  method: string;
  path: string;
  route: string | null;
  status: number;
  durationMs: number;
  errorCode: string | null;
  idempotencyKey: string | null;
  idempotentReplayed: boolean;
  objectId: string | null;
  keyPrefix: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface RequestLogDetail extends RequestLogResource {
  /** The JSON body as sent (redacted); a string of its first 16 KB when truncated; null when none. */
  requestBody: unknown;
  requestBodyTruncated: boolean;
  responseBody: unknown;
  responseBodyTruncated: boolean;
  /** Events this request caused (their `request.id` is this request's id). */
  events: { id: string; type: string; createdAt: string }[];
}

export interface ListRequestLogsInput {
  merchantId: string;
  limit: number;
  cursor?: string | undefined;
  /** A status code (`422`) or a class (`4xx`). */
  status?: string | undefined;
  method?: string | undefined;
  /** Prefix of the path as called. */
  path?: string | undefined;
  objectId?: string | undefined;
  idempotencyKey?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function toResource(row: RequestLogRow): RequestLogResource {
  return {
    requestId: row.requestId,
    api: row.api,
    method: row.method,
    path: row.path,
    route: row.route,
    status: Number(row.status),
    durationMs: Number(row.durationMs),
    errorCode: row.errorCode,
    idempotencyKey: row.idempotencyKey,
    idempotentReplayed: Boolean(row.idempotentReplayed),
    objectId: row.objectId,
    keyPrefix: row.keyPrefix,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function storedBody(text: string | null | undefined, truncated: boolean): unknown {
  if (text === null || text === undefined) return null;
  if (truncated) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The merchant's logged requests, newest first. Keyset pagination on (createdAt, id) — index
 * (merchantId, createdAt, id) — like every other list; the filters narrow that range scan.
 */
export async function listRequestLogs(
  db: Pick<Db, 'pool'>,
  input: ListRequestLogsInput,
): Promise<Page<RequestLogResource>> {
  const page = await queryPage<RequestLogRow>(
    db.pool,
    {
      select: REQUEST_LOG_LIST_COLUMNS,
      from: 'RequestLog',
      numericId: true,
      where: [
        ['merchantId = ?', input.merchantId],
        ...statusCondition(input.status),
        ...ifGiven(input.method?.toUpperCase(), 'method = ?'),
        ...ifGiven(input.path && `${escapeLike(input.path)}%`, "path LIKE ? ESCAPE '\\\\'"),
        ...ifGiven(input.objectId, 'objectId = ?'),
        ...ifGiven(input.idempotencyKey, 'idempotencyKey = ?'),
        ...createdWithin(input),
      ],
    },
    input,
  );
  return mapPage(page, toResource);
}

/** A status code (`422`) or a class (`4xx`). */
function statusCondition(status: string | undefined): SqlCondition[] {
  if (!status) return [];
  const cls = /^([1-5])xx$/i.exec(status);
  return cls
    ? [['status BETWEEN ? AND ?', Number(cls[1]) * 100, Number(cls[1]) * 100 + 99]]
    : [['status = ?', Number(status)]];
}

/** How far after a request its events can be written: its own duration plus a margin for clock steps. */
const EVENT_WINDOW_MS = 5_000;

/**
 * One logged request of the merchant with both bodies and the events it caused; another
 * merchant's or an unknown id is NOT_FOUND. A request id the caller reused names its newest request.
 */
export async function getRequestLogOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  requestId: string,
): Promise<RequestLogDetail> {
  const row = await findRequestLogByRequestId(db.pool, merchantId, requestId);
  if (!row) throw notFound('request log entry');
  const requestBodyTruncated = Boolean(row.requestBodyTruncated);
  const responseBodyTruncated = Boolean(row.responseBodyTruncated);
  return {
    ...toResource(row),
    requestBody: storedBody(row.requestBody, requestBodyTruncated),
    requestBodyTruncated,
    responseBody: storedBody(row.responseBody, responseBodyTruncated),
    responseBodyTruncated,
    events: await eventsOfRequest(db.pool, merchantId, requestId, new Date(row.createdAt), Number(row.durationMs)),
  };
}

async function eventsOfRequest(
  pool: Pool,
  merchantId: string,
  requestId: string,
  startedAt: Date,
  durationMs: number,
): Promise<RequestLogDetail['events']> {
  // The request's own time window: from a second before it started to EVENT_WINDOW_MS after it ended.
  const rows = await findEventsOfRequest(
    pool,
    merchantId,
    requestId,
    new Date(startedAt.getTime() - 1_000),
    new Date(startedAt.getTime() + durationMs + EVENT_WINDOW_MS),
  );
  return rows.map((r) => ({ id: r.id, type: r.type, createdAt: new Date(r.createdAt).toISOString() }));
}

/** Deletes entries older than the retention, in bounded chunks (REQUEST_LOG_PURGE_CHUNK). */
export async function purgeRequestLogs(pool: Pool, retentionDays: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await deleteRequestLogChunkBefore(pool, before);
    total += deleted;
    if (deleted < REQUEST_LOG_PURGE_CHUNK) return total;
  }
}
