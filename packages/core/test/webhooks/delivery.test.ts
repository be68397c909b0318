import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDueDeliveries,
  createDeliveryWorker,
  type DeliveryWorker,
  getEventOrThrow,
  recordAttempts,
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

beforeAll(() => {
  db = openDb();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await db.close();
});

const track = <T extends DeliveryWorker | Receiver>(x: T): T => {
  if ('stop' in x) workers.push(x);
  else receivers.push(x);
  return x;
};

async function deliveryOf(eventId: string) {
  const rows = (await db.pool.query('SELECT * FROM WebhookDelivery WHERE eventId = ?', [eventId])) as {
    id: string;
    status: string;
    attemptCount: number;
    nextAttemptAt: Date | null;
    lastStatusCode: number | null;
  }[];
  return rows;
}

describe('webhook delivery worker', () => {
  it('when the receiver answers 500 twice then 200, then three attempts are logged and the event is delivered once', async () => {
    const receiver = track(await startReceiver((_hit, n) => (n <= 2 ? 500 : 200)));
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = track(createDeliveryWorker(db, testSettings(), { scope: { endpointIds: [endpoint.id] } }));
    worker.start();

    const event = await emit(db, merchantId, 'payout.completed', { id: 'po_retry', amount: 500 });
    const [delivered] = await waitFor(
      async () => {
        const rows = await deliveryOf(event.id);
        return rows[0]?.status === 'DELIVERED' ? rows : null;
      },
      { what: 'delivery' },
    );
    // Two more polls of the worker: had it anything left to send, it would have sent it.
    await afterPolls([worker]);

    expect(delivered).toMatchObject({ status: 'DELIVERED', attemptCount: 3, nextAttemptAt: null, lastStatusCode: 200 });
    expect(receiver.hits).toHaveLength(3);
    expect(receiver.hits.filter((h) => h.eventId === event.id)).toHaveLength(3);
    // The same bytes every time, each freshly signed and verifiable with the endpoint's secret.
    const bodies = new Set(receiver.hits.map((h) => h.body));
    expect(bodies.size).toBe(1);
    expect(JSON.parse(receiver.hits[0]!.body)).toEqual({
      id: event.id,
      type: 'payout.completed',
      createdAt: event.createdAt,
      sequence: 1,
      // Written outside any API request (as a worker would): no request to name.
      request: null,
      data: { object: { id: 'po_retry', amount: 500 } },
    });
    for (const hit of receiver.hits) {
      expect(verifySignature(hit.body, String(hit.headers['mypay-signature']), endpoint.secret)).toBe(true);
      expect(hit.headers).toMatchObject({
        'content-type': 'application/json',
        'mypay-event-id': event.id,
        'mypay-event-type': 'payout.completed',
      });
      expect(hit.headers['user-agent']).toMatch(/^MyPay-Webhooks\//);
    }

    const detail = await getEventOrThrow(db, merchantId, event.id);
    expect(detail.deliveries).toHaveLength(1);
    expect(detail.deliveries[0]!.attempts.map((a) => [a.attemptNumber, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(detail.deliveries[0]!.attempts[0]!.responseExcerpt).toBe('nope 1');
    expect(detail.deliveries[0]!.attempts.every((a) => a.latencyMs >= 0 && a.error === null)).toBe(true);
  });

  it('when every attempt fails, then the delivery ends FAILED after the last scheduled attempt', async () => {
    const receiver = track(await startReceiver(() => 503));
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = track(createDeliveryWorker(db, testSettings(), { scope: { endpointIds: [endpoint.id] } }));
    worker.start();
    const event = await emit(db, merchantId);
    const [row] = await waitFor(async () => {
      const rows = await deliveryOf(event.id);
      return rows[0]?.status === 'FAILED' ? rows : null;
    });
    expect(row).toMatchObject({ attemptCount: 3, nextAttemptAt: null, lastStatusCode: 503 });
    await afterPolls([worker]);
    expect(receiver.hits).toHaveLength(3);
  });

  it('when the receiver is down while the worker is stopped and restarted, then the event is delivered after the restart', async () => {
    const receiver = track(await startReceiver(() => 200));
    const port = receiver.port;
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    await receiver.close(); // receiver down: connections are refused
    const settings = testSettings({ retryScheduleMs: [0, 300, 300, 300, 300, 300] });
    const scope = { endpointIds: [endpoint.id] };

    const first = track(createDeliveryWorker(db, settings, { scope }));
    first.start();
    const event = await emit(db, merchantId, 'payout.failed', { id: 'po_restart' });
    const event2Pending = waitFor(async () => ((await deliveryOf(event.id))[0]?.attemptCount ?? 0) >= 1 || null);
    await event2Pending;
    await first.stop(); // "the API restarts"
    const [afterFirst] = await deliveryOf(event.id);
    expect(afterFirst).toMatchObject({ status: 'PENDING' });

    // An event written while no worker runs is not lost either.
    const whileDown = await emit(db, merchantId, 'payout.completed', { id: 'po_while_down' });

    const revived = track(await startReceiver(() => 200, port));
    const second = track(createDeliveryWorker(db, settings, { scope }));
    second.start();
    await waitFor(async () => {
      const a = (await deliveryOf(event.id))[0];
      const b = (await deliveryOf(whileDown.id))[0];
      return a?.status === 'DELIVERED' && b?.status === 'DELIVERED';
    });
    expect(revived.hits.map((h) => h.eventId).sort()).toEqual([event.id, whileDown.id].sort());
    const detail = await getEventOrThrow(db, merchantId, event.id);
    const attempts = detail.deliveries[0]!.attempts;
    expect(attempts[0]!.statusCode).toBeNull();
    expect(attempts[0]!.error).toMatch(/ECONNREFUSED/);
    expect(attempts.at(-1)!.statusCode).toBe(200);
  });

  it('when the worker is stopped mid-send, then it waits for the send to be recorded', async () => {
    const receiver = track(
      await startReceiver(async () => {
        await sleep(300);
        return 200;
      }),
    );
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = track(createDeliveryWorker(db, testSettings(), { scope: { endpointIds: [endpoint.id] } }));
    worker.start();
    const event = await emit(db, merchantId);
    await waitFor(() => receiver.hits.length > 0 || null);
    expect(worker.inFlight).toBe(1);
    await worker.stop();
    expect(worker.inFlight).toBe(0);
    expect((await deliveryOf(event.id))[0]).toMatchObject({ status: 'DELIVERED', attemptCount: 1 });
  });

  it('when the receiver is slower than the timeout, then the attempt fails with a timeout and is retried', async () => {
    const receiver = track(
      await startReceiver(async (_hit, n) => {
        if (n === 1) await sleep(600);
        return 200;
      }),
    );
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = track(
      createDeliveryWorker(db, testSettings({ requestTimeoutMs: 200 }), { scope: { endpointIds: [endpoint.id] } }),
    );
    worker.start();
    const event = await emit(db, merchantId);
    await waitFor(async () => (await deliveryOf(event.id))[0]?.status === 'DELIVERED' || null);
    const detail = await getEventOrThrow(db, merchantId, event.id);
    const [first, second] = detail.deliveries[0]!.attempts;
    expect(first).toMatchObject({ statusCode: null });
    expect(first!.error).toMatch(/timed out/);
    expect(first!.latencyMs).toBeGreaterThanOrEqual(190);
    expect(second).toMatchObject({ statusCode: 200 });
  });

  it('when the response is long, then only its first 1 KB is kept', async () => {
    const http = await import('node:http');
    const server = http.createServer((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(5000));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, `http://127.0.0.1:${port}/big`);
    const worker = track(createDeliveryWorker(db, testSettings(), { scope: { endpointIds: [endpoint.id] } }));
    worker.start();
    const event = await emit(db, merchantId);
    await waitFor(async () => (await deliveryOf(event.id))[0]?.status === 'DELIVERED' || null);
    const detail = await getEventOrThrow(db, merchantId, event.id);
    expect(detail.deliveries[0]!.attempts[0]!.responseExcerpt).toHaveLength(1024);
    server.closeAllConnections();
    server.close();
  });

  it('when endpoints filter event types, then only subscribed endpoints get a delivery', async () => {
    const merchantId = await newMerchant(db);
    const all = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/all');
    const onlyFailed = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/failed', ['payout.failed']);
    const completed = await emit(db, merchantId, 'payout.completed');
    const failed = await emit(db, merchantId, 'payout.failed');
    const endpointsOf = async (eventId: string) =>
      (
        (await db.pool.query('SELECT endpointId FROM WebhookDelivery WHERE eventId = ?', [eventId])) as {
          endpointId: string;
        }[]
      )
        .map((r) => r.endpointId)
        .sort();
    expect(await endpointsOf(completed.id)).toEqual([all.id]);
    expect(await endpointsOf(failed.id)).toEqual([all.id, onlyFailed.id].sort());
  });

  it('when an event is enqueued in this process, then the worker delivers it well before its next poll', async () => {
    const receiver = track(await startReceiver(() => 200));
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const worker = track(
      createDeliveryWorker(db, testSettings({ pollIntervalMs: 5_000 }), { scope: { endpointIds: [endpoint.id] } }),
    );
    worker.start();
    // Its first poll found nothing: the worker is now in its long sleep.
    await waitFor(() => worker.polls() >= 1, { what: 'the first poll' });
    const started = Date.now();
    await emit(db, merchantId);
    await waitFor(() => receiver.hits.length > 0 || null, { intervalMs: 5 });
    expect(receiver.hits[0]!.at - started).toBeLessThan(1_000);
  });

  it('when a lease ran out and the delivery was claimed again, then the stale outcome is logged as an attempt but does not overwrite the delivery', async () => {
    const merchantId = await newMerchant(db);
    const endpoint = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/x');
    const event = await emit(db, merchantId);
    const scope = { endpointIds: [endpoint.id] };
    // A 5 ms lease: gone almost at once, so the next claim takes the same delivery.
    const [stale] = await waitFor(async () => {
      const claimed = await claimDueDeliveries(db, 10, 5, scope);
      return claimed.length > 0 ? claimed : null;
    });
    const [fresh] = await waitFor(async () => {
      const claimed = await claimDueDeliveries(db, 10, 10_000, scope);
      return claimed.length > 0 ? claimed : null;
    });
    expect(fresh?.id).toBe(stale?.id);
    const result = {
      ok: true,
      statusCode: 200,
      latencyMs: 5,
      responseExcerpt: 'ok',
      error: null,
      startedAt: new Date(),
    };
    const outcomes = await recordAttempts(
      db,
      [
        { delivery: stale!, result },
        { delivery: fresh!, result: { ...result, ok: false, statusCode: 500 } },
      ],
      testSettings(),
    );
    expect(outcomes).toEqual(['LEASE_LOST', 'RETRY_SCHEDULED']);
    const detail = await getEventOrThrow(db, merchantId, event.id);
    expect(detail.deliveries[0]).toMatchObject({ status: 'PENDING', attemptCount: 1, lastStatusCode: 500 });
    expect(detail.deliveries[0]!.attempts.map((a) => a.statusCode)).toEqual([200, 500]);
  });
});
