import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enqueueEvent, insertEvent } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../test/support/wait.ts';
import { addKey, createTestMerchant, payoutBody, startTestApi, type TestApi } from './support.ts';

let api: TestApi;
let server: Server;
let base: string;

beforeAll(async () => {
  api = startTestApi();
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await api.close();
});

interface Message {
  id?: string;
  event: string;
  data: string;
}

/** Opens the stream and collects its messages until close(). */
async function openStream(key: string, query = '', headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${base}/events/stream${query}`, {
    headers: { Authorization: `Bearer ${key}`, ...headers },
    signal: controller.signal,
  });
  const messages: Message[] = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message: Message = { event: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) message.id = line.slice(4);
              else if (line.startsWith('event: ')) message.event = line.slice(7);
              else if (line.startsWith('data: ')) message.data += line.slice(6);
            }
            if (message.data) messages.push(message);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {}
    })();
  }
  return { response, messages, close: () => controller.abort() };
}

const waitFor = (what: string, probe: () => boolean, timeoutMs = 30_000) =>
  waitUntil(probe, { what, timeoutMs, intervalMs: 50 });

const events = (messages: Message[]) => messages.filter((m) => m.event !== 'ready' && m.event !== 'error');

describe('GET /api/v1/events/stream', () => {
  it('when the key is missing, of scope payment, or the query is bad, then the usual JSON errors', async () => {
    const merchant = await createTestMerchant(api.db);
    const paymentKey = await addKey(api.db, merchant.merchantId, 'payment');
    expect((await fetch(`${base}/events/stream`)).status).toBe(401);
    const forbidden = await fetch(`${base}/events/stream`, { headers: { Authorization: `Bearer ${paymentKey}` } });
    expect(forbidden.status).toBe(403);
    const badType = await openStream(merchant.key, '?types=payout.nope');
    expect(badType.response.status).toBe(400);
    expect(((await badType.response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
    const unknownAfter = await openStream(merchant.key, '?after=evt_unknown');
    expect(unknownAfter.response.status).toBe(404);
  });

  it("when payouts happen, then only this merchant's matching events stream, in order, with the bodies webhooks send", async () => {
    const merchant = await createTestMerchant(api.db);
    const other = await createTestMerchant(api.db);
    const stream = await openStream(merchant.key, '?types=payout.completed,payout.failed');
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    await waitFor('ready', () => stream.messages.some((m) => m.event === 'ready'));

    const auth = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' });
    const create = (key: string, accountNumber: string) =>
      fetch(`${base}/payouts`, {
        method: 'POST',
        headers: auth(key),
        body: JSON.stringify(payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber } })),
      });
    expect((await create(other.key, '03000000001')).status).toBe(201);
    expect((await create(merchant.key, '03000000001')).status).toBe(201);
    expect((await create(merchant.key, '03000000004')).status).toBe(201);
    await waitFor('two events', () => events(stream.messages).length >= 2);
    stream.close();

    const got = events(stream.messages);
    expect(got.map((m) => m.event)).toEqual(['payout.completed', 'payout.failed']);
    const stored = await api.db.pool.query(
      "SELECT id, CAST(payload AS CHAR) AS body FROM WebhookEvent WHERE merchantId = ? AND type IN ('payout.completed','payout.failed') ORDER BY seq",
      [merchant.merchantId],
    );
    expect(got.map((m) => m.data)).toEqual(stored.map((row: { body: string }) => row.body));
  });

  it('when resuming with Last-Event-ID, then the events after it come, and payout.* matches every payout event', async () => {
    const merchant = await createTestMerchant(api.db);
    const conn = await api.db.pool.getConnection();
    const ids: string[] = [];
    try {
      for (const type of ['payout.created', 'payment.succeeded', 'payout.completed'] as const) {
        ids.push((await enqueueEvent(conn, merchant.merchantId, type, { n: ids.length })).id);
      }
    } finally {
      conn.release();
    }
    const stream = await openStream(merchant.key, '?types=payout.*', { 'Last-Event-ID': ids[0]! });
    await waitFor('payout.completed', () => events(stream.messages).some((m) => m.event === 'payout.completed'));
    stream.close();
    expect(events(stream.messages).map((m) => JSON.parse(m.data).id)).toEqual([ids[2]]);

    const fromStart = await openStream(merchant.key, '?after=start');
    await waitFor('three events', () => events(fromStart.messages).length >= 3);
    fromStart.close();
    expect(events(fromStart.messages).map((m) => JSON.parse(m.data).id)).toEqual(ids);
  });

  it("when one transaction holds a merchant's event uncommitted, then the merchant's next event waits for it, and the stream carries both in commit order", async () => {
    const merchant = await createTestMerchant(api.db);
    const stream = await openStream(merchant.key);
    await waitFor('ready', () => stream.messages.some((m) => m.event === 'ready'));

    const slow = await api.db.pool.getConnection();
    const fast = await api.db.pool.getConnection();
    try {
      await slow.beginTransaction();
      const first = await insertEvent(slow, merchant.merchantId, 'payout.created', { which: 'first' });
      // Autocommit, but it needs the merchant's sequence: it cannot take one before `slow` commits.
      const secondInsert = insertEvent(fast, merchant.merchantId, 'payout.completed', { which: 'second' });
      await slow.commit();
      const second = await secondInsert;
      expect(second.sequence).toBe(first.sequence + 1);
      await waitFor('both events', () => events(stream.messages).some((m) => m.data.includes(second.id)));
      stream.close();
      expect(events(stream.messages).map((m) => JSON.parse(m.data).id)).toEqual([first.id, second.id]);
    } finally {
      slow.release();
      fast.release();
    }
  });
});

describe('GET /api/v1/events/stream: limits and the shared poller', () => {
  const opened: { close(): void }[] = [];
  afterAll(() => {
    for (const stream of opened) stream.close();
  });
  async function ready(key: string) {
    const stream = await openStream(key);
    opened.push(stream);
    expect(stream.response.status).toBe(200);
    await waitFor('ready', () => stream.messages.some((m) => m.event === 'ready'));
    return stream;
  }

  it('when a key holds 5 streams or a merchant 10, then the next is 429 RATE_LIMITED with Retry-After, until one closes', async () => {
    const merchant = await createTestMerchant(api.db);
    const second = await addKey(api.db, merchant.merchantId, 'payout');
    const third = await addKey(api.db, merchant.merchantId, 'payout');
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await ready(merchant.key));

    const perKey = await fetch(`${base}/events/stream`, { headers: { Authorization: `Bearer ${merchant.key}` } });
    expect(perKey.status).toBe(429);
    expect(perKey.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await perKey.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toContain('5 per API key');

    for (let i = 0; i < 5; i++) await ready(second);
    const perMerchant = await fetch(`${base}/events/stream`, { headers: { Authorization: `Bearer ${third}` } });
    expect(perMerchant.status).toBe(429);
    expect(((await perMerchant.json()) as { error: { message: string } }).error.message).toContain('10 per merchant');

    // Another merchant is not affected.
    const other = await createTestMerchant(api.db);
    await ready(other.key);

    // Closing one frees its slot (once the server has seen the close).
    first[0]!.close();
    let again: Awaited<ReturnType<typeof openStream>> | null = null;
    for (let i = 0; i < 100 && again?.response.status !== 200; i++) {
      again = await openStream(third);
      opened.push(again);
      if (again.response.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(again?.response.status).toBe(200);
  });

  it('when 12 streams of 4 merchants are open, then one poll statement per round serves them all and each gets its events', async () => {
    const merchants = await Promise.all(Array.from({ length: 4 }, () => createTestMerchant(api.db)));
    const streams = [];
    for (const merchant of merchants) {
      for (let i = 0; i < 3; i++) streams.push({ merchant, stream: await ready(merchant.key) });
    }
    // Count the stream reads of WebhookEvent this process runs over a quiet window.
    const pool = api.db.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> };
    const original = pool.query;
    let statements = 0;
    pool.query = function (this: unknown, ...args: unknown[]) {
      const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { sql?: string })?.sql ?? '');
      if (/FROM WebhookEvent\s+WHERE merchantId/.test(sql)) statements++;
      return original.apply(this, args);
    } as typeof original;
    const windowMs = 2_000;
    try {
      await new Promise((r) => setTimeout(r, windowMs));
    } finally {
      pool.query = original;
    }
    const rounds = windowMs / 200;
    // Per connection it was streams × rounds (+ look-backs): 120+. One poller: about one per round.
    expect(statements).toBeLessThanOrEqual(rounds * 1.5 + 4);
    expect(statements).toBeGreaterThanOrEqual(rounds / 2);

    const conn = await api.db.pool.getConnection();
    const sent = new Map<string, string>();
    try {
      for (const merchant of merchants) {
        sent.set(merchant.merchantId, (await enqueueEvent(conn, merchant.merchantId, 'payout.created', { n: 1 })).id);
      }
    } finally {
      conn.release();
    }
    for (const { merchant, stream } of streams) {
      const id = sent.get(merchant.merchantId)!;
      await waitFor('its event', () => events(stream.messages).some((m) => JSON.parse(m.data).id === id));
      // Only its own merchant's events.
      expect(events(stream.messages).map((m) => JSON.parse(m.data).id)).toEqual([id]);
    }
  });
});
