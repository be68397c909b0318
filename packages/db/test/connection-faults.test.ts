import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db, isDatabaseUnavailableError, parseDatabaseUrl, withTransaction } from '../src/index.ts';

// The database going away at the awkward moments, seen through a loopback proxy in front of the
// real MariaDB: nothing listening at all, a cut in the middle of a Prisma transaction, and a cut
// while the driver is still setting up a new connection's session (after the login, before the
// connection is handed out). Each must read as "database unavailable" (→ 503), and none may leave
// a rejected promise unhandled: the APIs exit on one (packages/http/src/process-errors.ts).

const target = parseDatabaseUrl(process.env.DATABASE_URL ?? '');

interface CuttingProxy {
  url: string;
  /** Cuts every open connection now. */
  cutAll(): void;
  /** From now on, cuts a connection as soon as the client sends bytes containing `marker`. */
  cutOn(marker: string | null): void;
  close(): Promise<void>;
}

async function startProxy(): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  let marker: string | null = null;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (marker && chunk.includes(marker)) drop();
      else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const auth = target.password ? `${target.user}:${encodeURIComponent(target.password)}` : target.user;
  return {
    url: `mysql://${auth}@127.0.0.1:${port}/${target.database}`,
    cutAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    cutOn(next) {
      marker = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const failureOf = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the database call to fail');
};

// Unhandled rejections seen while a test runs (Node reports them after the microtask queue drains).
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);
const afterPendingRejections = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

let proxy: CuttingProxy;
const opened: Db[] = [];
const openDb = (url: string) => {
  const db = createDb(url, { connectionLimit: 2, acquireTimeoutMs: 1_500 });
  opened.push(db);
  return db;
};

beforeAll(async () => {
  proxy = await startProxy();
  process.on('unhandledRejection', recordUnhandled);
});
afterEach(async () => {
  proxy.cutOn(null);
  await Promise.all(opened.splice(0).map((db) => db.close()));
  unhandled.length = 0;
});
afterAll(async () => {
  process.off('unhandledRejection', recordUnhandled);
  await proxy?.close();
});

describe('the database going away', () => {
  it('when nothing listens, then a Prisma transaction fails as database unavailable', async () => {
    // Nothing listens on port 9.
    const db = openDb(`mysql://${target.user}@127.0.0.1:9/${target.database}`);
    const error = await failureOf(() => withTransaction(db.prisma, (tx) => tx.$queryRawUnsafe('SELECT 1'), 1));
    expect(isDatabaseUnavailableError(error), String(error)).toBe(true);
  });

  it('when Prisma stops waiting for a connection before the pool does, then the transaction fails as database unavailable', async () => {
    // The pool would wait 8 s; Prisma's maxWait (5 s) answers first, with P2028.
    const db = createDb(`mysql://${target.user}@127.0.0.1:9/${target.database}`, { acquireTimeoutMs: 8_000 });
    opened.push(db);
    const error = await failureOf(() => withTransaction(db.prisma, (tx) => tx.$queryRawUnsafe('SELECT 1'), 1));
    expect((error as { code?: string }).code).toBe('P2028');
    expect(isDatabaseUnavailableError(error), String(error)).toBe(true);
  });

  it('when the connection is cut inside a Prisma transaction, then the next statement fails as database unavailable', async () => {
    const db = openDb(proxy.url);
    const error = await failureOf(() =>
      withTransaction(
        db.prisma,
        async (tx) => {
          await tx.$queryRawUnsafe('SELECT 1');
          proxy.cutAll();
          await tx.$queryRawUnsafe('SELECT 2');
        },
        1,
      ),
    );
    expect(isDatabaseUnavailableError(error), String(error)).toBe(true);
  });

  it('when a new connection is cut while the driver sets its session time zone, then the query fails as unavailable and no rejection is left unhandled', async () => {
    proxy.cutOn('time_zone');
    const db = openDb(proxy.url);
    const error = await failureOf(() => db.pool.query('SELECT 1'));
    await afterPendingRejections();
    expect(isDatabaseUnavailableError(error), String(error)).toBe(true);
    expect(unhandled.map(String)).toEqual([]);
  });
});
