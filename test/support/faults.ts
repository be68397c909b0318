import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, PoolConnection } from '@mypay/db';
import { waitFor } from './wait.ts';

/**
 * Faults for tests against real MariaDB and a real socket: a row lock held by another
 * transaction (what a create waits on under load), a client that gives up mid-request, and a
 * bounded wait on a condition.
 */

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Opens a transaction on its own connection and runs a locking read (`… FOR UPDATE` or
 * `… LOCK IN SHARE MODE`), so everything that needs those rows (or, for a range, that gap)
 * waits until `release()`.
 */
export async function holdLock(pool: Pool, sql: string, params: unknown[]): Promise<HeldLock> {
  const conn: PoolConnection = await pool.getConnection();
  await conn.beginTransaction();
  try {
    await conn.query(sql, params);
  } catch (error) {
    await conn.rollback().catch(() => {});
    conn.release();
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await conn.rollback().catch(() => {});
      conn.release();
    },
  };
}

export interface Listening {
  base: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port (a real socket, so a client abort is a real disconnect). */
export async function listen(app: (req: never, res: never) => void): Promise<Listening> {
  const { createServer } = await import('node:http');
  const server: Server = createServer(app as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PostAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code?: string } };
  replayed: boolean;
}

/**
 * POSTs JSON like an integrator's client. With `giveUpAfterMs` the client aborts if no answer
 * came by then and resolves `'aborted'` (the server sees the connection close mid-request).
 */
