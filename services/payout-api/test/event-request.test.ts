import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
  uniqueSuffix,
  waitFor,
} from './support.ts';

interface EventBody {
  id: string;
  type: string;
  request: { id: string; idempotencyKey: string | null } | null;
  data: { object: { id: string } };
}

let api: TestApi;
let m: TestMerchant;

beforeAll(async () => {
  api = startTestApi();
  m = await createTestMerchant(api.db);
});
afterAll(async () => {
  await api?.close();
});

const eventsOf = async (objectId: string): Promise<EventBody[]> => {
  const res = await client(api.app, m.key).get('/events?limit=100');
  return (res.body.data as EventBody[]).filter((e) => e.data.object.id === objectId).reverse();
};

describe('events name the request that caused them', () => {
  it('when a payout is created through the API, then its events carry the request id and Idempotency-Key; the worker’s steps carry null', async () => {
    const requestId = `evt-req-${uniqueSuffix()}`;
    const key = `evt-key-${uniqueSuffix()}`;
    const created = await client(api.app, m.key)
      .post(
        '/payouts',
        payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' } }),
      )
      .set('X-Request-Id', requestId)
      .set('Idempotency-Key', key);
    expect(created.status).toBe(201);

    const events = await waitFor(
      () => eventsOf(created.body.id),
      (found) => found.some((e) => e.type === 'payout.completed'),
      20_000,
    );
    expect(events.map((e) => [e.type, e.request])).toEqual([
      ['payout.created', { id: requestId, idempotencyKey: key }],
      ['payout.processing', null],
      ['payout.completed', null],
    ]);
    // The same body on the event detail (what webhooks deliver).
    const detail = await client(api.app, m.key).get(`/events/${events[0]?.id}`);
    expect(detail.body.request).toEqual({ id: requestId, idempotencyKey: key });

    // And the request log entry lists the events it caused.
    await api.requestLog?.flush();
    const entry = await client(api.app, m.key).get(`/request-logs/${requestId}`);
    expect(entry.status).toBe(200);
    expect(entry.body.events).toEqual([{ id: events[0]?.id, type: 'payout.created', createdAt: expect.any(String) }]);
  });

  it('when a request sends no Idempotency-Key, then request.idempotencyKey is null; a forced transition names its own request', async () => {
    const created = await client(api.app, m.key).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' } }),
    );
    const generated = created.headers['x-request-id'];
    const simulateId = `sim-${uniqueSuffix()}`;
    await waitFor(
      () => eventsOf(created.body.id),
      (found) => found.some((e) => e.type === 'payout.processing'),
      20_000,
    );
    const forced = await client(api.app, m.key)
      .post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'COMPLETED' })
      .set('X-Request-Id', simulateId);
    expect(forced.status).toBe(200);
    const events = await eventsOf(created.body.id);
    expect(events.map((e) => [e.type, e.request])).toEqual([
      ['payout.created', { id: generated, idempotencyKey: null }],
      // TIMEOUT is handed to the provider within the create itself: the same request caused it.
      ['payout.processing', { id: generated, idempotencyKey: null }],
      ['payout.completed', { id: simulateId, idempotencyKey: null }],
    ]);
  });
});
