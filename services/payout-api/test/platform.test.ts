import { createLogger, SCENARIOS } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { startTestApi, type TestApi, testConfig } from './support.ts';

let api: TestApi;
let deadDb: Db;

beforeAll(() => {
  api = startTestApi({ worker: false });
  // Nothing listens on port 9: a database that is down.
  deadDb = createDb('mysql://root@127.0.0.1:9/mypay_test', { acquireTimeoutMs: 500, connectionLimit: 2 });
});
afterAll(async () => {
  await api?.close();
  await deadDb?.close();
});

describe('health', () => {
  it('when the database answers, then 200 ok with version and uptime, without a key', async () => {
    for (const path of ['/health', '/api/v1/health']) {
      const res = await request(api.app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        db: 'up',
        version: expect.any(String),
        uptimeSeconds: expect.any(Number),
        details: { requestLog: { buffered: expect.any(Number), written: expect.any(Number), dropped: 0 } },
      });
    }
  });

  it('when the database is unreachable, then health is 503 db down and API calls are 503 DATABASE_UNAVAILABLE', async () => {
    const app = buildApp(testConfig(), { db: deadDb, logger: createLogger({ level: 'silent' }) });
    const health = await request(app).get('/api/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', db: 'down' });
    const call = await request(app).get('/api/v1/balance').set('Authorization', 'Bearer mp_test_whatever');
    expect(call.status).toBe(503);
    expect(call.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(JSON.stringify(call.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/);
  });
});

describe('OpenAPI and docs', () => {
  it('when the document is fetched, then it is OpenAPI 3.1 and describes every route with its schemas', async () => {
    const res = await request(api.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const operations = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/payouts',
        'GET /api/v1/payouts',
        'GET /api/v1/payouts/{id}',
        'GET /api/v1/balance',
        'POST /api/v1/verify-account',
        'GET /api/v1/directory/banks',
        'GET /api/v1/directory/wallets',
        'GET /api/v1/scenarios',
        'POST /api/v1/sandbox/payouts/{id}/simulate',
        'GET /api/v1/health',
        'GET /api/v1/openapi.json',
        'GET /api/v1/docs',
      ]),
    );
    const create = res.body.paths['/api/v1/payouts'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409', '422', '503']));
    const schema = res.body.components.schemas.CreatePayout;
    expect(schema.required).toEqual(expect.arrayContaining(['amount', 'currency', 'destination', 'reference']));
    expect(schema.properties.amount.maximum).toBe(1_000_000_000);
  });

  it('when /docs is opened, then a self-contained HTML page lists the endpoints', async () => {
    const res = await request(api.app).get('/api/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('/api/v1/payouts');
    expect(res.text).toContain('destination.accountNumber');
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/);
  });

  it('when /docs is opened, then it has curl for the main calls with the key header and the seeded scenario table', async () => {
    const res = await request(api.app).get('/api/v1/docs');
    const html = res.text;
    for (const call of ['POST $API/payouts', 'curl -s $API/payouts/po_', 'POST $API/verify-account'])
      expect(html).toContain(call);
    expect(html).toContain('Authorization: Bearer $KEY');
    const rows = [
      ...html.matchAll(/<tr><td>(\d+)<\/td><td><code>([A-Z_]+)<\/code><\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g),
    ];
    expect(rows.map(([, n, key, mobile, bank]) => ({ n: Number(n), key, mobile, bank }))).toEqual(
      SCENARIOS.map((s) => ({ n: s.number, key: s.key, mobile: s.mobile, bank: s.bankAccount })),
    );
  });
});
