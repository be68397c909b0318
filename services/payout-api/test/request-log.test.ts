import { apiKeyPrefix, createLogger, createRequestLogWriter, type RequestLogWriter } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTcpProxy, type TcpProxy } from '../../../test/chaos/tcp-proxy.ts';
import { buildApp } from '../src/app.ts';
import {
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
  testConfig,
  uniqueSuffix,
  waitFor,
} from './support.ts';

interface LogRow {
  requestId: string;
  api: string;
  method: string;
  path: string;
  route: string | null;
  status: number;
  durationMs: number;
  errorCode: string | null;
  idempotencyKey: string | null;
  idempotentReplayed: number;
  objectId: string | null;
  keyPrefix: string | null;
  ip: string | null;
  userAgent: string | null;
  requestBody: string | null;
  requestBodyTruncated: number;
  responseBody: string | null;
  responseBodyTruncated: number;
}

let api: TestApi;
let m: TestMerchant;

beforeAll(async () => {
  api = startTestApi({ worker: false, env: { REQUEST_LOG_REDACT_FIELDS: 'accountTitle, internalNote' } });
  m = await createTestMerchant(api.db);
});
afterAll(async () => {
  await api?.close();
});

async function rowsOf(db: Db, merchantId: string): Promise<LogRow[]> {
  return (await db.pool.query('SELECT * FROM RequestLog WHERE merchantId = ? ORDER BY id', [merchantId])) as LogRow[];
}

/** The entry of one request id once the writer has written it. */
async function entry(requestId: string, db: Db = api.db): Promise<LogRow> {
  await api.requestLog?.flush();
  const rows = await waitFor(
    async () => (await db.pool.query('SELECT * FROM RequestLog WHERE requestId = ?', [requestId])) as LogRow[],
    (found) => found.length > 0,
  );
  expect(rows).toHaveLength(1);
  return rows[0] as LogRow;
}

const rid = (label: string) => `test-${label}-${uniqueSuffix()}`;

