import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppError,
  createDeliveryWorker,
  createWebhookEndpoint,
  type DeliveryWorker,
  deleteWebhookEndpoint,
  getEventOrThrow,
  listEvents,
  listWebhookEndpoints,
  redeliverEvent,
  sendTestEvent,
  updateWebhookEndpoint,
  verifySignature,
} from '../../src/index.ts';
import {
  afterPolls,
  emit,
  newEndpoint,
  newMerchant,
  openDb,
  type Receiver,
  sleep,
  startReceiver,
  testSettings,
  waitFor,
} from './support.ts';

let db: Db;
const workers: DeliveryWorker[] = [];
const receivers: Receiver[] = [];
const audit = {
  actorType: 'API_KEY' as const,
  actorId: 'key_test',
  ip: '203.0.113.9',
  userAgent: 'vitest',
  requestId: 'req-1',
};

beforeAll(() => {
  db = openDb();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await db.close();
});

const auditRows = (merchantId: string) =>
  db.pool.query('SELECT * FROM AuditLog WHERE merchantId = ? ORDER BY id', [merchantId]) as Promise<
    {
      action: string;
      actorType: string;
      actorId: string | null;
      targetId: string;
      before: unknown;
      after: unknown;
      ip: string;
      requestId: string;
    }[]
  >;

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as AppError,
  );

describe('webhook endpoints', () => {
  it('when an endpoint is created, then its secret is returned once, never listed, and the audit trail says so', async () => {
    const merchantId = await newMerchant(db);
    const created = await createWebhookEndpoint(
      db,
      {
        merchantId,
        url: 'https://hooks.example.com/mypay',
        events: ['payout.completed', 'payout.completed', 'payout.failed'],
      },
      { allowPrivateTargets: false, resolve: async () => ['93.184.215.14'] },
      audit,
    );
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(created).toMatchObject({
      url: 'https://hooks.example.com/mypay',
      events: ['payout.completed', 'payout.failed'],
      enabled: true,
    });
    expect(created.id).toMatch(/^we_/);

    const list = await listWebhookEndpoints(db, merchantId);
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const [entry] = await auditRows(merchantId);
    expect(entry).toMatchObject({
      action: 'webhook_endpoint.created',
      actorType: 'API_KEY',
      actorId: 'key_test',
      targetId: created.id,
      ip: '203.0.113.9',
      requestId: 'req-1',
    });
    expect(JSON.stringify(entry)).not.toContain(created.secret);
  });

  it('when the event filter names an unknown type or is empty, then it is a validation error naming the field', async () => {
    const merchantId = await newMerchant(db);
    const e1 = await rejection(
      createWebhookEndpoint(
        db,
        { merchantId, url: 'http://127.0.0.1:1/x', events: ['payout.created', 'payout.exploded'] },
        { allowPrivateTargets: true },
      ),
    );
    expect(e1.code).toBe('VALIDATION_ERROR');
    expect(e1.details).toEqual([expect.objectContaining({ field: 'events.1' })]);
    const e2 = await rejection(
      createWebhookEndpoint(db, { merchantId, url: 'http://127.0.0.1:1/x', events: [] }, { allowPrivateTargets: true }),
    );
    expect(e2.details?.[0]?.field).toBe('events');
  });

  it('when SSRF protection is on, then registering 127.0.0.1, 169.254.169.254 or 10.0.0.1 is refused and nothing is stored', async () => {
    const merchantId = await newMerchant(db);
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/hook',
    ]) {
      const error = await rejection(createWebhookEndpoint(db, { merchantId, url }, { allowPrivateTargets: false }));
      expect(error.code, url).toBe('VALIDATION_ERROR');
      expect(error.details?.[0]?.field).toBe('url');
    }
    expect((await listWebhookEndpoints(db, merchantId)).data).toEqual([]);
  });

  it('when an endpoint allowed earlier points to a private address and the guard is on at delivery, then no request reaches it', async () => {
    const receiver = await startReceiver(() => 200);
    receivers.push(receiver);
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = createDeliveryWorker(db, testSettings({ allowPrivateTargets: false, retryScheduleMs: [0] }), {
      scope: { endpointIds: [endpoint.id] },
    });
    workers.push(worker);
    worker.start();
    const event = await emit(db, merchantId);
    const detail = await waitFor(async () => {
      const d = await getEventOrThrow(db, merchantId, event.id);
      return d.deliveries[0]?.status === 'FAILED' ? d : null;
    });
    expect(detail.deliveries[0]!.attempts[0]!.error).toMatch(/refused/);
    expect(receiver.hits).toHaveLength(0);
  });

  it('when an endpoint is deleted, then it is gone from the list, gets no new deliveries, its pending ones stop, and the audit trail says so', async () => {
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/x');
    const pending = await emit(db, merchantId);
    await deleteWebhookEndpoint(db, merchantId, endpoint.id, audit);
    expect((await listWebhookEndpoints(db, merchantId)).data).toEqual([]);
    const after = await emit(db, merchantId);
    expect((await getEventOrThrow(db, merchantId, after.id)).deliveries).toEqual([]);
    expect((await getEventOrThrow(db, merchantId, pending.id)).deliveries[0]).toMatchObject({
      status: 'FAILED',
      nextAttemptAt: null,
    });
    expect((await auditRows(merchantId)).map((r) => r.action)).toEqual(['webhook_endpoint.deleted']);
    expect((await rejection(deleteWebhookEndpoint(db, merchantId, endpoint.id))).code).toBe('NOT_FOUND');
  });

  it("when a merchant deletes another merchant's endpoint, then it is NOT_FOUND and the endpoint stays", async () => {
    const owner = await newMerchant(db);
    const other = await newMerchant(db);
    const endpoint = await newEndpoint(db, owner, 'http://127.0.0.1:9/x');
    expect((await rejection(deleteWebhookEndpoint(db, other, endpoint.id))).code).toBe('NOT_FOUND');
    expect((await listWebhookEndpoints(db, owner)).data).toHaveLength(1);
  });
});

