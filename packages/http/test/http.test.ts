import { randomBytes } from 'node:crypto';
import { AppError, createLogger, createMerchant, insertApiKey, resolveDatabaseUrl } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApiDocument,
  apiKeyAuth,
  createBaseApp,
  finishApp,
  healthHandler,
  jsonBody,
  parseBody,
  perKeyRateLimit,
  principalOf,
  renderDocsPage,
} from '../src/index.ts';

const logger = createLogger({ level: 'silent' });
let db: Db;
let app: Express;
let merchantId: string;
let payoutKey: string;
let paymentKey: string;
let allKey: string;
let limitedKey: string;
let counter = 0;

const echoBody = z.object({ name: z.string().min(1), nested: z.object({ n: z.number().int() }) });

async function newKey(scope: 'payout' | 'payment' | 'all', forMerchant = merchantId) {
  const conn = await db.pool.getConnection();
  try {
    return (await insertApiKey(conn, { merchantId: forMerchant, name: 'test', scope })).key;
  } finally {
    conn.release();
  }
}

beforeAll(async () => {
  db = createDb(resolveDatabaseUrl({ DATABASE_URL: process.env.DATABASE_URL }), { connectionLimit: 5 });
  const suffix = randomBytes(6).toString('hex');
  ({ id: merchantId } = await createMerchant(db, {
    name: 'http test',
    email: `http-${suffix}@example.test`,
    password: 'irrelevant-password',
    openingBalance: 0,
  }));
  payoutKey = await newKey('payout');
  paymentKey = await newKey('payment');
  allKey = await newKey('all');
  limitedKey = await newKey('payout');

  app = createBaseApp({ logger });
  app.get('/health', healthHandler({ ping: async () => {}, version: '1.2.3' }));
  app.use(jsonBody());
  const auth = apiKeyAuth({ pool: db.pool, scope: 'payout', cacheTtlMs: 200 });
  const limited = perKeyRateLimit({ limit: 2 });
  app.post('/limited', auth, limited, (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/things', auth, async (req, res) => {
    const body = parseBody(echoBody, req.body);
    await new Promise((r) => setTimeout(r, 100));
    counter++;
    res.status(201).json({ merchantId: principalOf(req).merchantId, body, n: counter });
  });
  app.get('/boom', () => {
    throw new Error('secret internals');
  });
  app.get('/conflict', () => {
    throw new AppError('INVALID_STATE', 'nope');
  });
  finishApp(app, logger);
});

afterAll(async () => {
  await db?.close();
});

const post = (path: string, key?: string) => {
  const r = request(app).post(path);
  return key ? r.set('Authorization', `Bearer ${key}`) : r;
};