describe('the request log records every authenticated request', () => {
  it('when a payout is created, then its entry has the request, the answer, the payout id and no key', async () => {
    const id = rid('create');
    const body = payoutBody();
    const res = await client(api.app, m.key)
      .post('/payouts', body)
      .set('X-Request-Id', id)
      .set('Idempotency-Key', `k-${id}`)
      .set('User-Agent', 'request-log-test/1.0');
    expect(res.status).toBe(201);

    const row = await entry(id);
    expect(row).toMatchObject({
      api: 'payout',
      method: 'POST',
      path: '/api/v1/payouts',
      route: '/api/v1/payouts',
      status: 201,
      errorCode: null,
      idempotencyKey: `k-${id}`,
      idempotentReplayed: 0,
      objectId: res.body.id,
      keyPrefix: apiKeyPrefix(m.key),
      userAgent: 'request-log-test/1.0',
      requestBodyTruncated: 0,
      responseBodyTruncated: 0,
    });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(JSON.parse(row.requestBody ?? 'null')).toEqual(body);
    expect(JSON.parse(row.responseBody ?? 'null')).toMatchObject({ id: res.body.id, reference: body.reference });
    expect(JSON.stringify(row)).not.toContain(m.key);
  });

  it('when a request fails validation, then its entry has the status, the error code and the error body', async () => {
    const id = rid('invalid');
    const res = await client(api.app, m.key)
      .post('/payouts', { ...payoutBody(), amount: -5 })
      .set('X-Request-Id', id);
    expect(res.status).toBe(400);

    const row = await entry(id);
    expect(row).toMatchObject({ status: 400, errorCode: 'VALIDATION_ERROR', objectId: null, route: '/api/v1/payouts' });
    expect(JSON.parse(row.responseBody ?? 'null').error.code).toBe('VALIDATION_ERROR');
  });

  it('when an idempotent create is replayed, then the replay is its own entry, marked, naming the same payout', async () => {
    const key = `replay-${uniqueSuffix()}`;
    const body = payoutBody();
    const first = await client(api.app, m.key).post('/payouts', body).set('Idempotency-Key', key);
    const id = rid('replay');
    const again = await client(api.app, m.key)
      .post('/payouts', body)
      .set('Idempotency-Key', key)
      .set('X-Request-Id', id);
    expect(again.headers['idempotent-replayed']).toBe('true');

    const row = await entry(id);
    expect(row).toMatchObject({ status: 201, idempotencyKey: key, idempotentReplayed: 1, objectId: first.body.id });
    const tries = (await rowsOf(api.db, m.merchantId)).filter((r) => r.idempotencyKey === key);
    expect(tries.map((r) => r.idempotentReplayed)).toEqual([0, 1]);
  });

  it('when an object is read, then its entry names it; an unknown one names the id asked for', async () => {
    const created = await client(api.app, m.key).post('/payouts', payoutBody());
    const read = rid('read');
    await client(api.app, m.key).get(`/payouts/${created.body.id}`).set('X-Request-Id', read);
    const missing = rid('missing');
    const res = await client(api.app, m.key).get('/payouts/po_doesnotexist0000').set('X-Request-Id', missing);
    expect(res.status).toBe(404);

    expect(await entry(read)).toMatchObject({ status: 200, objectId: created.body.id, route: '/api/v1/payouts/:id' });
    expect(await entry(missing)).toMatchObject({
      status: 404,
      errorCode: 'NOT_FOUND',
      objectId: 'po_doesnotexist0000',
    });
  });

  it('when a request has no valid key, then nothing is logged (no merchant to log it for)', async () => {
    const id = rid('anon');
    const res = await request(api.app)
      .get('/api/v1/balance')
      .set('X-Request-Id', id)
      .set('Authorization', 'Bearer nope-nope-nope');
    expect(res.status).toBe(401);
    const balance = rid('balance');
    await client(api.app, m.key).get('/balance').set('X-Request-Id', balance);
    await entry(balance);
    const rows = await api.db.pool.query('SELECT id FROM RequestLog WHERE requestId = ?', [id]);
    expect(rows).toHaveLength(0);
  });

  it('when a body is over 16 KB, then the stored one is cut at 16 KB and marked truncated', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'x'.repeat(500)]));
    const id = rid('big');
    const res = await client(api.app, m.key).post('/payouts', payoutBody({ metadata })).set('X-Request-Id', id);
    expect(res.status).toBe(201);
    const row = await entry(id);
    expect(row.requestBodyTruncated).toBe(1);
    expect(row.responseBodyTruncated).toBe(1);
    expect(Buffer.byteLength(row.requestBody ?? '')).toBeLessThanOrEqual(16 * 1024);
    expect(Buffer.byteLength(row.requestBody ?? '')).toBeGreaterThan(16 * 1024 - 8);
  });
});