describe('events', () => {
  it('when events are listed, then they come newest first in stable pages, filterable by type, scoped to the merchant', async () => {
    const merchantId = await newMerchant(db);
    const other = await newMerchant(db);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await emit(db, merchantId, i % 2 ? 'payout.failed' : 'payout.created', { i })).id);
      await sleep(2); // distinct createdAt, so "newest first" has one right answer
    }
    await emit(db, other);

    const page1 = await listEvents(db, { merchantId, limit: 2 });
    expect(page1.hasMore).toBe(true);
    // Events written while paging do not shift later pages.
    await emit(db, merchantId);
    const page2 = await listEvents(db, { merchantId, limit: 2, cursor: page1.nextCursor! });
    const page3 = await listEvents(db, { merchantId, limit: 2, cursor: page2.nextCursor! });
    expect(page3).toMatchObject({ hasMore: false, nextCursor: null });
    const seen = [...page1.data, ...page2.data, ...page3.data].map((e) => e.id);
    expect(seen).toEqual([...ids].reverse());
    expect(page1.data[0]).toMatchObject({ type: 'payout.created', data: { object: { i: 4 } } });

    const failed = await listEvents(db, { merchantId, type: 'payout.failed' });
    expect(failed.data.map((e) => e.id)).toEqual([ids[3], ids[1]]);

    expect((await rejection(listEvents(db, { merchantId, cursor: 'garbage' }))).code).toBe('VALIDATION_ERROR');
  });

  it("when a merchant asks for another merchant's event, then it is NOT_FOUND", async () => {
    const owner = await newMerchant(db);
    const other = await newMerchant(db);
    const event = await emit(db, owner);
    expect((await rejection(getEventOrThrow(db, other, event.id))).code).toBe('NOT_FOUND');
    expect((await rejection(redeliverEvent(db, { merchantId: other, eventId: event.id }))).code).toBe('NOT_FOUND');
  });

  it('when an event is redelivered, then a new delivery is due now, delivered, and logged beside the old one', async () => {
    const receiver = await startReceiver((_h, n) => (n === 1 ? 500 : 200));
    receivers.push(receiver);
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = createDeliveryWorker(db, testSettings({ retryScheduleMs: [0] }), {
      scope: { endpointIds: [endpoint.id] },
    });
    workers.push(worker);
    worker.start();
    const event = await emit(db, merchantId);
    await waitFor(
      async () => (await getEventOrThrow(db, merchantId, event.id)).deliveries[0]?.status === 'FAILED' || null,
    );

    const redelivery = await redeliverEvent(db, { merchantId, eventId: event.id }, audit);
    expect(redelivery.deliveries).toEqual([expect.objectContaining({ endpointId: endpoint.id, status: 'PENDING' })]);
    const detail = await waitFor(async () => {
      const d = await getEventOrThrow(db, merchantId, event.id);
      return d.deliveries.some((x) => x.status === 'DELIVERED') ? d : null;
    });
    expect(detail.deliveries.map((d) => d.status).sort()).toEqual(['DELIVERED', 'FAILED']);
    expect(receiver.hits.map((h) => h.body)).toEqual([receiver.hits[0]!.body, receiver.hits[0]!.body]);
    expect((await auditRows(merchantId)).map((r) => r.action)).toContain('webhook_event.redelivered');
  });

  it('when a test event is sent, then every enabled endpoint gets a signed webhook.test now and the result is returned', async () => {
    const ok = await startReceiver(() => 200);
    const failing = await startReceiver(() => 500);
    receivers.push(ok, failing);
    const merchantId = await newMerchant(db);
    const a = await newEndpoint(db, merchantId, ok.url, ['payout.completed']);
    const b = await newEndpoint(db, merchantId, failing.url);
    const result = await sendTestEvent(db, merchantId, testSettings({ retryScheduleMs: [0, 60_000] }));
    expect(result.eventId).toMatch(/^evt_/);
    const byEndpoint = Object.fromEntries(result.deliveries.map((d) => [d.endpointId, d]));
    expect(byEndpoint[a.id]).toMatchObject({ status: 'DELIVERED', attempt: { attemptNumber: 1, statusCode: 200 } });
    // A test event is never retried, whatever the schedule says.
    expect(byEndpoint[b.id]).toMatchObject({
      status: 'FAILED',
      attempt: { statusCode: 500, responseExcerpt: 'nope 1' },
    });
    const [failed] = await db.pool.query('SELECT status, nextAttemptAt FROM WebhookDelivery WHERE id = ?', [
      byEndpoint[b.id]!.deliveryId,
    ]);
    expect(failed).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
    expect(ok.hits).toHaveLength(1);
    expect(JSON.parse(ok.hits[0]!.body)).toMatchObject({ id: result.eventId, type: 'webhook.test' });
    expect(verifySignature(ok.hits[0]!.body, String(ok.hits[0]!.headers['mypay-signature']), a.secret)).toBe(true);

    const none = await newMerchant(db);
    expect((await rejection(sendTestEvent(db, none, testSettings()))).code).toBe('INVALID_STATE');
  });
});

