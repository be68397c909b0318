import { randomBytes } from 'node:crypto';
import {
  type ApiKeyScope,
  createDeliveryWorker,
  createLogger,
  createMerchant,
  DEFAULT_WEBHOOK_SETTINGS,
  type DeliveryWorker,
  insertApiKey,
  parseSignatureHeader,
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
} from '../../../packages/core/test/webhooks/support.ts';
import { withContractCheck } from '../../../test/support/contract.ts';
import { buildApp } from '../src/app.ts';
import { type PayoutApiConfig, parsePayoutApiConfig } from '../src/config.ts';

// PATCH / GET / rotate-secret of /api/v1/webhook-endpoints, through the real app and real deliveries.

const testConfig = (): PayoutApiConfig =>
  parsePayoutApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    LOG_LEVEL: 'silent',
    WORKER_ENABLED: 'false',
  });

let db: Db;
let app: Express;
let assertNoViolations: () => void;
const receivers: Receiver[] = [];
const workers: DeliveryWorker[] = [];

beforeAll(() => {
  db = createDb(TEST_DATABASE_URL, { connectionLimit: 10 });
  const checked = withContractCheck(buildApp(testConfig(), { db, logger: createLogger({ level: 'silent' }) }), express);
  app = checked.app;
  assertNoViolations = checked.assertNoViolations;
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await db.close();
  assertNoViolations();
});

async function newMerchant(): Promise<{ merchantId: string; key: string }> {
  const suffix = randomBytes(6).toString('hex');
  const { id } = await createMerchant(db, {
    name: `Endpoint mgmt ${suffix}`,
    email: `endpoint-mgmt-${suffix}@example.test`,
    password: 'not-used-here',
    openingBalance: 10_000_000,
  });
  const conn = await db.pool.getConnection();
  try {
    const scope: ApiKeyScope = 'payout';
    return { merchantId: id, key: (await insertApiKey(conn, { merchantId: id, name: 'mgmt', scope })).key };
  } finally {
    conn.release();
  }
}