describe('redaction', () => {
  it('when a webhook endpoint is created and secrets are sent, then no key, signing secret or listed field is stored', async () => {
    const merchant = await createTestMerchant(api.db);
    const c = client(api.app, merchant.key);
    const created = await c.post('/webhook-endpoints', {
      url: 'https://example.com/hooks',
      // A key pasted where no field name gives it away is still caught.
      description: `key ${merchant.key}`,
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    await c.post('/payouts', {
      ...payoutBody(),
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567', accountTitle: 'Ayesha Khan' },
      metadata: { password: 'hunter2-hunter2', otp: '918273', internalNote: 'listed by REQUEST_LOG_REDACT_FIELDS' },
    });
    await api.requestLog?.flush();
    const rows = await waitFor(
      () => rowsOf(api.db, merchant.merchantId),
      (found) => found.length >= 2,
    );
    const stored = JSON.stringify(rows);
    for (const secret of [
      merchant.key,
      created.body.secret,
      'hunter2-hunter2',
      '918273',
      'Ayesha Khan',
      'listed by REQUEST_LOG_REDACT_FIELDS',
    ]) {
      expect(stored).not.toContain(secret);
    }
    expect(stored).not.toMatch(/whsec_/);
    const endpointRow = rows.find((r) => r.path === '/api/v1/webhook-endpoints');
    expect(JSON.parse(endpointRow?.responseBody ?? '{}')).toMatchObject({ id: created.body.id, secret: '[redacted]' });
    expect(endpointRow?.objectId).toBe(created.body.id);
  });
});

describe('health', () => {
  it('when asked, then /health shows what the request log buffered, wrote and dropped', async () => {
    const res = await request(api.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details.requestLog).toEqual({
      buffered: expect.any(Number),
      written: expect.any(Number),
      dropped: expect.any(Number),
    });
  });
});

describe('when the database refuses the log', () => {
  let proxy: TcpProxy;
  let logDb: Db;
  let writer: RequestLogWriter;
  let apiDb: Db;

  beforeAll(async () => {
    const config = testConfig();
    const url = new URL(config.databaseUrl);
    proxy = await createTcpProxy({ host: url.hostname, port: Number(url.port || 3306) });
    url.host = `127.0.0.1:${proxy.port}`;
    // The log writes through a cuttable connection; the API's own queries do not.
    logDb = createDb(url.toString(), { connectionLimit: 2, acquireTimeoutMs: 2_000 });
    writer = createRequestLogWriter({
      pool: logDb.pool,
      logger: createLogger({ level: 'silent' }),
      flushIntervalMs: 50,
    });
    apiDb = createDb(config.databaseUrl, { connectionLimit: 5 });
  });
  afterAll(async () => {
    await writer?.stop();
    await proxy?.start();
    await logDb?.close();
    await apiDb?.close();
    await proxy?.stop();
  });

  it('when the log database goes away, then requests still succeed, lost entries are counted and shown, and logging resumes', async () => {
    const app = buildApp(testConfig(), { db: apiDb, logger: createLogger({ level: 'silent' }), requestLog: writer });
    const merchant = await createTestMerchant(apiDb);
    const c = client(app, merchant.key);
    const before = rid('before');
    await c.get('/balance').set('X-Request-Id', before);
    await writer.flush();
    expect(await rowsOf(apiDb, merchant.merchantId)).toHaveLength(1);

    await proxy.stop();
    const during = await Promise.all(Array.from({ length: 5 }, () => c.post('/payouts', payoutBody())));
    expect(during.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    await waitFor(
      async () => writer.stats(),
      (stats) => stats.dropped >= 5,
    );
    const health = await request(app).get('/health');
    expect(health.body.details.requestLog.dropped).toBeGreaterThanOrEqual(5);

    await proxy.start();
    const after = rid('after');
    await c.get('/balance').set('X-Request-Id', after);
    const rows = await waitFor(
      async () => {
        await writer.flush();
        return rowsOf(apiDb, merchant.merchantId);
      },
      (found) => found.some((r) => r.requestId === after),
      15_000,
    );
    expect(rows.map((r) => r.requestId)).toContain(after);
    expect(rows.filter((r) => r.path === '/api/v1/payouts')).toHaveLength(0);
  });

  it('when more entries come than the buffer holds, then the surplus is dropped and counted, memory stays bounded', async () => {
    const small = createRequestLogWriter({
      pool: apiDb.pool,
      logger: createLogger({ level: 'silent' }),
      maxBuffered: 3,
      flushIntervalMs: 60_000,
    });
    const sample = {
      merchantId: m.merchantId,
      requestId: rid('bounded'),
      api: 'payout' as const,
      method: 'GET',
      path: '/api/v1/balance',
      route: '/api/v1/balance',
      status: 200,
      durationMs: 1,
      errorCode: null,
      idempotencyKey: null,
      idempotentReplayed: false,
      objectId: null,
      keyPrefix: null,
      ip: null,
      userAgent: null,
      requestBody: null,
      requestBodyTruncated: false,
      responseBody: null,
      responseBodyTruncated: false,
      createdAt: new Date(),
    };
    for (let i = 0; i < 5; i++) small.record(sample);
    expect(small.stats()).toEqual({ buffered: 3, written: 0, dropped: 2 });
    await small.stop();
    expect(small.stats()).toEqual({ buffered: 0, written: 3, dropped: 2 });
  });
});
