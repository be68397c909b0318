import { randomBytes } from 'node:crypto';
import {
  type ApiKeyScope,
  createDeliveryWorker,
  createLogger,
  createMerchant,
  DEFAULT_WEBHOOK_SETTINGS,
  type DeliveryWorker,
  insertApiKey,
  verifySignature,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import express, { type Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Receiver,
  startReceiver,
  TEST_DATABASE_URL,
  waitFor,
} from '../../../../packages/core/test/webhooks/support.ts';
import { withContractCheck } from '../../../../test/support/contract.ts';
import { buildApp } from '../app.ts';
import { type PayoutApiConfig, parsePayoutApiConfig } from '../config.ts';

// Self-contained on purpose: the app, merchants and keys are made here with core use-cases.
interface TestApi {
  db: Db;
  app: Express;
  close(): Promise<void>;
}

const testConfig = (): PayoutApiConfig =>
  parsePayoutApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    LOG_LEVEL: 'silent',
    WORKER_ENABLED: 'false',
  });

function startTestApi(): TestApi {
  const db = createDb(TEST_DATABASE_URL, { connectionLimit: 10 });
  const checked = withContractCheck(buildApp(testConfig(), { db, logger: createLogger({ level: 'silent' }) }), express);
  return {
    db,
    app: checked.app,
    close: async () => {
      await db.close();
      checked.assertNoViolations();
    },
  };
}

async function addKey(db: Db, merchantId: string, scope: ApiKeyScope): Promise<string> {
  const conn = await db.pool.getConnection();
  try {
    return (await insertApiKey(conn, { merchantId, name: 'webhooks test', scope })).key;
  } finally {
    conn.release();
  }
}

async function createTestMerchant(db: Db): Promise<{ merchantId: string; key: string }> {
  const suffix = randomBytes(6).toString('hex');
  const { id } = await createMerchant(db, {
    name: `Webhooks API ${suffix}`,
    email: `webhooks-api-${suffix}@example.test`,
    password: 'not-used-here',
    openingBalance: 10_000_000,
  });
  return { merchantId: id, key: await addKey(db, id, 'payout') };
}