describe('endpoint auto-disable', () => {
  it('when every attempt to an endpoint has failed for the whole window, then it is disabled, its pending deliveries stop and the audit trail says so', async () => {
    const receiver = await startReceiver(() => 500);
    receivers.push(receiver);
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = createDeliveryWorker(
      db,
      testSettings({ retryScheduleMs: [0, 100, 100, 100, 100, 100, 100, 100, 100, 100], disableAfterMs: 400 }),
      { scope: { endpointIds: [endpoint.id] } },
    );
    workers.push(worker);
    worker.start();
    await emit(db, merchantId);
    await sleep(150);
    await emit(db, merchantId);

    const [row] = await waitFor(async () => {
      const rows = (await db.pool.query(
        'SELECT enabled, disabledAt, disabledReason FROM WebhookEndpoint WHERE id = ?',
        [endpoint.id],
      )) as {
        enabled: number;
        disabledAt: Date | null;
        disabledReason: string | null;
      }[];
      return rows[0]?.enabled === 0 ? rows : null;
    });
    expect(row!.disabledAt).toBeInstanceOf(Date);
    expect(row!.disabledReason).toMatch(/every delivery attempt failed/);
    // The delivery whose attempt triggered it keeps its retry until that comes due; then it is
    // given up without a request, like every other pending one.
    const hitsAtDisable = receiver.hits.length;
    await waitFor(
      async () => {
        const pending = (await db.pool.query(
          "SELECT COUNT(*) AS n FROM WebhookDelivery WHERE endpointId = ? AND status = 'PENDING'",
          [endpoint.id],
        )) as { n: number }[];
        return Number(pending[0]!.n) === 0;
      },
      { what: 'no pending delivery' },
    );
    expect(receiver.hits.length).toBeLessThanOrEqual(hitsAtDisable + 1);
    const entries = await auditRows(merchantId);
    expect(entries).toEqual([
      expect.objectContaining({ action: 'webhook_endpoint.disabled', actorType: 'SYSTEM', targetId: endpoint.id }),
    ]);

    // Disabled endpoints get no new deliveries, until the merchant enables them again.
    const hits = receiver.hits.length;
    const later = await emit(db, merchantId);
    expect((await getEventOrThrow(db, merchantId, later.id)).deliveries).toEqual([]);
    await afterPolls([worker]);
    expect(receiver.hits.length).toBe(hits);
    const enabled = await updateWebhookEndpoint(
      db,
      merchantId,
      endpoint.id,
      { enabled: true },
      { allowPrivateTargets: true },
      audit,
    );
    expect(enabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
  });

  it('when an endpoint fails but succeeded within the window, then it stays enabled', async () => {
    let fail = false;
    const receiver = await startReceiver(() => (fail ? 500 : 200));
    receivers.push(receiver);
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = createDeliveryWorker(
      db,
      testSettings({ retryScheduleMs: [0, 50, 50, 50], disableAfterMs: 60_000 }),
      {
        scope: { endpointIds: [endpoint.id] },
      },
    );
    workers.push(worker);
    worker.start();
    const good = await emit(db, merchantId);
    await waitFor(
      async () => (await getEventOrThrow(db, merchantId, good.id)).deliveries[0]?.status === 'DELIVERED' || null,
    );
    fail = true;
    const bad = await emit(db, merchantId);
    await waitFor(
      async () => (await getEventOrThrow(db, merchantId, bad.id)).deliveries[0]?.status === 'FAILED' || null,
    );
    expect((await listWebhookEndpoints(db, merchantId)).data[0]).toMatchObject({ enabled: true });
  });
});
