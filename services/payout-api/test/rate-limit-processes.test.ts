import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDb, type Db } from '@mypay/db';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/portal-server.ts';
import { createTestMerchant, testDatabaseUrl, waitFor } from './support.ts';

/**
 * One limit across replicas, with real replicas: two Payout API processes (tsx, as `pnpm dev` runs
 * them) on one database and one Redis (127.0.0.1:6379, TEST_REDIS_URL), requests alternating
 * between them. Each test has its own key prefix in Redis and its own merchant. For the outage,
 * the processes reach Redis through a TCP relay this test owns, which it then shuts: the real
 * Redis stays up for everyone else.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisTarget = new URL(REDIS_URL);
const RUN = `mypay-test:rl-proc:${randomBytes(4).toString('hex')}:`;
const LIMIT = 6;
const serviceDir = fileURLToPath(new URL('..', import.meta.url));

const children: ChildProcess[] = [];
let db: Db;
let redis: Redis;

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 2 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const keys = await redis.keys(`${RUN}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await db?.close();
});

interface ApiProcess {
  url: string;
  stderr: () => string;
}

/** A Payout API process of its own (no worker), answering /health. */
async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serviceDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: testDatabaseUrl(),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      WORKER_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}): ${output}`);
      return fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    (ok) => ok,
    60_000,
  );
  return { url, stderr: () => output };
}

const balanceStatus = async (api: ApiProcess, key: string) =>
  (await fetch(`${api.url}/api/v1/balance`, { headers: { Authorization: `Bearer ${key}` } })).status;

/** `n` requests, alternating between the processes, one after the other; their statuses. */
async function alternate(apis: ApiProcess[], key: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await balanceStatus(apis[i % apis.length]!, key));
  return out;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

/** A TCP relay to Redis that can be shut (closes the listener and every relayed connection). */
async function redisRelay(): Promise<{ url: string; shut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(redisTarget.port || 6379), redisTarget.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    shut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('rate limits across two API processes', () => {
  it('when two processes share Redis, then requests alternating between them are allowed the limit once in all', async () => {
    const prefix = `${RUN}shared:`;
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix };
    const [a, b] = await Promise.all([startApi(env), startApi(env)]);
    const m = await createTestMerchant(db);

    const statuses = await alternate([a!, b!], m.key, 2 * LIMIT + 2);
    // The first LIMIT pass whichever process answers; every one after is refused, by either.
    expect(statuses).toEqual([...Array(LIMIT).fill(200), ...Array(LIMIT + 2).fill(429)]);
    // The count lives in Redis, one counter for the key, under this run's prefix.
    const keys = await redis.keys(`${prefix}payout-api:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await redis.get(keys[0]!))).toBe(2 * LIMIT + 2);
  });

  it('when Redis becomes unreachable, then both processes keep answering, each limits on its own count, and each says so', async () => {
    const relay = await redisRelay();
    const prefix = `${RUN}outage:`;
    const env = { REDIS_URL: relay.url, RATE_LIMIT_REDIS_PREFIX: prefix };
    const [a, b] = await Promise.all([startApi(env), startApi(env)]);
    const shared = await createTestMerchant(db);
    // While Redis answers: shared.
    expect(await alternate([a!, b!], shared.key, 2)).toEqual([200, 200]);
    expect(Number(await redis.get((await redis.keys(`${prefix}payout-api:*`))[0]!))).toBe(2);

    await relay.shut();
    const m = await createTestMerchant(db);
    const started = Date.now();
    const statuses = await alternate([a!, b!], m.key, 2 * LIMIT + 2);
    // Fail-open to each process's own count (docs/performance.md): LIMIT on each, so 2 × LIMIT in
    // all, then each refuses; no request failed for the store being away, and none waited for it.
    expect(count(statuses, 200)).toBe(2 * LIMIT);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(count(statuses, 500) + count(statuses, 503)).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    for (const api of [a!, b!]) expect(api.stderr()).toContain('rate limit store (Redis) unreachable');
  });
});
