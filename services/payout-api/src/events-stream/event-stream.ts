import {
  AppError,
  activeApiKeyIds,
  eventTypeMatches,
  getMaxEventSeq,
  type Logger,
  type MerchantStreamedEvent,
  readEventsAfter,
  readEventsAfterForMerchants,
  readEventsByIdsForMerchants,
  readRecentEventIdsForMerchants,
  type StreamedEvent,
} from '@mypay/core';
import type { Pool } from '@mypay/db';

export interface EventStreamTiming {
  /** How often the process-wide poller asks the database for new events (one statement for all streams). */
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
/** A stream whose client reads slower than this many queued messages is ended (it resumes by reconnecting). */
const MAX_QUEUED = 1_000;

/** One SSE message. The body is one line (stored JSON); split anyway so a newline could never break framing. */
export function sseMessage(fields: { id?: string | null; event?: string; data: string }): string {
  let text = '';
  if (fields.id) text += `id: ${fields.id}\n`;
  if (fields.event) text += `event: ${fields.event}\n`;
  for (const line of fields.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

export interface EventStreamLimits {
  /** Concurrent streams per API key (EVENT_STREAM_MAX_PER_KEY). */
  maxPerKey: number;
  /** Concurrent streams per merchant, all its keys together (EVENT_STREAM_MAX_PER_MERCHANT). */
  maxPerMerchant: number;
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = { maxPerKey: 5, maxPerMerchant: 10 };

/** Seconds a client refused for too many streams is told to wait (Retry-After). */
export const STREAM_LIMIT_RETRY_AFTER_SECONDS = 10;

export interface EventStreamConnection {
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
}

interface Subscriber {
  conn: EventStreamConnection;
  /** The resume position sent as `id:` (the newest event of the merchant read so far). */
  cursorId: string | null;
  /** Ids already handled (sent or filtered out) with their createdAt, for the late-commit look-back. */
  seen: Map<string, number>;
  lastWrite: number;
  queue: string[];
  pumping: boolean;
  /** Set once the stream is over: what is queued is still written, then `done` resolves. */
  ending: boolean;
  done: () => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const interrupted = sseMessage({
  event: 'error',
  data: JSON.stringify({ code: 'STREAM_INTERRUPTED', message: 'reconnect and resume' }),
});
const revoked = sseMessage({
  event: 'error',
  data: JSON.stringify({ code: 'UNAUTHENTICATED', message: 'key revoked' }),
});

/**
 * Every event stream of a process, served by one poller: each round is one statement for all open
 * streams (`merchantId IN (…) AND seq > <the poller's position>`), whatever their number, and the
 * rows are handed to the streams of their merchant. A new stream first reads its own backlog (from
 * the position it resumes at up to the poller's), then joins. The late-commit look-back (see
 * read-event-stream.ts in core) and the key re-check are one statement per round for all streams
 * too. Streams are capped per key and per merchant (429 RATE_LIMITED past either); a slow client
 * gets its own queue, so it never holds up the others.
 */
export class EventStreamHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly perKey = new Map<string, number>();
  private readonly perMerchant = new Map<string, number>();
  /** Every event with seq <= cursor of a joined stream's merchant has been read (null: not polling). */
  private cursor: number | null = null;
  private cursorLoad: Promise<number> | null = null;
  /** The poll statement in flight, if any: a stream joins only between polls. */
  private polling: Promise<unknown> | null = null;
  private running = false;
  private lastRecovery = 0;
  private lastAuthCheck = 0;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly timing: EventStreamTiming,
    private readonly limits: EventStreamLimits,
  ) {}

  /**
   * Takes a slot for a new stream, synchronously (before any await, so concurrent requests cannot
   * all pass the check); call the returned function exactly once when the stream ends.
   */
  reserve(keyId: string, merchantId: string): () => void {
    const forKey = this.perKey.get(keyId) ?? 0;
    const forMerchant = this.perMerchant.get(merchantId) ?? 0;
    if (forKey >= this.limits.maxPerKey || forMerchant >= this.limits.maxPerMerchant) {
      const which =
        forKey >= this.limits.maxPerKey
          ? `${this.limits.maxPerKey} per API key`
          : `${this.limits.maxPerMerchant} per merchant`;
      throw new AppError('RATE_LIMITED', `too many open event streams: at most ${which}; close one first`, undefined, {
        'Retry-After': String(STREAM_LIMIT_RETRY_AFTER_SECONDS),
      });
    }
    this.perKey.set(keyId, forKey + 1);
    this.perMerchant.set(merchantId, forMerchant + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const k = (this.perKey.get(keyId) ?? 1) - 1;
      const m = (this.perMerchant.get(merchantId) ?? 1) - 1;
      if (k > 0) this.perKey.set(keyId, k);
      else this.perKey.delete(keyId);
      if (m > 0) this.perMerchant.set(merchantId, m);
      else this.perMerchant.delete(merchantId);
    };
  }

  /**
   * Streams the merchant's events from `start` until the connection closes, the key stops being
   * valid, or a database error ends it (the client reconnects and resumes).
   */
  async run(conn: EventStreamConnection): Promise<void> {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const sub: Subscriber = {
      conn,
      cursorId: conn.start.id,
      // The event a client resumes from is one it has: the look-back never sends it again.
      seen: new Map(conn.start.id ? [[conn.start.id, Date.now()]] : []),
      lastWrite: Date.now(),
      queue: [],
      pumping: false,
      ending: false,
      done,
    };
    try {
      await this.catchUpAndJoin(sub);
    } catch (error) {
      if (!conn.isClosed()) {
        this.logger.warn(
          { err: error, merchantId: conn.merchantId },
          'event stream ended by an error; the client will resume',
        );
      }
      this.end(sub, interrupted);
    }
    return finished;
  }

  /** Reads the stream's own backlog up to the poller's position, then joins between two polls. */
  private async catchUpAndJoin(sub: Subscriber): Promise<void> {
    const { conn } = sub;
    let position = conn.start.seq;
    for (;;) {
      if (conn.isClosed()) return this.end(sub);
      const upTo = await this.loadCursor();
      if (this.polling) {
        await this.polling.catch(() => {});
        continue;
      }
      const batch = await readEventsAfter(this.pool, conn.merchantId, position, BATCH, upTo);
      for (const event of batch) {
        position = event.seq;
        sub.cursorId = event.id;
        this.deliver(sub, event);
      }
      if (batch.length === BATCH) continue;
      position = Math.max(position, upTo);
      // Synchronous from the check to the join: no poll can start in between.
      if (!this.polling && this.cursor === upTo) {
        this.subscribers.add(sub);
        this.startPolling();
        return;
      }
    }
  }

  private loadCursor(): Promise<number> {
    if (this.cursor !== null) return Promise.resolve(this.cursor);
    this.cursorLoad ??= getMaxEventSeq(this.pool)
      .then((seq) => {
        this.cursor ??= seq;
        return this.cursor;
      })
      .finally(() => {
        this.cursorLoad = null;
      });
    return this.cursorLoad;
  }

  private startPolling(): void {
    if (this.running) return;
    this.running = true;
    const now = Date.now();
    this.lastRecovery = now;
    this.lastAuthCheck = now;
    void this.pollLoop();
  }

  private async pollLoop(): Promise<void> {
    try {
      while (this.subscribers.size > 0) {
        let full = false;
        try {
          full = await this.round();
        } catch (error) {
          this.logger.warn(
            { err: error, streams: this.subscribers.size },
            'event streams ended by an error; clients will resume',
          );
          for (const sub of [...this.subscribers]) this.end(sub, interrupted);
          break;
        }
        // A full batch means more is waiting: read on at once.
        if (!full && this.subscribers.size > 0) await sleep(this.timing.pollIntervalMs);
      }
    } finally {
      this.running = false;
      // Nobody is listening: the next stream starts from the newest event again.
      if (this.subscribers.size === 0) this.cursor = null;
      else this.startPolling();
    }
  }

  /** One poll round; true when the batch was full. */
  private async round(): Promise<boolean> {
    for (const sub of this.subscribers) if (sub.conn.isClosed()) this.end(sub);
    const byMerchant = new Map<string, Subscriber[]>();
    for (const sub of this.subscribers) {
      const list = byMerchant.get(sub.conn.merchantId);
      if (list) list.push(sub);
      else byMerchant.set(sub.conn.merchantId, [sub]);
    }
    if (byMerchant.size === 0 || this.cursor === null) return false;

    const merchants = [...byMerchant.keys()];
    const poll = readEventsAfterForMerchants(this.pool, merchants, this.cursor, BATCH);
    this.polling = poll;
    let rows: MerchantStreamedEvent[];
    try {
      rows = await poll;
    } finally {
      this.polling = null;
    }
    for (const event of rows) {
      this.cursor = Math.max(this.cursor ?? 0, event.seq);
      for (const sub of byMerchant.get(event.merchantId) ?? []) {
        sub.cursorId = event.id;
        this.deliver(sub, event);
      }
    }

    const now = Date.now();
    if (now - this.lastRecovery >= this.timing.recoveryIntervalMs) {
      this.lastRecovery = now;
      await this.recoverLateCommits(merchants, byMerchant, now);
    }
    if (now - this.lastAuthCheck >= this.timing.authRecheckIntervalMs) {
      this.lastAuthCheck = now;
      const keys = [...new Set([...this.subscribers].map((sub) => sub.conn.keyId))];
      const active = await activeApiKeyIds(this.pool, keys);
      for (const sub of [...this.subscribers]) if (!active.has(sub.conn.keyId)) this.end(sub, revoked);
    }
    for (const sub of this.subscribers) {
      if (Date.now() - sub.lastWrite >= this.timing.heartbeatIntervalMs) this.enqueue(sub, ': keep-alive\n\n');
    }
    return rows.length === BATCH;
  }

  /** Events a stream stepped over because they committed after a later one was read. */
  private async recoverLateCommits(merchants: string[], byMerchant: Map<string, Subscriber[]>, now: number) {
    for (const sub of this.subscribers) {
      for (const [id, at] of sub.seen) if (at < now - 2 * this.timing.lookbackMs) sub.seen.delete(id);
    }
    const recent = await readRecentEventIdsForMerchants(this.pool, merchants, {
      since: new Date(now - this.timing.lookbackMs),
      upToSeq: this.cursor ?? 0,
    });
    const missedBy = new Map<string, Subscriber[]>();
    for (const row of recent) {
      for (const sub of byMerchant.get(row.merchantId) ?? []) {
        if (row.seq <= sub.conn.recoveryFloor || sub.seen.has(row.id)) continue;
        const list = missedBy.get(row.id);
        if (list) list.push(sub);
        else missedBy.set(row.id, [sub]);
      }
    }
    if (missedBy.size === 0) return;
    this.logger.debug({ missed: [...missedBy.keys()] }, 'event stream: sending late-committed events');
    for (const event of await readEventsByIdsForMerchants(this.pool, [...missedBy.keys()])) {
      for (const sub of missedBy.get(event.id) ?? []) if (this.subscribers.has(sub)) this.deliver(sub, event);
    }
  }

  private deliver(sub: Subscriber, event: StreamedEvent): void {
    if (sub.seen.has(event.id)) return;
    sub.seen.set(event.id, event.createdAt.getTime());
    if (!eventTypeMatches(event.type, sub.conn.patterns)) return;
    // `id` is the resume position (the newest event read), not necessarily this event: a late
    // commit is older than the position, and resuming from it would replay what came after it.
    this.enqueue(sub, sseMessage({ id: sub.cursorId, event: event.type, data: event.body }));
  }

  private enqueue(sub: Subscriber, chunk: string): void {
    if (sub.ending) return;
    if (sub.queue.length >= MAX_QUEUED) {
      this.logger.warn({ merchantId: sub.conn.merchantId }, 'event stream ended: the client reads too slowly');
      this.end(sub, interrupted);
      return;
    }
    sub.queue.push(chunk);
    sub.lastWrite = Date.now();
    void this.pump(sub);
  }

  private async pump(sub: Subscriber): Promise<void> {
    if (sub.pumping) return;
    sub.pumping = true;
    try {
      while (sub.queue.length > 0 && !sub.conn.isClosed()) {
        const chunk = sub.queue.shift() as string;
        await sub.conn.write(chunk);
      }
    } catch {
      // The socket is gone: the next round sees it closed.
    } finally {
      sub.pumping = false;
    }
    if (sub.ending || sub.conn.isClosed()) {
      sub.queue.length = 0;
      sub.done();
    }
  }

  /** Ends a stream: it leaves the poller, `last` (if any) is written after what is queued. */
  private end(sub: Subscriber, last?: string): void {
    this.subscribers.delete(sub);
    if (sub.ending) return;
    if (last && !sub.conn.isClosed()) sub.queue.push(last);
    sub.ending = true;
    void this.pump(sub);
  }
}
