import type { Pool } from '@mypay/db';
import type { Logger } from '../logger.ts';
import { insertRequestLogBatch } from './request-log-repository.ts';

/** One request as the log stores it (bodies already redacted and capped). */
export interface RequestLogEntry {
  merchantId: string;
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
  requestBody: string | null;
  requestBodyTruncated: boolean;
  responseBody: string | null;
  responseBodyTruncated: boolean;
  createdAt: Date;
}

export interface RequestLogStats {
  /** Entries waiting for the next batch insert. */
  buffered: number;
  /** Entries written since start. */
  written: number;
  /** Entries lost since start: the buffer was full, or their batch insert failed. */
  dropped: number;
}

export interface RequestLogWriter {
  /** Never blocks, never throws: the entry is buffered, or dropped and counted. */
  record(entry: RequestLogEntry): void;
  /** Writes everything buffered now (tests, shutdown). */
  flush(): Promise<void>;
  stats(): RequestLogStats;
  /** Flushes what is left and stops the interval. */
  stop(): Promise<void>;
}

export interface RequestLogWriterOptions {
  pool: Pool;
  logger: Logger;
  /** Entries kept in memory at most; beyond it new ones are dropped (bounded memory whatever the database does). */
  maxBuffered?: number;
  /** Bytes of buffered entries at most (bodies, path, fixed part): the bound that holds whatever the body sizes. */
  maxBufferedBytes?: number;
  /** Rows per multi-row INSERT at most. */
  batchSize?: number;
  /** Bytes of body text per INSERT at most (well under max_allowed_packet, 16 MB by default on MariaDB). */
  batchBytes?: number;
  /**
   * How often the buffer is written (a full batch goes at once). 1 s: the log shares the database
   * with the payout writes, and fewer, larger batches cost it fewer statements and commits.
   */
  flushIntervalMs?: number;
}

const entryBytes = (entry: RequestLogEntry) =>
  (entry.requestBody?.length ?? 0) + (entry.responseBody?.length ?? 0) + entry.path.length + 256;

/**
 * The request log's write path, kept off the request: `record` appends to an in-memory buffer;
 * a timer (and a full batch) writes it with one multi-row INSERT per batch on the shared pool.
 * One flush runs at a time. When the buffer is full or an insert fails, entries are dropped and
 * counted (`stats().dropped`, shown by /health) — the API never waits on, or fails because of, its log.
 */
export function createRequestLogWriter(options: RequestLogWriterOptions): RequestLogWriter {
  const maxBuffered = options.maxBuffered ?? 10_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const batchSize = options.batchSize ?? 500;
  const batchBytes = options.batchBytes ?? 4 * 1024 * 1024;
  const log = options.logger.child({ component: 'request-log' });
  let buffer: RequestLogEntry[] = [];
  let bufferedBytes = 0;
  let written = 0;
  let dropped = 0;
  let failing = false;
  let flushing: Promise<void> | null = null;
  let soon = false;

  function takeBatch(): RequestLogEntry[] {
    let bytes = 0;
    let n = 0;
    while (n < buffer.length && n < batchSize) {
      bytes += entryBytes(buffer[n] as RequestLogEntry);
      if (n > 0 && bytes > batchBytes) break;
      n++;
    }
    const batch = buffer.slice(0, n);
    buffer = buffer.slice(n);
    for (const entry of batch) bufferedBytes -= entryBytes(entry);
    return batch;
  }

  async function drain(): Promise<void> {
    while (buffer.length > 0) {
      const batch = takeBatch();
      try {
        await insertRequestLogBatch(options.pool, batch);
        written += batch.length;
        if (failing) log.info({ dropped }, 'request log writes work again');
        failing = false;
      } catch (error) {
        dropped += batch.length;
        // Once per outage, not once per batch.
        if (!failing) log.warn({ reason: (error as Error)?.message, dropped }, 'request log write failed; dropping');
        failing = true;
        // The database is away: what is buffered now would most likely fail too; the next tick retries.
        return;
      }
    }
  }

  function flush(): Promise<void> {
    if (flushing) return flushing.then(() => (buffer.length > 0 ? flush() : undefined));
    flushing = drain().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1_000);
  timer.unref();

  return {
    record(entry) {
      const bytes = entryBytes(entry);
      if (buffer.length >= maxBuffered || bufferedBytes + bytes > maxBufferedBytes) {
        dropped++;
        return;
      }
      buffer.push(entry);
      bufferedBytes += bytes;
      // A full batch is written at once (on the next turn), not at the next tick.
      if (buffer.length >= batchSize && !flushing && !soon) {
        soon = true;
        setImmediate(() => {
          soon = false;
          void flush();
        });
      }
    },
    flush,
    stats: () => ({ buffered: buffer.length, written, dropped }),
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
