import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, PoolConnection } from '@mypay/db';

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
  options: { key: string; body: unknown; idempotencyKey?: string; giveUpAfterMs?: number },
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
      signal: options.giveUpAfterMs === undefined ? undefined : AbortSignal.timeout(options.giveUpAfterMs),
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

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes (then the last value). */
export async function waitUntil<T>(probe: () => Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
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
  waitUntil(() => idempotencyState(pool, merchantId, key));

/** Until the request that holds `key` has committed its effect and response. */
export const untilCompleted = (pool: Pool, merchantId: string, key: string) =>
  waitUntil(async () => (await idempotencyState(pool, merchantId, key)) === 'COMPLETED');
