import { randomBytes } from 'node:crypto';
import { createMerchant, hashRequestBody, insertApiKey, recordAudit, resolveDatabaseUrl } from '@mypay/core';
import { createDb, type Db, withSqlTransaction } from '@mypay/db';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  abortWhileLockedThenRetry,
  holdLock,
  idempotencyState,
  type Listening,
  listen,
  postJson,
  takeOverWhileLocked,
  untilRecorded,
} from '../../../test/support/faults.ts';
import {
  apiKeyAuth,
  createBaseApp,
  finishApp,
  idempotency,
  idempotencyOf,
  jsonBody,
  parseBody,
  principalOf,
} from '../src/index.ts';

/**
 * The Idempotency-Key middleware with a route shaped like every creating use-case: one
 * transaction that waits on the merchant's balance row (as a payout does), writes its effect
 * and settles the key last. The effect is an audit row, counted per merchant.
 */
const STALE_AFTER_MS = 400;
const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
let db: Db;
let server: Listening;

const effectBody = z.object({ name: z.string().min(1) });

beforeAll(async () => {
  db = createDb(resolveDatabaseUrl({ DATABASE_URL: process.env.DATABASE_URL }), { connectionLimit: 10 });
  const app = createBaseApp({ logger });
  app.use(jsonBody());
  const auth = apiKeyAuth({ pool: db.pool, scope: 'payout', cacheTtlMs: 200 });
  const routes = express.Router();
  const effect =
    (settles: boolean): express.RequestHandler =>
    async (req, res) => {
      const body = parseBody(effectBody, req.body);
      const { merchantId } = principalOf(req);
      const made = await withSqlTransaction(db.pool, async (conn) => {
        await conn.query('SELECT available FROM MerchantBalance WHERE merchantId = ? FOR UPDATE', [merchantId]);
        await recordAudit(conn, { actorType: 'SYSTEM', action: 'test.effect', merchantId, targetId: body.name });
        const [row] = (await conn.query('SELECT LAST_INSERT_ID() AS id')) as { id: number }[];
        const result = { id: Number(row!.id), name: body.name };
        if (settles) await idempotencyOf(req)?.settle(conn, 201, result);
        return result;
      });
      res.status(201).json(made);
    };
  routes.post('/effects', effect(true));
  routes.post('/unsettled', effect(false));
  app.use(auth, idempotency({ pool: db.pool, logger, staleAfterMs: STALE_AFTER_MS }), routes);
  finishApp(app, logger);
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

interface Merchant {
  id: string;
  key: string;
}

async function newMerchant(): Promise<Merchant> {
  const suffix = randomBytes(6).toString('hex');
  const { id } = await createMerchant(db, {
    name: 'idempotency test',
    email: `idem-${suffix}@example.test`,
    password: 'irrelevant-password',
    openingBalance: 0,
  });
  const conn = await db.pool.getConnection();
  try {
    return { id, key: (await insertApiKey(conn, { merchantId: id, name: 'test', scope: 'payout' })).key };
  } finally {
    conn.release();
  }
}

const newKey = () => `k-${randomBytes(6).toString('hex')}`;
const lockBalance = (m: Merchant) =>
  holdLock(db.pool, 'SELECT available FROM MerchantBalance WHERE merchantId = ? FOR UPDATE', [m.id]);
const lockedCreate = (m: Merchant) => ({
  pool: db.pool,
  lock: () => lockBalance(m),
  url: `${server.base}/effects`,
  apiKey: m.key,
  merchantId: m.id,
  idempotencyKey: newKey(),
  body: { name: 'a' },
});
const effects = async (m: Merchant) =>
  Number(
    (
      (await db.pool.query("SELECT COUNT(*) AS n FROM AuditLog WHERE merchantId = ? AND action = 'test.effect'", [
        m.id,
      ])) as { n: number }[]
    )[0]!.n,
  );
const post = (
  m: Merchant,
  options: { idempotencyKey?: string; body?: unknown; giveUpAfterMs?: number; path?: string },
) =>
  postJson(`${server.base}${options.path ?? '/effects'}`, {
    key: m.key,
    body: options.body ?? { name: 'a' },
    idempotencyKey: options.idempotencyKey,
    giveUpAfterMs: options.giveUpAfterMs,
  });
const answered = async (pending: ReturnType<typeof post>) => {
  const answer = await pending;
  if (answer === 'aborted') throw new Error('expected an answer, the client gave up');
  return answer;
};

describe('Idempotency-Key: replay, reuse, validation', () => {
  it('when the same key and body are sent again, then the stored response is replayed and one effect exists', async () => {
    const m = await newMerchant();
    const key = newKey();
    const first = await answered(post(m, { idempotencyKey: key, body: { name: 'a' } }));
    const again = await answered(post(m, { idempotencyKey: key, body: { name: 'a' } }));
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
    expect(await effects(m)).toBe(1);
  });

  it('when the same key comes with another body, then 422 IDEMPOTENCY_KEY_REUSED and no second effect', async () => {
    const m = await newMerchant();
    const key = newKey();
    await answered(post(m, { idempotencyKey: key, body: { name: 'a' } }));
    const other = await answered(post(m, { idempotencyKey: key, body: { name: 'b' } }));
    expect(other.status).toBe(422);
    expect(other.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await effects(m)).toBe(1);
  });

  it('when the first request failed validation, then the key is released and may be used again', async () => {
    const m = await newMerchant();
    const key = newKey();
    const bad = await answered(post(m, { idempotencyKey: key, body: { name: '' } }));
    expect(bad.status).toBe(400);
    expect(await idempotencyState(db.pool, m.id, key)).toBeNull();
    const good = await answered(post(m, { idempotencyKey: key, body: { name: 'a' } }));
    expect(good).toMatchObject({ status: 201, replayed: false });
  });

  it('when two keys differ only in case or accents, then they are two keys', async () => {
    const m = await newMerchant();
    const suffix = randomBytes(4).toString('hex');
    const pairs = [
      [`Key-A-${suffix}`, `key-a-${suffix}`],
      [`cl\u00e9-${suffix}`, `cle-${suffix}`],
    ] as const;
    for (const [one, other] of pairs) {
      const a = await answered(post(m, { idempotencyKey: one, body: { name: one } }));
      const b = await answered(post(m, { idempotencyKey: other, body: { name: other } }));
      expect([a.status, a.replayed, b.status, b.replayed]).toEqual([201, false, 201, false]);
      expect(b.body.id).not.toBe(a.body.id);
    }
    expect(await effects(m)).toBe(4);
  });

  it('when the key is longer than 255 characters, then 400 naming Idempotency-Key', async () => {
    const m = await newMerchant();
    const res = await answered(post(m, { idempotencyKey: 'x'.repeat(256) }));
    expect(res.status).toBe(400);
    expect((res.body.error as { details: { field: string }[] }).details[0]!.field).toBe('Idempotency-Key');
  });
});

describe('Idempotency-Key under faults', () => {
  it('when a retry comes while the first request waits on a lock, then it is 409 IDEMPOTENCY_IN_PROGRESS', async () => {
    const m = await newMerchant();
    const key = newKey();
    const lock = await lockBalance(m);
    const first = post(m, { idempotencyKey: key });
    try {
      await untilRecorded(db.pool, m.id, key);
      const retry = await answered(post(m, { idempotencyKey: key }));
      expect(retry.status).toBe(409);
      expect(retry.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    } finally {
      await lock.release();
    }
    expect((await answered(first)).status).toBe(201);
    expect(await effects(m)).toBe(1);
  });

  it('when the client gives up while its request waits on a lock, then the key stays taken and the retry replays the one effect', async () => {
    const m = await newMerchant();
    const { early, replay } = await abortWhileLockedThenRetry(lockedCreate(m));
    expect(early.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(replay).toMatchObject({ status: 201, replayed: true });
    expect(await effects(m)).toBe(1);
  });

  it('when a retry takes over a stale key while the first request still waits on a lock, then only the retry commits its effect', async () => {
    const m = await newMerchant();
    const { first, second, replay } = await takeOverWhileLocked({ ...lockedCreate(m), staleAfterMs: STALE_AFTER_MS });
    // The first request lost its record: its effect rolled back, and it says so.
    expect(first.status).toBe(409);
    expect(first.body.error?.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(await effects(m)).toBe(1);
    expect(replay).toEqual({ status: 201, body: second.body, replayed: true });
  });

  it('when a record was left IN_PROGRESS by a request that died, then a retry takes it over once stale', async () => {
    const m = await newMerchant();
    const key = newKey();
    await db.pool.query(
      `INSERT INTO IdempotencyRecord (merchantId, \`key\`, endpoint, requestHash, state, owner, createdAt, expiresAt)
       VALUES (?, ?, 'POST /effects', ?, 'IN_PROGRESS', ?, NOW(3) - INTERVAL 5 MINUTE, NOW(3) + INTERVAL 1 DAY)`,
      [m.id, key, hashRequestBody({ name: 'a' }), randomBytes(16).toString('hex')],
    );
    const res = await answered(post(m, { idempotencyKey: key }));
    expect(res).toMatchObject({ status: 201, replayed: false });
    expect(await effects(m)).toBe(1);
  });

  it('when a route answers success without settling in its transaction, then the answer is still stored and an error is logged', async () => {
    const m = await newMerchant();
    const key = newKey();
    const first = await answered(post(m, { idempotencyKey: key, path: '/unsettled' }));
    const again = await answered(post(m, { idempotencyKey: key, path: '/unsettled' }));
    expect(again).toEqual({ status: 201, body: first.body, replayed: true });
    expect(lines.some((line) => line.includes('without settling its Idempotency-Key'))).toBe(true);
  });
});
