import {
  eventTypeMatches,
  isApiKeyStillActive,
  type Logger,
  readEventsAfter,
  readEventsByIds,
  readRecentEventIds,
  type StreamedEvent,
} from '@mypay/core';
import type { Pool } from '@mypay/db';

export interface EventStreamTiming {
  /** How often a connection asks the database for new events. */
  pollIntervalMs: number;
  /** A comment line this often keeps proxies (nginx: 60 s) from closing an idle stream. */
  heartbeatIntervalMs: number;
  /** How far back late commits are looked for (see read-event-stream.ts in core). */
  lookbackMs: number;
  /** How often the late-commit look-back runs. */
  recoveryIntervalMs: number;
  /** How often the key is checked again (revoked key or suspended merchant ends the stream). */
  authRecheckIntervalMs: number;
}

export const DEFAULT_EVENT_STREAM_TIMING: EventStreamTiming = {
  pollIntervalMs: 200,
  heartbeatIntervalMs: 15_000,
  lookbackMs: 15_000,
  recoveryIntervalMs: 1_000,
  authRecheckIntervalMs: 30_000,
};

const BATCH = 100;

export interface EventStreamConnection {
  pool: Pool;
  logger: Logger;
  merchantId: string;
  keyId: string;
  patterns: string[];
  /** Position to stream after, and the id of that event (null: before the merchant's first event). */
  start: { seq: number; id: string | null };
  /** Late commits at or below this seq are not looked for (the position the client connected at, or 0 on resume). */
  recoveryFloor: number;
  /** Resolves once the chunk is handed to the socket (waits on back-pressure). */
  write(chunk: string): Promise<void>;
  /** True once the client went away or the server is closing. */
  isClosed(): boolean;
  timing: EventStreamTiming;
}

/** One SSE message. The body is one line (stored JSON); split anyway so a newline could never break framing. */
export function sseMessage(fields: { id?: string | null; event?: string; data: string }): string {
  let text = '';
  if (fields.id) text += `id: ${fields.id}\n`;
  if (fields.event) text += `event: ${fields.event}\n`;
  for (const line of fields.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Streams the merchant's events from `start` until the connection closes. Per connection: one
 * indexed query per poll, never two in flight. Ends (returns) on close, on a database error (the
 * client reconnects and resumes) or when the key stops being valid.
 */
export async function runEventStream(conn: EventStreamConnection): Promise<void> {
  const { pool, merchantId, timing } = conn;
  let cursor = conn.start.seq;
  let cursorId = conn.start.id;
  // Ids already handled (sent or filtered out) with their createdAt, for the late-commit look-back.
  const seen = new Map<string, number>();
  let lastWrite = Date.now();
  let lastRecovery = Date.now();
  let lastAuthCheck = Date.now();

  const send = async (event: StreamedEvent) => {
    seen.set(event.id, event.createdAt.getTime());
    if (!eventTypeMatches(event.type, conn.patterns)) return;
    // `id` is the resume position (the newest event read), not necessarily this event: a late
    // commit is older than the position, and resuming from it would replay what came after it.
    await conn.write(sseMessage({ id: cursorId, event: event.type, data: event.body }));
    lastWrite = Date.now();
  };

  try {
    while (!conn.isClosed()) {
      const batch = await readEventsAfter(pool, merchantId, cursor, BATCH);
      for (const event of batch) {
        if (conn.isClosed()) return;
        cursor = event.seq;
        cursorId = event.id;
        if (!seen.has(event.id)) await send(event);
      }

      const now = Date.now();
      if (now - lastRecovery >= timing.recoveryIntervalMs) {
        lastRecovery = now;
        for (const [id, at] of seen) if (at < now - 2 * timing.lookbackMs) seen.delete(id);
        const recent = await readRecentEventIds(pool, merchantId, {
          since: new Date(now - timing.lookbackMs),
          aboveSeq: conn.recoveryFloor,
          upToSeq: cursor,
        });
        const missed = recent.filter((row) => !seen.has(row.id)).map((row) => row.id);
        if (missed.length > 0) {
          conn.logger.debug({ merchantId, missed }, 'event stream: sending late-committed events');
          for (const event of await readEventsByIds(pool, merchantId, missed)) {
            if (conn.isClosed()) return;
            await send(event);
          }
        }
      }

      if (now - lastAuthCheck >= timing.authRecheckIntervalMs) {
        lastAuthCheck = now;
        if (!(await isApiKeyStillActive(pool, conn.keyId))) {
          await conn.write(
            sseMessage({ event: 'error', data: JSON.stringify({ code: 'UNAUTHENTICATED', message: 'key revoked' }) }),
          );
          return;
        }
      }

      if (Date.now() - lastWrite >= timing.heartbeatIntervalMs) {
        await conn.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      // A full batch means more is waiting: read on at once.
      if (batch.length < BATCH) await sleep(timing.pollIntervalMs);
    }
  } catch (error) {
    if (conn.isClosed()) return;
    conn.logger.warn({ err: error, merchantId }, 'event stream ended by an error; the client will resume');
    await conn
      .write(
        sseMessage({
          event: 'error',
          data: JSON.stringify({ code: 'STREAM_INTERRUPTED', message: 'reconnect and resume' }),
        }),
      )
      .catch(() => {});
  }
}
