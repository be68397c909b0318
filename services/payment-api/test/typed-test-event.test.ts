import { EVENT_OBJECTS, EVENT_SCHEMAS, EVENT_TYPES } from '@mypay/contracts';
import { createWebhookEndpoint, sampleEventObject, verifySignature } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../packages/core/test/webhooks/support.ts';
import { client, createTestMerchant, startTestApi, type TestApi } from './support.ts';

/** POST /webhooks/test {type}: a test event of a chosen type, with a sample object of exactly that type's shape. */

let api: TestApi;
let receiver: Receiver;

beforeAll(async () => {
  api = startTestApi({ workers: false });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

describe('typed test events', () => {
  it('when a test event of each type is sent, then the endpoint gets that type with a signed body valid against its schema', async () => {
    const m = await createTestMerchant(api.db, { scope: 'all' });
    // The filter leaves these types out: a test send goes to the named endpoint all the same.
    const endpoint = await createWebhookEndpoint(
      api.db,
      { merchantId: m.merchantId, url: receiver.url, events: ['payout.created'] },
      { allowPrivateTargets: true },
    );
    const types = [
      'refund.succeeded',
      'refund.failed',
      'payment.refunded',
      'checkout.cancelled',
      'payout.failed',
    ] as const;
    for (const type of types) {
      const res = await client(api.app, m.key).post('/webhooks/test', { endpointId: endpoint.id, type }).expect(200);
      expect(res.body).toMatchObject({ type, deliveries: [expect.objectContaining({ status: 'DELIVERED' })] });
      const hit = receiver.hits.find((h) => h.eventId === res.body.eventId)!;
      expect(hit.headers['mypay-event-type']).toBe(type);
      expect(verifySignature(hit.body, String(hit.headers['mypay-signature']), endpoint.secret)).toBe(true);
      const body = JSON.parse(hit.body);
      expect(() => EVENT_SCHEMAS[type].parse(body)).not.toThrow();
      expect(body.data.object.id).toContain('_sample');
    }
  });

  it('when a sample object is made for every event type, then it matches the documented object of that type', () => {
    for (const type of EVENT_TYPES) {
      const sample = sampleEventObject(type, 'mer_x', new Date(), 'http://127.0.0.1:4002');
      expect(EVENT_OBJECTS[type].safeParse(sample).success, type).toBe(true);
    }
  });

  it('when test events of any type pass the per-minute limit, then 429 counts them together; an unknown type is 400', async () => {
    const m = await createTestMerchant(api.db, { scope: 'all' });
    await createWebhookEndpoint(api.db, { merchantId: m.merchantId, url: receiver.url }, { allowPrivateTargets: true });
    const c = client(api.app, m.key);
    for (let i = 0; i < 10; i++) {
      await c.post('/webhooks/test', i % 2 ? { type: 'refund.created' } : {}).expect(200);
    }
    const limited = await c.post('/webhooks/test', { type: 'payment.succeeded' }).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect((await c.post('/webhooks/test', { type: 'refund.exploded' }).expect(400)).body.error.details[0].field).toBe(
      'type',
    );
  });
});
