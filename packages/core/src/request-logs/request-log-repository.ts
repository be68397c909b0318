import type { Pool } from '@mypay/db';
import type { RequestLogEntry } from './request-log-writer.ts';

/**
 * The request log's data access: the writer's multi-row INSERT, the read of one logged request and
 * of the events it caused, and the retention purge's chunked DELETE. Plain SQL on the pool (the
 * log is written off the request's path, never in a business transaction). The list's page query
 * is queryPage's (pagination/), over the columns here.
 */

/** A RequestLog row as read (`requestBody`… only in the detail's query). */
export interface RequestLogRow {
  id: bigint | number;
  requestId: string;
  api: 'payout' | 'payment';
  method: string;
  path: string;
  route: string | null;
  status: number;
  durationMs: number;
  errorCode: string | null;
  idempotencyKey: string | null;
  idempotentReplayed: number | boolean;
  objectId: string | null;
  keyPrefix: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  requestBody?: string | null;
  requestBodyTruncated?: number | boolean;
  responseBody?: string | null;
  responseBodyTruncated?: number | boolean;
}

/** The columns of a list row (no bodies). */
export const REQUEST_LOG_LIST_COLUMNS =
  'id, requestId, api, method, path, route, status, durationMs, errorCode, idempotencyKey, idempotentReplayed, objectId, keyPrefix, ip, userAgent, createdAt';

const INSERT_COLUMNS = [
  'merchantId',
  'requestId',
  'api',
  'method',
  'path',
  'route',
  'status',
  'durationMs',
  'errorCode',
  'idempotencyKey',
  'idempotentReplayed',
  'objectId',
  'keyPrefix',
  'ip',
  'userAgent',
  'requestBody',
  'requestBodyTruncated',
  'responseBody',
  'responseBodyTruncated',
  'createdAt',
] as const satisfies readonly (keyof RequestLogEntry)[];

const ROW_PLACEHOLDERS = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_PREFIX = `INSERT INTO RequestLog (${INSERT_COLUMNS.join(', ')}) VALUES `;

/** The batch in one multi-row INSERT. */
export async function insertRequestLogBatch(pool: Pool, batch: readonly RequestLogEntry[]): Promise<void> {
  const params: unknown[] = [];
  for (const entry of batch) for (const column of INSERT_COLUMNS) params.push(entry[column]);
  await pool.query(INSERT_PREFIX + batch.map(() => ROW_PLACEHOLDERS).join(', '), params);
}

/** The merchant's newest logged request with this id, with both bodies; null when there is none. */
export async function findRequestLogByRequestId(
  pool: Pool,
  merchantId: string,
  requestId: string,
): Promise<RequestLogRow | null> {
  const rows = (await pool.query(
    `SELECT ${REQUEST_LOG_LIST_COLUMNS}, requestBody, requestBodyTruncated, responseBody, responseBodyTruncated
       FROM RequestLog WHERE merchantId = ? AND requestId = ? ORDER BY createdAt DESC, id DESC LIMIT 1`,
    [merchantId, requestId],
  )) as RequestLogRow[];
  return rows[0] ?? null;
}

/**
 * The merchant's events created within [from, to] whose payload names this request id, in sequence
 * order. The events index (merchantId, createdAt, id) bounds the scan to that window.
 */
export async function findEventsOfRequest(
  pool: Pool,
  merchantId: string,
  requestId: string,
  from: Date,
  to: Date,
): Promise<{ id: string; type: string; createdAt: Date }[]> {
  return (await pool.query(
    `SELECT id, type, createdAt FROM WebhookEvent
      WHERE merchantId = ? AND createdAt BETWEEN ? AND ?
        AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.request.id')) = ?
      ORDER BY sequence`,
    [merchantId, from, to, requestId],
  )) as { id: string; type: string; createdAt: Date }[];
}

/** Rows the purge deletes per statement at most, so no statement holds locks for long. */
export const REQUEST_LOG_PURGE_CHUNK = 5000;

/** Deletes up to REQUEST_LOG_PURGE_CHUNK entries created before `before`; how many went. */
export async function deleteRequestLogChunkBefore(pool: Pool, before: Date): Promise<number> {
  const result = (await pool.query(`DELETE FROM RequestLog WHERE createdAt < ? LIMIT ${REQUEST_LOG_PURGE_CHUNK}`, [
    before,
  ])) as { affectedRows: number };
  return result.affectedRows;
}
