import {
  createDirectory,
  createLogger,
  createScenarioCatalog,
  deleteWebhookEndpoint,
  getCheckoutOrThrow,
  getEventOrThrow,
  getPayoutOrThrow,
  getTransactionOrThrow,
  listObjectEvents,
  redeliverEvent,
  revokeApiKey,
  simulatePayoutTransition,
  updateWebhookEndpoint,
} from '@mypay/core';
import { createDb } from '@mypay/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildPaymentApp } from '../../services/payment-api/src/app.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import { buildApp as buildPayoutApp } from '../../services/payout-api/src/app.ts';
import * as payout from '../../services/payout-api/test/support.ts';

/**
 * Tenant isolation (SPEC: another merchant's objects are 404, no existence leak): merchant A
 * presents merchant B's ids on every id-taking route of both APIs, and to the use-cases the
 * portals' server code calls; every answer is NOT_FOUND and B's objects stay as they were.
 */
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
const A = { merchantId: '', key: '' };
const B = {
  merchantId: '',
  key: '',
  keyId: '',
  payoutId: '',
  openCheckoutId: '',
  paidCheckoutId: '',
  transactionId: '',
  endpointId: '',
  eventId: '',
};
let aEventId = '';

const asA = {
  payout: (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
    const r = request(payoutApi.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${A.key}`);
    return body ? r.send(body) : r;
  },
  payment: (method: 'get' | 'post', path: string, body?: object) => {
    const r = request(paymentApi.app)[method](path).set('Authorization', `Bearer ${A.key}`);
    return body ? r.send(body) : r;
  },
};

function expectNotFound(res: request.Response, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(404);
  expect(res.body.error.code).toBe('NOT_FOUND');
  // No existence leak: the answer is the same as for an id that does not exist at all.
  expect(JSON.stringify(res.body)).not.toContain(B.merchantId);
}

async function stateOfB() {
  const q = (sql: string) => payoutApi.db.pool.query(sql, [B.merchantId]) as Promise<Record<string, unknown>[]>;
  return {
    payouts: await q('SELECT id, status FROM Payout WHERE merchantId = ? ORDER BY id'),
    checkouts: await q('SELECT id, status FROM Checkout WHERE merchantId = ? ORDER BY id'),
    transactions: await q('SELECT id, status FROM PaymentTransaction WHERE merchantId = ? ORDER BY id'),
    endpoints: await q(
      'SELECT id, url, enabled, deletedAt, secret, events FROM WebhookEndpoint WHERE merchantId = ? ORDER BY id',
    ),
    events: await q('SELECT COUNT(*) AS n FROM WebhookEvent WHERE merchantId = ?'),
    deliveries: await q(
      'SELECT COUNT(*) AS n FROM WebhookDelivery d JOIN WebhookEvent e ON e.id = d.eventId WHERE e.merchantId = ?',
    ),
    keys: await q('SELECT id, revokedAt FROM ApiKey WHERE merchantId = ? ORDER BY id'),
    balance: await q('SELECT available, pending FROM MerchantBalance WHERE merchantId = ?'),
  };
}

beforeAll(async () => {
  // Built here rather than with startTestApi so an unexpected 500 prints its cause.
  const logger = createLogger({ level: 'error' });
  const payoutConfig = payout.testConfig();
  const payoutDb = createDb(payoutConfig.databaseUrl, { connectionLimit: 5 });
  payoutApi = {
    db: payoutDb,
    app: buildPayoutApp(payoutConfig, { db: payoutDb, logger }),
    config: payoutConfig,
    worker: null,
    violations: [],
    close: () => payoutDb.close(),
  };
  const paymentConfig = payment.testConfig();
  const paymentDb = createDb(paymentConfig.databaseUrl, { connectionLimit: 5 });
  paymentApi = {
    db: paymentDb,
    app: buildPaymentApp(paymentConfig, { db: paymentDb, logger }),
    config: paymentConfig,
    workers: [],
    violations: [],
    close: () => paymentDb.close(),
  };
  const a = await payout.createTestMerchant(payoutApi.db, { scope: 'all' });
  const b = await payout.createTestMerchant(payoutApi.db, { scope: 'all' });
  Object.assign(A, a);
  Object.assign(B, b);
  const bPayout = (method: 'get' | 'post', path: string, body?: object) => {
    const r = request(payoutApi.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${B.key}`);
    return body ? r.send(body) : r;
  };
  const endpoint = await bPayout('post', '/webhook-endpoints', { url: 'http://127.0.0.1:9/b-hooks' }).expect(201);
  B.endpointId = endpoint.body.id;
  B.payoutId = (await bPayout('post', '/payouts', payout.payoutBody()).expect(201)).body.id;
  B.openCheckoutId = (await payment.openCheckout(paymentApi.app, B.key)).id;
  B.paidCheckoutId = (await payment.openCheckout(paymentApi.app, B.key)).id;
  const paid = await request(paymentApi.app)
    .post('/payment/complete')
    .set('Authorization', `Bearer ${B.key}`)
    .send({ checkoutId: B.paidCheckoutId, provider: 'JAZZCASH', mobile: '03000000001' })
    .expect(201);
  B.transactionId = paid.body.id;
  const events = await bPayout('get', '/events?limit=1').expect(200);
  B.eventId = events.body.data[0].id;
  const [key] = (await payoutApi.db.pool.query('SELECT id FROM ApiKey WHERE merchantId = ?', [B.merchantId])) as {
    id: string;
  }[];
  B.keyId = String(key?.id);
  // A has its own event (and endpoint) for the cross-endpoint redelivery case.
  await asA.payout('post', '/webhook-endpoints', { url: 'http://127.0.0.1:9/a-hooks' }).expect(201);
  await asA.payout('post', '/payouts', payout.payoutBody()).expect(201);
  aEventId = (await asA.payout('get', '/events?limit=1').expect(200)).body.data[0].id;
});