function api(key: string, target: Express = app) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${key}`);
  return {
    get: (path: string) => auth(request(target).get(`/api/v1${path}`)),
    post: (path: string, body: object = {}) => auth(request(target).post(`/api/v1${path}`)).send(body),
    patch: (path: string, body: object) => auth(request(target).patch(`/api/v1${path}`)).send(body),
  };
}

const payoutBody = () => ({
  amount: 10_000,
  currency: 'PKR',
  destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
  reference: `mgmt-${randomBytes(8).toString('hex')}`,
});

function startWorker(endpointIds: string[]): void {
  const worker = createDeliveryWorker(
    db,
    { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivateTargets: true, pollIntervalMs: 20, retryScheduleMs: [0, 50] },
    { scope: { endpointIds } },
  );
  workers.push(worker);
  worker.start();
}

async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

const auditActions = async (merchantId: string) =>
  (
    (await db.pool.query('SELECT action FROM AuditLog WHERE merchantId = ? ORDER BY id', [merchantId])) as {
      action: string;
    }[]
  ).map((r) => r.action);

describe('PATCH /api/v1/webhook-endpoints/:id', () => {
  it('when url, events and description change, then the endpoint answers with them, the change is audited and GET shows it', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    const created = await c.post('/webhook-endpoints', { url: 'http://127.0.0.1:9/a' }).expect(201);
    const patched = await c
      .patch(`/webhook-endpoints/${created.body.id}`, {
        url: 'http://127.0.0.1:9/b',
        events: ['refund.succeeded', 'refund.failed'],
        description: 'refunds only',
      })
      .expect(200);
    expect(patched.body).toMatchObject({
      id: created.body.id,
      url: 'http://127.0.0.1:9/b',
      events: ['refund.succeeded', 'refund.failed'],
      description: 'refunds only',
      enabled: true,
    });
    expect(patched.body).not.toHaveProperty('secret');
    const got = await c.get(`/webhook-endpoints/${created.body.id}`).expect(200);
    expect(got.body).toMatchObject({ url: 'http://127.0.0.1:9/b', events: ['refund.succeeded', 'refund.failed'] });
    // events: null goes back to every type.
    const all = await c.patch(`/webhook-endpoints/${created.body.id}`, { events: null }).expect(200);
    expect(all.body.events).toBeNull();
    expect(await auditActions(m.merchantId)).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.updated',
    ]);
  });

  it('when the body is invalid, then 400 names the field and nothing changes', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    const created = await c.post('/webhook-endpoints', { url: 'http://127.0.0.1:9/a' }).expect(201);
    const path = `/webhook-endpoints/${created.body.id}`;
    const badUrl = await c.patch(path, { url: 'ftp://example.com/x' }).expect(400);
    expect(badUrl.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: [expect.objectContaining({ field: 'url' })],
    });
    const badEvent = await c.patch(path, { events: ['payout.exploded'] }).expect(400);
    expect(badEvent.body.error.details.map((d: { field: string }) => d.field)).toContain('events.0');
    expect((await c.patch(path, { events: [] }).expect(400)).body.error.code).toBe('VALIDATION_ERROR');
    expect((await c.patch(path, { enabled: 'no' }).expect(400)).body.error.details[0].field).toBe('enabled');
    // An empty body changes nothing (every field is optional).
    expect((await c.patch(path, {}).expect(200)).body).toMatchObject({ url: 'http://127.0.0.1:9/a', enabled: true });
    expect((await c.patch(path, { colour: 'red' }).expect(400)).body.error.code).toBe('VALIDATION_ERROR');
    const after = await c.get(path).expect(200);
    expect(after.body).toMatchObject({ url: 'http://127.0.0.1:9/a', events: null, enabled: true });
    expect(await auditActions(m.merchantId)).toEqual(['webhook_endpoint.created']);
  });

  it('when private targets are not allowed, then a PATCH to 127.0.0.1 or 169.254.169.254 is 400 and the url stays', async () => {
    const m = await newMerchant();
    const created = await api(m.key).post('/webhook-endpoints', { url: 'http://127.0.0.1:9/a' }).expect(201);
    const guarded = buildApp(
      { ...testConfig(), webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivateTargets: false } },
      { db, logger: createLogger({ level: 'silent' }) },
    );
    for (const url of ['http://127.0.0.1:8080/x', 'http://169.254.169.254/latest/meta-data']) {
      const res = await api(m.key, guarded).patch(`/webhook-endpoints/${created.body.id}`, { url }).expect(400);
      expect(res.body.error.details[0].field).toBe('url');
    }
    expect((await api(m.key).get(`/webhook-endpoints/${created.body.id}`).expect(200)).body.url).toBe(
      'http://127.0.0.1:9/a',
    );
  });

  it("when another merchant's endpoint is patched, read or rotated, then 404 and it is unchanged", async () => {
    const owner = await newMerchant();
    const other = await newMerchant();
    const created = await api(owner.key).post('/webhook-endpoints', { url: 'http://127.0.0.1:9/a' }).expect(201);
    const o = api(other.key);
    expect(
      (await o.patch(`/webhook-endpoints/${created.body.id}`, { enabled: false }).expect(404)).body.error.code,
    ).toBe('NOT_FOUND');
    await o.get(`/webhook-endpoints/${created.body.id}`).expect(404);
    await o.post(`/webhook-endpoints/${created.body.id}/rotate-secret`).expect(404);
    await api(owner.key).patch('/webhook-endpoints/we_doesnotexist', { enabled: false }).expect(404);
    const [row] = (await db.pool.query('SELECT enabled, secret FROM WebhookEndpoint WHERE id = ?', [
      created.body.id,
    ])) as { enabled: number; secret: string }[];
    expect(row).toEqual({ enabled: 1, secret: created.body.secret });
  });

  it('when an endpoint is disabled, then events written meanwhile are not delivered to it; enabled again, it receives', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    const onHits = await receiver();
    const offHits = await receiver();
    const on = await c.post('/webhook-endpoints', { url: onHits.url, events: ['payout.created'] }).expect(201);
    const off = await c.post('/webhook-endpoints', { url: offHits.url, events: ['payout.created'] }).expect(201);
    const disabled = await c.patch(`/webhook-endpoints/${off.body.id}`, { enabled: false }).expect(200);
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'disabled by merchant' });
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    startWorker([on.body.id, off.body.id]);

    const first = await c.post('/payouts', payoutBody()).expect(201);
    // The enabled endpoint received the event: fan-out has happened, and left the disabled one out.
    await waitFor(() => onHits.hits.some((h) => h.body.includes(first.body.id)), { what: 'the enabled endpoint' });
    const offDeliveries = (await db.pool.query('SELECT id FROM WebhookDelivery WHERE endpointId = ?', [
      off.body.id,
    ])) as unknown[];
    expect(offDeliveries).toEqual([]);
    expect(offHits.hits).toEqual([]);

    const enabled = await c.patch(`/webhook-endpoints/${off.body.id}`, { enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    const second = await c.post('/payouts', payoutBody()).expect(201);
    await waitFor(() => offHits.hits.some((h) => h.body.includes(second.body.id)), { what: 'the re-enabled endpoint' });
    expect(offHits.hits.some((h) => h.body.includes(first.body.id))).toBe(false);
  });
});

describe('POST /api/v1/webhook-endpoints/:id/rotate-secret', () => {
  it('when the secret is rolled with an overlap, then deliveries carry two v1 signatures (new and old) until it ends, then only the new one', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    const hits = await receiver();
    const created = await c.post('/webhook-endpoints', { url: hits.url, events: ['payout.created'] }).expect(201);
    const oldSecret: string = created.body.secret;
    startWorker([created.body.id]);

    const rotated = await c
      .post(`/webhook-endpoints/${created.body.id}/rotate-secret`, { overlapSeconds: 3 })
      .set('Idempotency-Key', `rotate-${created.body.id}`)
      .expect(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body).toMatchObject({
      id: created.body.id,
      secretRotatedAt: expect.any(String),
      previousSecretExpiresAt: expect.any(String),
    });
    // A retry with the same key answers the same secret and rotates nothing more.
    const replay = await c
      .post(`/webhook-endpoints/${created.body.id}/rotate-secret`, { overlapSeconds: 3 })
      .set('Idempotency-Key', `rotate-${created.body.id}`)
      .expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.secret).toBe(newSecret);
    // The secret is never shown again.
    const detail = await c.get(`/webhook-endpoints/${created.body.id}`).expect(200);
    expect(JSON.stringify(detail.body)).not.toContain(newSecret);

    const during = await c.post('/payouts', payoutBody()).expect(201);
    const duringHit = await waitFor(() => hits.hits.find((h) => h.body.includes(during.body.id)), {
      what: 'a delivery during the overlap',
    });
    const header = String(duringHit.headers['mypay-signature']);
    expect(parseSignatureHeader(header)?.v1).toHaveLength(2);
    expect(verifySignature(duringHit.body, header, newSecret)).toBe(true);
    expect(verifySignature(duringHit.body, header, oldSecret)).toBe(true);

    // The overlap ends (database time): the endpoint stops naming it.
    await waitFor(
      async () =>
        (await c.get(`/webhook-endpoints/${created.body.id}`).expect(200)).body.previousSecretExpiresAt === null,
      { timeoutMs: 10_000, intervalMs: 200, what: 'the end of the overlap' },
    );
    const after = await c.post('/payouts', payoutBody()).expect(201);
    const afterHit = await waitFor(() => hits.hits.find((h) => h.body.includes(after.body.id)), {
      what: 'a delivery after the overlap',
    });
    const afterHeader = String(afterHit.headers['mypay-signature']);
    expect(parseSignatureHeader(afterHeader)?.v1).toHaveLength(1);
    expect(verifySignature(afterHit.body, afterHeader, newSecret)).toBe(true);
    expect(verifySignature(afterHit.body, afterHeader, oldSecret)).toBe(false);

    const [audit] = (await db.pool.query(
      "SELECT CAST(`after` AS CHAR) AS after FROM AuditLog WHERE merchantId = ? AND action = 'webhook_endpoint.secret_rotated'",
      [m.merchantId],
    )) as { after: string }[];
    expect(JSON.parse(audit!.after)).toMatchObject({ overlapSeconds: 3 });
    expect(audit!.after).not.toContain(newSecret);
    expect(audit!.after).not.toContain(oldSecret);
  });

  it('when rotated without a body, then the overlap is 24 h; overlapSeconds 0 drops the old secret at once; past 7 days is 400', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    const created = await c.post('/webhook-endpoints', { url: 'http://127.0.0.1:9/x' }).expect(201);
    const path = `/webhook-endpoints/${created.body.id}/rotate-secret`;
    const started = Date.now();
    // No body at all: the overlap defaults to 24 h.
    const byDefault = await request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${m.key}`).expect(200);
    const expires = Date.parse(byDefault.body.previousSecretExpiresAt);
    expect(expires - started).toBeGreaterThan(86_400_000 - 60_000);
    expect(expires - started).toBeLessThan(86_400_000 + 60_000);
    const none = await c.post(path, { overlapSeconds: 0 }).expect(200);
    expect(none.body.previousSecretExpiresAt).toBeNull();
    const tooLong = await c.post(path, { overlapSeconds: 7 * 86_400 + 1 }).expect(400);
    expect(tooLong.body.error.details[0].field).toBe('overlapSeconds');
    const [row] = (await db.pool.query('SELECT secret FROM WebhookEndpoint WHERE id = ?', [created.body.id])) as {
      secret: string;
    }[];
    expect(row!.secret).toBe(none.body.secret);
  });
});

