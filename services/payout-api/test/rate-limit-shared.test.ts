import { randomBytes } from 'node:crypto';
import { createRateLimitBackend } from '@mypay/http';
import type { Options } from 'express-rate-limit';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports.ts';
import { client, createTestMerchant, startTestApi, type TestApi, type TestMerchant } from './support.ts';

/**
 * Rate limits across replicas (REDIS_URL): two app instances, each with its own Redis connection
 * and its own stores — as two processes have — count one limit together; without Redis each
 * counts alone; with Redis unreachable they keep answering, counting in the process, and say so.
 * The real Redis on 127.0.0.1:6379 (TEST_REDIS_URL); every run has its own key prefix.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `mypay-test:rl:${randomBytes(4).toString('hex')}:`;
const LIMIT = 5;

const apis: TestApi[] = [];
function replica(env: Record<string, string>): TestApi {
  const api = startTestApi({ worker: false, env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), ...env } });
  apis.push(api);
  return api;
}

let m: TestMerchant;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const seed = replica({});
  m = await createTestMerchant(seed.db);
});

afterAll(async () => {
  await Promise.all(apis.map((api) => api.close()));
  // This run's counters only.
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function statuses(api: TestApi, key: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await client(api.app, key).get('/balance')).status);
  return out;
}

describe('rate limits shared across replicas', () => {
  it('when two replicas share Redis, then one key gets the limit once between them, and the 429 names it', async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: `${PREFIX}shared:` };
    const a = replica(env);
    const b = replica(env);
    // 3 on one, 2 on the other: the limit (5) is used up across both.
    expect([...(await statuses(a, m.key, 3)), ...(await statuses(b, m.key, 2))]).toEqual([200, 200, 200, 200, 200]);
    const refused = await client(b.app, m.key).get('/balance');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await client(a.app, m.key).get('/balance')).status).toBe(429);
    // The count is in Redis under this service's prefix.
    const keys = await redis.keys(`${PREFIX}shared:payout-api:*`);
    expect(keys.length).toBe(1);
    expect(Number(await redis.get(keys[0]!))).toBe(7);
  });

  it('when a replica has just started, then its first requests are counted in Redis, not alone in the process', async () => {
    const backend = createRateLimitBackend({ redisUrl: REDIS_URL, prefix: `${PREFIX}start:` });
    try {
      // No wait for the connection: the store is used the moment it exists, as a request
      // arriving right after start-up would.
      const store = backend.store('api');
      store.init?.({ windowMs: 60_000 } as Options);
      const counts = [];
      for (let i = 0; i < 3; i++) counts.push((await store.increment('k')).totalHits);
      expect(counts).toEqual([1, 2, 3]);
      expect(Number(await redis.get(`${PREFIX}start:api:k`))).toBe(3);
      expect(backend.healthy).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('when REDIS_URL is unset, then each replica counts alone (the old per-process limit)', async () => {
    const other = await createTestMerchant(apis[0]!.db);
    const a = replica({});
    const b = replica({});
    expect(await statuses(a, other.key, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(await statuses(b, other.key, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect((await client(a.app, other.key).get('/balance')).status).toBe(429);
  });

  it('when Redis is unreachable, then requests are still answered, limited in the process, and a warning is logged', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const backend = createRateLimitBackend({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      prefix: `${PREFIX}down:`,
      logger,
    });
    const other = await createTestMerchant(apis[0]!.db);
    const { buildApp } = await import('../src/app.ts');
    const { app } = { app: buildApp(apis[0]!.config, { db: apis[0]!.db, logger, rateLimits: backend }) };
    try {
      const started = Date.now();
      const got = [];
      for (let i = 0; i <= LIMIT; i++) got.push((await client(app, other.key).get('/balance')).status);
      // Fail-open to the local count: the first LIMIT pass, the next is refused by this process's store.
      expect(got).toEqual([...Array(LIMIT).fill(200), 429]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(backend.healthy).toBe(false);
      expect(lines.some((l) => l.includes('rate limit store (Redis) unreachable'))).toBe(true);
    } finally {
      await backend.close();
    }
  });
});
