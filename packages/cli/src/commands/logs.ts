import type { ListRequestLogsParams, MyPay, RequestLog } from '@mypay/sdk';
import { colorEnabled, err, out, paint, printJson, table, UsageError } from '../output.ts';

export interface LogsOptions {
  status?: string;
  method?: string;
  path?: string;
  object?: string;
  idempotencyKey?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
  follow?: boolean;
  interval?: string;
  json: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The command line's filters as the API's query (the API checks `status` and the dates: 400 names the field). */
export function logFilters(options: LogsOptions): ListRequestLogsParams {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new UsageError('--limit is 1 to 100');
  }
  const method = options.method?.toUpperCase();
  if (method !== undefined && !METHODS.includes(method)) {
    throw new UsageError(`--method is one of ${METHODS.join(', ')}, got ${options.method}`);
  }
  if (options.status !== undefined && !/^(?:[1-5]\d\d|[1-5]xx)$/i.test(options.status)) {
    throw new UsageError(`--status is a code like 422 or a class like 4xx, got ${options.status}`);
  }
  return {
    limit,
    cursor: options.cursor,
    status: options.status?.toLowerCase(),
    method: method as ListRequestLogsParams['method'],
    path: options.path,
    objectId: options.object,
    idempotencyKey: options.idempotencyKey,
    from: options.from,
    to: options.to,
  };
}

const statusStyle = (status: number) => (status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green');

/** One request on one line: time, status, method, path, duration, object, request id. */
export function formatLogLine(entry: RequestLog, color = colorEnabled()): string {
  const time = entry.createdAt.slice(11, 23);
  const extras = [
    entry.objectId ? paint('cyan', entry.objectId, color) : '',
    entry.errorCode ? paint('red', entry.errorCode, color) : '',
    entry.idempotentReplayed ? paint('magenta', 'replayed', color) : '',
  ].filter(Boolean);
  return [
    paint('dim', time, color),
    paint(statusStyle(entry.status), String(entry.status), color),
    paint('bold', entry.method.padEnd(6), color),
    entry.path,
    paint('dim', `${entry.durationMs}ms`, color),
    ...extras,
    paint('dim', `[${entry.requestId}]`, color),
  ].join(' ');
}

export async function logsCommand(client: MyPay, options: LogsOptions, signal?: AbortSignal): Promise<void> {
  const filters = logFilters(options);
  if (options.follow) return followLogs(client, options, filters, signal);
  const page = await client.requestLogs.list(filters);
  if (options.json) return printJson(page);
  const color = colorEnabled();
  out(
    table(
      ['time', 'status', 'method', 'path', 'ms', 'object', 'request id'],
      page.data.map((e) => [
        e.createdAt,
        paint(statusStyle(e.status), String(e.status), color),
        e.method,
        e.path,
        String(e.durationMs),
        e.objectId ?? '',
        e.requestId,
      ]),
    ),
  );
  if (page.hasMore) out(paint('dim', `more: --cursor ${page.nextCursor}`, color));
}

/**
 * Entries are written in batches and carry their arrival time, so a slow request can land after a
 * newer one was shown: every poll looks this far behind the newest entry seen and drops repeats.
 */
const LOOKBACK_MS = 30_000;
/** Pages read per poll at most (100 each) before the rest waits for the next poll. */
const MAX_PAGES_PER_POLL = 10;

const entryKey = (e: RequestLog) => `${e.createdAt} ${e.requestId} ${e.method} ${e.path}`;

/**
 * `mypay logs --follow`: polls newest first and prints each new request once, oldest first, until
 * interrupted. Starts from now (or --from): what was logged before is not replayed.
 */
async function followLogs(
  client: MyPay,
  options: LogsOptions,
  filters: ListRequestLogsParams,
  signal?: AbortSignal,
): Promise<void> {
  const intervalMs = Number(options.interval ?? '1') * 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 100) throw new UsageError('--interval is at least 0.1 seconds');
  const color = colorEnabled();
  const seen = new Map<string, number>();
  const startedAt = options.from ? Date.parse(options.from) : Date.now();
  let newest = startedAt;
  let first = !options.from;
  while (!signal?.aborted) {
    const fresh: RequestLog[] = [];
    let cursor: string | undefined;
    try {
      for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
        const page = await client.requestLogs.list(
          { ...filters, limit: 100, cursor, from: new Date(newest - LOOKBACK_MS).toISOString() },
          { signal },
        );
        for (const entry of page.data) if (!seen.has(entryKey(entry))) fresh.push(entry);
        if (!page.hasMore || !page.nextCursor) break;
        cursor = page.nextCursor;
      }
    } catch (error) {
      if (signal?.aborted) return;
      // A restart or a network blip: say so once per failure and keep polling.
      err(
        paint('yellow', `could not read the log: ${(error as Error).message}; retrying`, colorEnabled(process.stderr)),
      );
      await wait(intervalMs * 2, signal);
      continue;
    }
    fresh.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const entry of fresh) {
      const at = Date.parse(entry.createdAt);
      seen.set(entryKey(entry), at);
      newest = Math.max(newest, at);
      // The first poll only learns what is already there (unless --from asked for it).
      if (first || at < startedAt) continue;
      out(options.json ? JSON.stringify(entry) : formatLogLine(entry, color));
    }
    if (first) {
      err(paint('dim', 'following the request log (Ctrl-C to stop)…', colorEnabled(process.stderr)));
    }
    first = false;
    for (const [key, at] of seen) if (at < newest - 2 * LOOKBACK_MS) seen.delete(key);
    await wait(intervalMs, signal);
  }
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