export async function postJson(
  url: string,
  options: { key: string; body: unknown; idempotencyKey?: string; giveUpAfterMs?: number; signal?: AbortSignal },
): Promise<PostAnswer | 'aborted'> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.key}`,
        'Content-Type': 'application/json',
        ...(options.idempotencyKey === undefined ? {} : { 'Idempotency-Key': options.idempotencyKey }),
      },
      body: JSON.stringify(options.body),
      signal:
        options.signal ??
        (options.giveUpAfterMs === undefined ? undefined : AbortSignal.timeout(options.giveUpAfterMs)),
    });
    return {
      status: res.status,
      body: (await res.json()) as PostAnswer['body'],
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'aborted';
    throw error;
  }
}

/** The state of a merchant's idempotency record, as the database has it now. */
export async function idempotencyState(pool: Pool, merchantId: string, key: string): Promise<string | null> {
  const rows = (await pool.query('SELECT state FROM IdempotencyRecord WHERE merchantId = ? AND `key` = ?', [
    merchantId,
    key,
  ])) as { state: string }[];
  return rows[0]?.state ?? null;
}

/** Until the server has received the request: its record exists (the middleware wrote it). */
export const untilRecorded = (pool: Pool, merchantId: string, key: string) =>
  waitFor(() => idempotencyState(pool, merchantId, key), Boolean, 15_000);

/** Until the request that holds `key` has committed its effect and response. */
export const untilCompleted = (pool: Pool, merchantId: string, key: string) =>
  waitFor(async () => (await idempotencyState(pool, merchantId, key)) === 'COMPLETED', Boolean, 15_000);

export interface LockedCreate {
  pool: Pool;
  /** Takes the lock the create will wait on (not one its Idempotency-Key's insert needs). */
  lock: () => Promise<HeldLock>;
  url: string;
  apiKey: string;
  merchantId: string;
  idempotencyKey: string;
  body: unknown;
  /** The in-flight retry cannot be answered until the lock is released (see below). */
  retryQueuesBehindCreate?: boolean;
}

const answerOf = async (pending: Promise<PostAnswer | 'aborted'>): Promise<PostAnswer> => {
  const answer = await pending;
  if (answer === 'aborted') throw new Error('expected an answer, the client gave up');
  return answer;
};

/**
 * The fault every creating endpoint must survive: its create waits on a row lock, the client
 * gives up (a real disconnect), retries with the same key while the first still runs, and
 * retries again once the first has committed. Returns the in-flight retry's answer (409
 * IDEMPOTENCY_IN_PROGRESS, or the stored answer replayed when it could only be answered after
 * the lock) and the final one (the stored answer, replayed).
 */
export async function abortWhileLockedThenRetry(c: LockedCreate): Promise<{ early: PostAnswer; replay: PostAnswer }> {
  const held = await c.lock();
  let early: PostAnswer;
  try {
    // The client gives up once the server has its key (and the create is waiting on the lock).
    const controller = new AbortController();
    const firstTry = postJson(c.url, {
      key: c.apiKey,
      body: c.body,
      idempotencyKey: c.idempotencyKey,
      signal: controller.signal,
    });
    await untilRecorded(c.pool, c.merchantId, c.idempotencyKey);
    controller.abort();
    const gaveUp = await firstTry;
    if (gaveUp !== 'aborted') throw new Error(`the create did not wait on the lock: ${gaveUp.status}`);
    // Bounded: before the fix this retry ran the create again (and waited on the same lock).
    const earlyPending = answerOf(
      postJson(c.url, { key: c.apiKey, body: c.body, idempotencyKey: c.idempotencyKey, giveUpAfterMs: 15_000 }),
    );
    // A create that holds the merchant row while it waits (webhook endpoints) also holds up the
    // retry's own key insert (its foreign-key check on that row): that retry is answered after.
    if (c.retryQueuesBehindCreate) await held.release();
    early = await earlyPending;
  } finally {
    await held.release();
  }
  if (!(await untilCompleted(c.pool, c.merchantId, c.idempotencyKey)))
    throw new Error('the first create never committed');
  const replay = await answerOf(postJson(c.url, { key: c.apiKey, body: c.body, idempotencyKey: c.idempotencyKey }));
  return { early, replay };
}

const ownerOf = async (pool: Pool, merchantId: string, key: string) =>
  (
    (await pool.query('SELECT owner FROM IdempotencyRecord WHERE merchantId = ? AND `key` = ?', [merchantId, key])) as {
      owner: string;
    }[]
  )[0]?.owner;

/**
 * A retry takes over the key of a create that is still running (it waits on a row lock longer
 * than the API's IDEMPOTENCY_STALE_AFTER, `staleAfterMs`). Returns both answers and a replay.
 */
export async function takeOverWhileLocked(
  c: LockedCreate & { staleAfterMs: number },
): Promise<{ first: PostAnswer; second: PostAnswer; replay: PostAnswer }> {
  const held = await c.lock();
  let first: PostAnswer;
  let second: PostAnswer;
  try {
    const firstPending = answerOf(postJson(c.url, { key: c.apiKey, body: c.body, idempotencyKey: c.idempotencyKey }));
    await untilRecorded(c.pool, c.merchantId, c.idempotencyKey);
    const owner = await ownerOf(c.pool, c.merchantId, c.idempotencyKey);
    // Let the record grow stale by the database's clock while the first request waits on the lock.
    await waitFor(
      async () => {
        const rows = (await c.pool.query(
          'SELECT createdAt < NOW(3) - INTERVAL ? MICROSECOND AS stale FROM IdempotencyRecord WHERE merchantId = ? AND `key` = ?',
          [(c.staleAfterMs + 100) * 1000, c.merchantId, c.idempotencyKey],
        )) as { stale: number }[];
        return rows[0]?.stale === 1;
      },
      Boolean,
      15_000,
    );
    const secondPending = answerOf(postJson(c.url, { key: c.apiKey, body: c.body, idempotencyKey: c.idempotencyKey }));
    await waitFor(async () => (await ownerOf(c.pool, c.merchantId, c.idempotencyKey)) !== owner, Boolean, 15_000);
    await held.release();
    [first, second] = await Promise.all([firstPending, secondPending]);
  } finally {
    await held.release();
  }
  const replay = await answerOf(postJson(c.url, { key: c.apiKey, body: c.body, idempotencyKey: c.idempotencyKey }));
  return { first, second, replay };
}

/**
 * What a fault test file needs against one API it runs in-process: the API listening on a real
 * socket (IDEMPOTENCY_STALE_AFTER set as asked), a counter, and the create descriptions the two
 * scenarios above take.
 */
export interface FaultKit {
  close(): Promise<void>;
  count(sql: string, params: unknown[]): Promise<number>;
  /** A create of `path` by merchant `m` with a fresh key; add `lock` (and `staleAfterMs`). */
  create(m: { merchantId: string; key: string }, path: string, body: unknown): Omit<LockedCreate, 'lock'>;
}

export async function startFaultKit(
  pool: Pool,
  app: (req: never, res: never) => void,
  options: { pathPrefix?: string } = {},
): Promise<FaultKit> {
  const server = await listen(app);
  const { randomBytes } = await import('node:crypto');
  return {
    close: () => server.close(),
    count: async (sql, params) => Number(((await pool.query(sql, params)) as { n: number }[])[0]!.n),
    create: (m, path, body) => ({
      pool,
      url: `${server.base}${options.pathPrefix ?? ''}${path}`,
      apiKey: m.key,
      merchantId: m.merchantId,
      idempotencyKey: `fault-${randomBytes(6).toString('hex')}`,
      body,
    }),
  };
}