describe('request id', () => {
  it('when the caller sends X-Request-Id, then it is echoed', async () => {
    const res = await request(app).get('/health').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body).toMatchObject({ status: 'ok', db: 'up', version: '1.2.3' });
  });
  it('when the caller sends none, then a new one is made', async () => {
    const res = await request(app).get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors', () => {
  it('when the route is unknown, then 404 NOT_FOUND in JSON', async () => {
    const res = await request(app).get('/nope').set('X-Request-Id', 'r1');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: 'r1' });
  });
  it('when something unexpected throws, then a generic 500 without internals', async () => {
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('secret internals');
  });
  it('when an AppError is thrown, then its status and code', async () => {
    const res = await request(app).get('/conflict');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_STATE');
  });
  it('when the JSON is malformed, then 400 INVALID_JSON', async () => {
    const res = await post('/things', payoutKey).set('Content-Type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });
  it('when the body is over 100 KB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post('/things', payoutKey).send({ name: 'x'.repeat(110 * 1024), nested: { n: 1 } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('when fields are invalid, then 400 VALIDATION_ERROR naming each field', async () => {
    const res = await post('/things', payoutKey).send({ name: '', nested: { n: 1.5 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'nested.n']);
  });
});

describe('API key auth', () => {
  it('when no key is sent, then 401', async () => {
    const res = await post('/things').send({ name: 'a', nested: { n: 1 } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
  it('when an unknown key is sent, then 401', async () => {
    const res = await post('/things', 'mp_test_unknown').send({ name: 'a', nested: { n: 1 } });
    expect(res.status).toBe(401);
  });
  it("when the key has another scope, then 403 FORBIDDEN naming the missing scope and the key's", async () => {
    const res = await post('/things', paymentKey).send({ name: 'a', nested: { n: 1 } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toBe(
      'this API key has scope "payment"; the Payout API needs a key of scope "payout" or "all"',
    );
    expect(res.body.error.details).toEqual([
      {
        field: 'scope',
        message: 'missing scope "payout" (the key has "payment")',
        keyScope: 'payment',
        requiredScope: 'payout',
      },
    ]);
  });
  it('when the key has scope all or payout (X-API-Key), then it passes', async () => {
    const a = await post('/things', allKey).send({ name: 'a', nested: { n: 1 } });
    expect(a.status).toBe(201);
    const b = await request(app)
      .post('/things')
      .set('X-API-Key', payoutKey)
      .send({ name: 'a', nested: { n: 1 } });
    expect(b.status).toBe(201);
    expect(b.body.merchantId).toBe(merchantId);
  });
  it('when the key is revoked, then it stops working within a second', async () => {
    const key = await newKey('payout');
    expect((await post('/things', key).send({ name: 'a', nested: { n: 1 } })).status).toBe(201);
    await db.pool.query('UPDATE ApiKey SET revokedAt = NOW(3) WHERE hash = SHA2(?, 256)', [key]);
    // The cache holds a lookup 200 ms here: past that, the key must be refused.
    await new Promise((r) => setTimeout(r, 300));
    expect((await post('/things', key).send({ name: 'a', nested: { n: 1 } })).status).toBe(401);
  });
  it('when the merchant is suspended, then 403', async () => {
    const suffix = randomBytes(6).toString('hex');
    const other = await createMerchant(db, {
      name: 'suspended',
      email: `susp-${suffix}@example.test`,
      password: 'irrelevant-password',
      openingBalance: 0,
    });
    const key = await newKey('payout', other.id);
    await db.pool.query("UPDATE Merchant SET status = 'SUSPENDED' WHERE id = ?", [other.id]);
    const res = await post('/things', key).send({ name: 'a', nested: { n: 1 } });
    expect(res.status).toBe(403);
  });
  it('when a key is used, then lastUsedAt is recorded', async () => {
    const key = await newKey('payout');
    await post('/things', key).send({ name: 'a', nested: { n: 1 } });
    const lastUsedAt = async () =>
      (await db.pool.query('SELECT lastUsedAt FROM ApiKey WHERE hash = SHA2(?, 256)', [key]))[0].lastUsedAt;
    await expect.poll(lastUsedAt).not.toBeNull();
  });
});

describe('rate limit', () => {
  it('when a key exceeds its limit, then 429 RATE_LIMITED with Retry-After', async () => {
    expect((await post('/limited', limitedKey)).status).toBe(200);
    expect((await post('/limited', limitedKey)).status).toBe(200);
    const res = await post('/limited', limitedKey);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('health', () => {
  it('when the database does not answer, then 503 with db down', async () => {
    const down = createBaseApp({ logger });
    down.get(
      '/health',
      healthHandler({
        ping: async () => {
          throw new Error('down');
        },
        version: '1',
      }),
    );
    const res = await request(down).get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'degraded', db: 'down' });
  });
});

describe('OpenAPI', () => {
  const info = { title: 'T', version: '1', servers: ['https://api.example.test'], tags: { Things: 'Things.' } };
  const exampled = echoBody.meta({ examples: [{ name: 'a', nested: { n: 1 } }] });
  const thing = {
    operationId: 'makeThing',
    method: 'post' as const,
    path: '/things/:id',
    tags: ['Things'] as [string],
    summary: 'Make a thing',
    params: z.object({ id: z.string() }),
    body: exampled,
    idempotent: true,
    responses: { 201: { description: 'made', schema: echoBody } },
    errors: ['INVALID_STATE' as const],
  };

  it('when a route is added, then the document and the docs page describe it with its errors, headers and servers', () => {
    const doc = new ApiDocument(info);
    doc.add(thing);
    const document = doc.document();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://api.example.test' }]);
    const op = document.paths?.['/things/{id}']?.post;
    expect(op?.operationId).toBe('makeThing');
    expect(op?.responses?.['422']).toMatchObject({ 'x-error-codes': ['IDEMPOTENCY_KEY_REUSED', 'INVALID_STATE'] });
    expect(op?.responses?.['401']).toBeDefined();
    expect(op?.responses?.['500']).toBeDefined();
    expect(op?.responses?.default).toBeDefined();
    expect(Object.keys((op?.responses?.['201'] as { headers?: object } | undefined)?.headers ?? {})).toEqual([
      'X-Request-Id',
      'RateLimit',
      'RateLimit-Policy',
      'Idempotent-Replayed',
    ]);
    expect(Object.keys(document.webhooks ?? {})).toContain('payout.completed');
    const html = renderDocsPage(document as unknown as Record<string, unknown>, { openapiUrl: '/openapi.json' });
    expect(html).toContain('/things/{id}');
    expect(html).toContain('nested.n');
  });

  it('when an operationId repeats, a tag has no description or a body has no examples, then adding it throws', () => {
    const doc = new ApiDocument(info);
    doc.add(thing);
    expect(() => doc.add({ ...thing, path: '/other' })).toThrow(/used twice/);
    expect(() => doc.add({ ...thing, operationId: 'tagless', tags: ['Nope'] })).toThrow(/no description/);
    expect(() => doc.add({ ...thing, operationId: 'bare', body: echoBody })).toThrow(/needs examples/);
  });
});