describe('GET /api/v1/webhook-endpoints/:id', () => {
  it('when some attempts failed in the last 24 h, then deliveryStats counts them and the success rate', async () => {
    const m = await newMerchant();
    const c = api(m.key);
    // Every event's first attempt fails (500), the retry succeeds.
    const hits = await receiver((_hit, n) => (n === 1 ? 500 : 200));
    const created = await c.post('/webhook-endpoints', { url: hits.url, events: ['payout.created'] }).expect(201);
    const fresh = await c.get(`/webhook-endpoints/${created.body.id}`).expect(200);
    expect(fresh.body.deliveryStats).toEqual({ windowHours: 24, succeeded: 0, failed: 0, total: 0, successRate: null });
    startWorker([created.body.id]);
    await c.post('/payouts', payoutBody()).expect(201);
    await c.post('/payouts', payoutBody()).expect(201);
    const detail = await waitFor(
      async () => {
        const body = (await c.get(`/webhook-endpoints/${created.body.id}`).expect(200)).body;
        return body.deliveryStats.total === 4 ? body : null;
      },
      { what: 'four attempts' },
    );
    expect(detail.deliveryStats).toEqual({ windowHours: 24, succeeded: 2, failed: 2, total: 4, successRate: 0.5 });
    expect(detail).not.toHaveProperty('secret');
  });
});