function client(app: Express, key: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${key}`);
  return {
    get: (path: string) => auth(request(app).get(`/api/v1${path}`)),
    post: (path: string, body?: object) => {
      const r = auth(request(app).post(`/api/v1${path}`));
      return body === undefined ? r : r.send(body);
    },
  };
}

const payoutBody = () => ({
  amount: 10_000,
  currency: 'PKR',
  destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
  reference: `wh-${randomBytes(8).toString('hex')}`,
});

let api: TestApi;
const receivers: Receiver[] = [];
const workers: DeliveryWorker[] = [];

beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await api.close();
});

const settings = {
  ...DEFAULT_WEBHOOK_SETTINGS,
  allowPrivateTargets: true,
  pollIntervalMs: 20,
  retryScheduleMs: [0, 50],
};

describe('webhook endpoints API', () => {
  it('when an endpoint is registered, then 201 carries the secret once and the list never shows it', async () => {
    const m = await createTestMerchant(api.db);
    const c = client(api.app, m.key);
    const created = await c
      .post('/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['payout.completed'] })
      .expect(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^we_/),
      url: 'http://127.0.0.1:9/hooks',
      events: ['payout.completed'],
      enabled: true,
      secret: expect.stringMatching(/^whsec_/),
    });
    const list = await c.get('/webhook-endpoints').expect(200);
    expect(list.body).toEqual({
      data: [expect.objectContaining({ id: created.body.id })],
      hasMore: false,
      nextCursor: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect(list.body.data[0]).not.toHaveProperty('secret');
  });

  it('when the body is invalid, then 400 VALIDATION_ERROR names each bad field', async () => {
    const m = await createTestMerchant(api.db);
    const c = client(api.app, m.key);
    const res = await c
      .post('/webhook-endpoints', { url: 'ftp://example.com', events: ['payout.exploded'] })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['events.0']));
    const bad = await c.post('/webhook-endpoints', { url: 'ftp://example.com' }).expect(400);
    expect(bad.body.error.details[0].field).toBe('url');
    const missing = await c.post('/webhook-endpoints', {}).expect(400);
    expect(missing.body.error.details[0].field).toBe('url');
  });

  it('when private targets are not allowed, then 127.0.0.1, 169.254.169.254 and 10.0.0.1 are refused with 400', async () => {
    const config = { ...testConfig(), webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivateTargets: false } };
    const app: Express = buildApp(config, { db: api.db });
    const m = await createTestMerchant(api.db);
    for (const url of ['http://127.0.0.1:8080/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/x']) {
      const res = await request(app)
        .post('/api/v1/webhook-endpoints')
        .set('Authorization', `Bearer ${m.key}`)
        .send({ url })
        .expect(400);
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: [expect.objectContaining({ field: 'url' })],
      });
    }
    const list = await request(app)
      .get('/api/v1/webhook-endpoints')
      .set('Authorization', `Bearer ${m.key}`)
      .expect(200);
    expect(list.body.data).toEqual([]);
  });

  it("when an endpoint is deleted, then it leaves the list; another merchant's endpoint is 404", async () => {
    const owner = await createTestMerchant(api.db);
    const other = await createTestMerchant(api.db);
    const created = await client(api.app, owner.key)
      .post('/webhook-endpoints', { url: 'http://127.0.0.1:9/x' })
      .expect(201);
    const foreign = await request(api.app)
      .delete(`/api/v1/webhook-endpoints/${created.body.id}`)
      .set('Authorization', `Bearer ${other.key}`)
      .expect(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    const deleted = await request(api.app)
      .delete(`/api/v1/webhook-endpoints/${created.body.id}`)
      .set('Authorization', `Bearer ${owner.key}`)
      .expect(200);
    expect(deleted.body).toEqual({ id: created.body.id, deleted: true });
    expect((await client(api.app, owner.key).get('/webhook-endpoints')).body.data).toEqual([]);
    const rows = (await api.db.pool.query('SELECT action FROM AuditLog WHERE merchantId = ? ORDER BY id', [
      owner.merchantId,
    ])) as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.deleted']);
  });

  it('when a key has the payment scope, then the webhook routes are 403', async () => {
    const m = await createTestMerchant(api.db);
    const paymentKey = await addKey(api.db, m.merchantId, 'payment');
    const res = await client(api.app, paymentKey).get('/webhook-endpoints').expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('events API', () => {
  it('when a payout is created, then its signed event reaches the receiver and shows up in /events with the attempt', async () => {
    const receiver = await startReceiver((_hit, n) => (n === 1 ? 500 : 200));
    receivers.push(receiver);
    const m = await createTestMerchant(api.db);
    const c = client(api.app, m.key);
    const endpoint = await c.post('/webhook-endpoints', { url: receiver.url, events: ['payout.created'] }).expect(201);
    const worker = createDeliveryWorker(api.db, settings, { scope: { endpointIds: [endpoint.body.id] } });
    workers.push(worker);
    worker.start();

    const payout = await c.post('/payouts', payoutBody()).expect(201);
    await waitFor(() => receiver.hits.length >= 2, { what: 'two attempts' });
    const hit = receiver.hits[1]!;
    expect(verifySignature(hit.body, String(hit.headers['mypay-signature']), endpoint.body.secret)).toBe(true);
    const delivered = JSON.parse(hit.body);
    expect(delivered).toMatchObject({ type: 'payout.created', data: { object: { id: payout.body.id } } });

    const list = await c.get('/events?type=payout.created').expect(200);
    expect(list.body.data[0]).toEqual(delivered);

    const detail = await waitFor(async () => {
      const body = (await c.get(`/events/${delivered.id}`).expect(200)).body;
      return body.deliveries[0]?.status === 'DELIVERED' ? body : null;
    });
    expect(detail.deliveries).toEqual([
      expect.objectContaining({
        endpointId: endpoint.body.id,
        status: 'DELIVERED',
        attemptCount: 2,
        attempts: [
          expect.objectContaining({ attemptNumber: 1, statusCode: 500, responseExcerpt: 'nope 1' }),
          expect.objectContaining({ attemptNumber: 2, statusCode: 200 }),
        ],
      }),
    ]);

    const other = await createTestMerchant(api.db);
    const foreign = await client(api.app, other.key).get(`/events/${delivered.id}`).expect(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    await client(api.app, other.key).post(`/events/${delivered.id}/redeliver`).expect(404);

    // Redeliver by hand: a new delivery, due now, with the same body.
    const redelivered = await c
      .post(`/events/${delivered.id}/redeliver`)
      .set('Idempotency-Key', `redeliver-${delivered.id}`)
      .expect(202);
    expect(redelivered.body.deliveries).toEqual([
      expect.objectContaining({ endpointId: endpoint.body.id, status: 'PENDING' }),
    ]);
    const replay = await c
      .post(`/events/${delivered.id}/redeliver`)
      .set('Idempotency-Key', `redeliver-${delivered.id}`)
      .expect(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(redelivered.body);
    await waitFor(() => receiver.hits.length >= 3, { what: 'the redelivery' });
    expect(receiver.hits[2]!.body).toBe(hit.body);
  });

  it('when events are listed, then the page shape, limit and cursor follow the list convention; bad queries are 400', async () => {
    const m = await createTestMerchant(api.db);
    const c = client(api.app, m.key);
    for (let i = 0; i < 3; i++) await c.post('/payouts', payoutBody()).expect(201);
    const first = await c.get('/events?limit=2').expect(200);
    expect(first.body).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    expect(first.body.data).toHaveLength(2);
    const second = await c.get(`/events?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`).expect(200);
    const ids = [...first.body.data, ...second.body.data].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(3);

    expect((await c.get('/events?type=payout.exploded').expect(400)).body.error.code).toBe('VALIDATION_ERROR');
    expect((await c.get('/events?limit=0').expect(400)).body.error.code).toBe('VALIDATION_ERROR');
    expect((await c.get('/events?cursor=nonsense').expect(400)).body.error.details[0].field).toBe('cursor');
  });

  it('when the OpenAPI document is fetched, then it lists the webhook routes', async () => {
    const doc = await request(api.app).get('/api/v1/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhook-endpoints',
        '/api/v1/webhook-endpoints/{id}',
        '/api/v1/events',
        '/api/v1/events/{id}',
        '/api/v1/events/{id}/redeliver',
      ]),
    );
  });
});
