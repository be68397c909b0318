import { createDeliveryWorker, type DeliveryWorker } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver, testSettings } from '../../../packages/core/test/webhooks/support.ts';
import { client, createTestMerchant, payoutBody, startTestApi, type TestApi, waitFor } from './support.ts';

/** Orderable events: `sequence` per merchant in commit order, and one timestamp per status step. */

interface DeliveredEvent {
  id: string;
  type: string;
  createdAt: string;
  sequence: number;
  data: { object: { id: string; status: string; updatedAt: string } };
}

let api: TestApi;
let receiver: Receiver;
let worker: DeliveryWorker;
const endpointIds: string[] = [];

beforeAll(async () => {
  api = startTestApi();
  receiver = await startReceiver();
  // Only this file's endpoints: other files share the database.
  worker = createDeliveryWorker(api.db, testSettings(), { scope: { endpointIds } });
  worker.start();
});

afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await api.close();
});

async function merchantWithEndpoint() {
  const merchant = await createTestMerchant(api.db);
  const res = await client(api.app, merchant.key).post('/webhook-endpoints', { url: receiver.url });
  expect(res.status).toBe(201);
  endpointIds.push(res.body.id);
  return merchant;
}

const deliveredFor = (payoutId: string) =>
  receiver.hits
    .map((hit) => JSON.parse(hit.body) as DeliveredEvent)
    .filter((event) => event.data.object.id === payoutId);

const strictlyIncreasing = (values: number[]) => values.every((value, i) => i === 0 || value > values[i - 1]!);

describe('event order', () => {
  it('when an instant payout is created, then its three webhook deliveries carry strictly increasing sequence in lifecycle order, each step with its own later time', async () => {
    const merchant = await merchantWithEndpoint();
    const created = await client(api.app, merchant.key).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('COMPLETED');

    const events = await waitFor(
      async () => deliveredFor(created.body.id),
      (list) => list.length >= 3,
    );
    expect(events).toHaveLength(3);
    // Whatever order they arrived in, sequence puts them in lifecycle order.
    const bySequence = [...events].sort((a, b) => a.sequence - b.sequence);
    expect(bySequence.map((event) => event.type)).toEqual(['payout.created', 'payout.processing', 'payout.completed']);
    expect(bySequence.map((event) => event.data.object.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect(strictlyIncreasing(bySequence.map((event) => event.sequence))).toBe(true);
    expect(strictlyIncreasing(bySequence.map((event) => Date.parse(event.createdAt)))).toBe(true);
    expect(strictlyIncreasing(bySequence.map((event) => Date.parse(event.data.object.updatedAt)))).toBe(true);

    // The status history the API shows has the same distinct, ordered times.
    const history = created.body.events as { status: string; at: string }[];
    expect(history.map((step) => step.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect(history.map((step) => step.at)).toEqual(bySequence.map((event) => event.createdAt));
    expect(created.body.updatedAt).toBe(history[2]!.at);
    const fetched = await client(api.app, merchant.key).get(`/payouts/${created.body.id}`);
    expect(fetched.body.events.map((step: { at: string }) => step.at)).toEqual(history.map((step) => step.at));
  });

  it('when an async payout moves on in the worker, then its later events continue the sequence in lifecycle order', async () => {
    const merchant = await merchantWithEndpoint();
    const created = await client(api.app, merchant.key).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' } }),
    );
    expect(created.body.status).toBe('PENDING');
    const events = await waitFor(
      async () => deliveredFor(created.body.id),
      (list) => list.length >= 3,
    );
    const bySequence = [...events].sort((a, b) => a.sequence - b.sequence);
    expect(bySequence.map((event) => event.type)).toEqual(['payout.created', 'payout.processing', 'payout.completed']);
    expect(strictlyIncreasing(bySequence.map((event) => Date.parse(event.createdAt)))).toBe(true);
  });

  it("when one merchant's payouts are created concurrently, then its events are numbered 1…n without gaps, in the order they were written, and each body carries its number", async () => {
    const merchant = await createTestMerchant(api.db);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        client(api.app, merchant.key).post(
          '/payouts',
          payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001' } }),
        ),
      ),
    );
    expect(results.map((res) => res.status)).toEqual(Array(8).fill(201));
    const rows = (await api.db.pool.query(
      `SELECT sequence, JSON_EXTRACT(payload, '$.sequence') AS inBody, type,
              JSON_UNQUOTE(JSON_EXTRACT(payload, '$.data.object.id')) AS payoutId
         FROM WebhookEvent WHERE merchantId = ? ORDER BY seq`,
      [merchant.merchantId],
    )) as { sequence: bigint; inBody: unknown; type: string; payoutId: string }[];
    // The merchant lock makes insertion order (seq) and commit order one and the same.
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(rows.map((row) => Number(row.inBody))).toEqual(rows.map((row) => Number(row.sequence)));
    for (const payout of results) {
      const own = rows.filter((row) => row.payoutId === payout.body.id).map((row) => row.type);
      expect(own).toEqual(['payout.created', 'payout.processing', 'payout.completed']);
    }
    // GET /events shows the same numbers.
    const listed = await client(api.app, merchant.key).get('/events?limit=100');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(
      listed.body.data.map((event: { sequence: number }) => event.sequence).sort((a: number, b: number) => a - b),
    ).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });
});
