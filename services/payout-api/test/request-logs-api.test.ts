import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../payment-api/test/support.ts';
import {
  addKey,
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
  uniqueSuffix,
} from './support.ts';

interface Entry {
  requestId: string;
  method: string;
  path: string;
  status: number;
  objectId: string | null;
  idempotencyKey: string | null;
  api: string;
}

let api: TestApi;
let paymentApi: payment.TestApi;
let m: TestMerchant;
const ids: Record<string, string> = {};
let payoutId = '';
const idemKey = `logs-${uniqueSuffix()}`;

beforeAll(async () => {
  api = startTestApi({ worker: false });
  paymentApi = payment.startTestApi({ workers: false });
  m = await createTestMerchant(api.db);
  const c = client(api.app, m.key);
  const at = (label: string) => {
    ids[label] = `${label}-${uniqueSuffix()}`;
    return ids[label] as string;
  };
  // One request of each kind, in this order (oldest first).
  const created = await c
    .post('/payouts', payoutBody())
    .set('Idempotency-Key', idemKey)
    .set('X-Request-Id', at('create'));
  payoutId = created.body.id;
  await c.post('/payouts', { amount: 'lots' }).set('X-Request-Id', at('invalid'));
  await c.get(`/payouts/${payoutId}`).set('X-Request-Id', at('read'));
  await c.get('/payouts/po_doesnotexist0000').set('X-Request-Id', at('missing'));
  await c.get('/balance').set('X-Request-Id', at('balance'));
  await api.requestLog?.flush();
});
afterAll(async () => {
  await paymentApi?.close();
  await api?.close();
});

const list = async (query = '', key = m.key) => {
  const res = await client(api.app, key).get(`/request-logs${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: Entry[]; hasMore: boolean; nextCursor: string | null };
};
const labels = (entries: Entry[]) =>
  entries.map((e) => Object.entries(ids).find(([, id]) => id === e.requestId)?.[0] ?? e.requestId);

describe('GET /api/v1/request-logs', () => {
  it("when listed, then the merchant's requests come newest first and reading the log is not logged", async () => {
    const page = await list();
    expect(labels(page.data)).toEqual(['balance', 'missing', 'read', 'invalid', 'create']);
    await api.requestLog?.flush();
    expect(labels((await list()).data)).toEqual(['balance', 'missing', 'read', 'invalid', 'create']);
  });

  it('when filtered by status code or class, method, path prefix, object, idempotency key or time, then only matching entries', async () => {
    expect(labels((await list('?status=4xx')).data)).toEqual(['missing', 'invalid']);
    expect(labels((await list('?status=404')).data)).toEqual(['missing']);
    expect(labels((await list('?status=2XX&method=GET')).data)).toEqual(['balance', 'read']);
    expect(labels((await list('?method=POST')).data)).toEqual(['invalid', 'create']);
    expect(labels((await list('?path=/api/v1/payouts/')).data)).toEqual(['missing', 'read']);
    expect(labels((await list(`?objectId=${payoutId}`)).data)).toEqual(['read', 'create']);
    expect(labels((await list(`?idempotencyKey=${idemKey}`)).data)).toEqual(['create']);
    expect((await list(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).data).toEqual([]);
    expect(labels((await list(`?to=${new Date(Date.now() + 60_000).toISOString()}&limit=1`)).data)).toEqual([
      'balance',
    ]);
  });

  it('when paged, then the cursor walks every entry once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...labels(page.data));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['balance', 'missing', 'read', 'invalid', 'create']);
  });

  it('when a filter is malformed or unknown, then 400 VALIDATION_ERROR naming it', async () => {
    for (const query of ['?status=4x', '?status=600', '?method=BREW', '?bogus=1', '?cursor=nonsense']) {
      const res = await client(api.app, m.key).get(`/request-logs${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('GET /api/v1/request-logs/:requestId', () => {
  it('when asked for an entry, then it comes with both bodies as JSON', async () => {
    const res = await client(api.app, m.key).get(`/request-logs/${ids.create}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      requestId: ids.create,
      api: 'payout',
      method: 'POST',
      route: '/api/v1/payouts',
      status: 201,
      objectId: payoutId,
      idempotencyKey: idemKey,
      idempotentReplayed: false,
      requestBodyTruncated: false,
      responseBodyTruncated: false,
    });
    expect(res.body.requestBody).toMatchObject({ amount: 10_000, currency: 'PKR' });
    expect(res.body.responseBody).toMatchObject({ id: payoutId });
  });

  it("when the id is unknown or another merchant's, then 404, and the other merchant's list does not show it", async () => {
    const other = await createTestMerchant(api.db);
    expect((await client(api.app, m.key).get('/request-logs/never-sent-this-id')).status).toBe(404);
    const theirs = await client(api.app, other.key).get(`/request-logs/${ids.create}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await list('', other.key)).data).toEqual([]);
  });
});

describe('one log, read on both APIs', () => {
  it('when read with a payment key on the Payment API, then the same entries; a payout key there is refused', async () => {
    const paymentKey = await addKey(api.db, m.merchantId, 'payment');
    const res = await request(paymentApi.app)
      .get('/request-logs?limit=100')
      .set('Authorization', `Bearer ${paymentKey}`);
    expect(res.status).toBe(200);
    expect(labels(res.body.data)).toEqual(['balance', 'missing', 'read', 'invalid', 'create']);
    const detail = await request(paymentApi.app)
      .get(`/request-logs/${ids.read}`)
      .set('Authorization', `Bearer ${paymentKey}`);
    expect(detail.body).toMatchObject({ api: 'payout', objectId: payoutId });
    const refused = await request(paymentApi.app).get('/request-logs').set('Authorization', `Bearer ${m.key}`);
    expect(refused.status).toBe(403);
  });

  it("when a checkout is made on the Payment API, then the Payout API's log shows it too", async () => {
    const paymentKey = await addKey(api.db, m.merchantId, 'payment');
    const checkout = await payment.openCheckout(paymentApi.app, paymentKey);
    await paymentApi.requestLog?.flush();
    const page = await list(`?objectId=${checkout.id}`);
    expect(page.data.map((e) => [e.api, e.path])).toEqual([['payment', '/api/checkout/create']]);
  });
});
