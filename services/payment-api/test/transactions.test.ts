import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestMerchant, openCheckout, startTestApi, type TestApi, type TestMerchant } from './support.ts';

let api: TestApi;
let m: TestMerchant;
const ids: { id: string; status: string }[] = [];

beforeAll(async () => {
  api = startTestApi({ workers: false });
  m = await createTestMerchant(api.db);
  const c = client(api.app, m.key);
  // 5 attempts, oldest first: S F S F S (each on its own checkout).
  for (const mobile of ['03000000001', '03000000004', '03000000001', '03000000003', '03000000001']) {
    const checkout = await openCheckout(api.app, m.key, { amount: 500 });
    const res = await c.post('/payment/complete', { checkoutId: checkout.id, provider: 'JAZZCASH', mobile });
    ids.push({ id: res.body.id, status: res.body.status });
  }
});
afterAll(async () => {
  await api?.close();
});

describe('GET /transactions', () => {
  it('when paging with limit 2, then newest first across pages with no gaps or repeats', async () => {
    const c = client(api.app, m.key);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await c.get(`/transactions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
      expect(res.body.hasMore).toBe(cursor !== null);
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids.map((t) => t.id).reverse());
  });

  it('when filtered by status, then only that status', async () => {
    const res = await client(api.app, m.key).get('/transactions?status=FAILED');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual(
      ids
        .filter((t) => t.status === 'FAILED')
        .map((t) => t.id)
        .reverse(),
    );
  });

  it('when filtered by from/to, then only transactions created in that window', async () => {
    const c = client(api.app, m.key);
    const future = await c.get(`/transactions?from=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.body.data).toEqual([]);
    const past = await c.get(`/transactions?to=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(past.body.data).toEqual([]);
    const all = await c.get(
      `/transactions?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(all.body.data).toHaveLength(5);
  });

  it('when another merchant lists, then none of these transactions appear', async () => {
    const other = await createTestMerchant(api.db);
    const res = await client(api.app, other.key).get('/transactions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], hasMore: false, nextCursor: null });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['status=DONE', 'status'],
    ['from=yesterday', 'from'],
    ['cursor=garbage', 'cursor'],
  ])('when the query has %s, then 400 VALIDATION_ERROR', async (query, field) => {
    const res = await client(api.app, m.key).get(`/transactions?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('when no key is sent, then 401', async () => {
    expect((await request(api.app).get('/transactions')).status).toBe(401);
  });
});