afterAll(async () => {
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('tenant isolation', () => {
  it("when merchant A uses merchant B's ids on the Payout API, then every route is 404 and nothing of B changes", async () => {
    const before = await stateOfB();
    expectNotFound(await asA.payout('get', `/payouts/${B.payoutId}`), 'GET /payouts/:id');
    expectNotFound(
      await asA.payout('post', `/sandbox/payouts/${B.payoutId}/simulate`, { status: 'REVERSED' }),
      'simulate',
    );
    expectNotFound(await asA.payout('delete', `/webhook-endpoints/${B.endpointId}`), 'DELETE /webhook-endpoints/:id');
    expectNotFound(await asA.payout('get', `/webhook-endpoints/${B.endpointId}`), 'GET /webhook-endpoints/:id');
    expectNotFound(
      await asA.payout('patch', `/webhook-endpoints/${B.endpointId}`, { enabled: false, url: 'http://127.0.0.1:9/a' }),
      'PATCH /webhook-endpoints/:id',
    );
    expectNotFound(await asA.payout('post', `/webhook-endpoints/${B.endpointId}/rotate-secret`, {}), 'rotate-secret');
    expectNotFound(await asA.payout('get', `/events/${B.eventId}`), 'GET /events/:id');
    expectNotFound(await asA.payout('post', `/events/${B.eventId}/redeliver`, {}), 'redeliver B event');
    expectNotFound(
      await asA.payout('post', `/events/${aEventId}/redeliver`, { endpointId: B.endpointId }),
      "redeliver A's event to B's endpoint",
    );
    expect(await stateOfB()).toEqual(before);
  });

  it("when merchant A lists on the Payout API, then none of B's objects appear", async () => {
    const payouts = await asA.payout('get', '/payouts?limit=100').expect(200);
    const events = await asA.payout('get', '/events?limit=100').expect(200);
    const endpoints = await asA.payout('get', '/webhook-endpoints').expect(200);
    const text = JSON.stringify([payouts.body, events.body, endpoints.body]);
    for (const id of [B.payoutId, B.eventId, B.endpointId, B.openCheckoutId, B.transactionId]) {
      expect(text).not.toContain(id);
    }
    expect(payouts.body.data.length).toBeGreaterThan(0);
  });

  it("when merchant A uses merchant B's ids on the Payment API, then every route is 404 and nothing is paid or sent", async () => {
    const before = await stateOfB();
    expectNotFound(await asA.payment('get', `/checkouts/${B.openCheckoutId}`), 'GET /checkouts/:id');
    expectNotFound(await asA.payment('get', `/checkouts/${B.paidCheckoutId}`), 'GET /checkouts/:id (paid)');
    expectNotFound(
      await asA.payment('post', '/payment/complete', {
        checkoutId: B.openCheckoutId,
        provider: 'JAZZCASH',
        mobile: '03000000001',
      }),
      "pay B's open checkout",
    );
    expectNotFound(await asA.payment('post', '/webhooks/test', { endpointId: B.endpointId }), "test B's endpoint");
    const list = await asA.payment('get', '/transactions?limit=100').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(B.transactionId);
    expect(await stateOfB()).toEqual(before);
  });

  it("when the portals' use-cases get A's merchant id with B's ids, then each is NOT_FOUND and nothing of B changes", async () => {
    const before = await stateOfB();
    const db = payoutApi.db;
    const actor = { actorType: 'MERCHANT' as const, actorId: A.merchantId };
    const deps = {
      db,
      scenarios: createScenarioCatalog(db, { delayScale: 0.01 }),
      directory: createDirectory(db),
    };
    const attempts: [string, () => Promise<unknown>][] = [
      ['getPayoutOrThrow', () => getPayoutOrThrow(db, A.merchantId, B.payoutId)],
      ['getCheckoutOrThrow', () => getCheckoutOrThrow(db, 'http://pay.test', A.merchantId, B.openCheckoutId)],
      ['getTransactionOrThrow', () => getTransactionOrThrow(db, A.merchantId, B.transactionId)],
      ['getEventOrThrow', () => getEventOrThrow(db, A.merchantId, B.eventId)],
      [
        'simulatePayoutTransition',
        () =>
          simulatePayoutTransition(
            deps,
            { merchantId: A.merchantId, payoutId: B.payoutId, status: 'REVERSED' },
            { actorType: 'MERCHANT', actorId: A.merchantId },
          ),
      ],
      ['deleteWebhookEndpoint', () => deleteWebhookEndpoint(db, A.merchantId, B.endpointId)],
      [
        'updateWebhookEndpoint',
        () =>
          updateWebhookEndpoint(
            db,
            A.merchantId,
            B.endpointId,
            { url: 'http://127.0.0.1:9/stolen' },
            { allowPrivateTargets: true },
          ),
      ],
      ['revokeApiKey', () => revokeApiKey(db, { merchantId: A.merchantId, keyId: B.keyId, actor })],
      ['redeliverEvent', () => redeliverEvent(db, { merchantId: A.merchantId, eventId: B.eventId })],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await listObjectEvents(db, A.merchantId, B.payoutId, new Date(0))).toEqual([]);
    expect(await stateOfB()).toEqual(before);
  });
});
