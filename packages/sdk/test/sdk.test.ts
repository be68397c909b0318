import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MyPay, MyPayError, parseRetryAfter, parseSse, signWebhook, verifyWebhook } from '../src/index.ts';

/** A tiny stub API: answers each request with the next scripted response and records what it got. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}
type Scripted = { status: number; headers?: Record<string, string>; body: unknown };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function stub(script: Scripted[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const next = script[Math.min(seen.length - 1, script.length - 1)]!;
      res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const apiError = (code: string, requestId = 'req-1') => ({
  error: { code, message: `${code} happened`, requestId, details: [{ field: 'amount', message: 'too big' }] },
});
const payoutBody = {
  amount: 10_000,
  currency: 'PKR',
  destination: { type: 'wallet' as const, provider: 'JAZZCASH' as const, accountNumber: '03000000001' },
  reference: 'sdk-test',
};

describe('verifyWebhook', () => {
  const secret = 'whsec_test_secret';
  const body = JSON.stringify({ id: 'evt_1', type: 'payout.completed', data: { object: { id: 'po_1' } } });

  it('when the body and header are as signed, then it accepts', () => {
    expect(verifyWebhook(body, signWebhook(body, secret), secret)).toBe(true);
    expect(verifyWebhook(Buffer.from(body), signWebhook(body, secret), secret, { toleranceSeconds: 10 })).toBe(true);
  });

  it('when one byte of the body is changed, then it rejects', () => {
    const header = signWebhook(body, secret);
    expect(verifyWebhook(body.replace('po_1', 'po_2'), header, secret)).toBe(false);
    expect(verifyWebhook(`${body} `, header, secret)).toBe(false);
  });

  it('when the timestamp is older than the tolerance, then it rejects (a replay)', () => {
    const signedAt = new Date(Date.now() - 301_000);
    const header = signWebhook(body, secret, signedAt);
    expect(verifyWebhook(body, header, secret)).toBe(false);
    expect(verifyWebhook(body, header, secret, { toleranceSeconds: 600 })).toBe(true);
  });

  it('when the secret is another or the header is malformed, then it rejects', () => {
    expect(verifyWebhook(body, signWebhook(body, 'whsec_other'), secret)).toBe(false);
    expect(verifyWebhook(body, 'garbage', secret)).toBe(false);
    expect(verifyWebhook(body, undefined, secret)).toBe(false);
  });
});

describe('retries', () => {
  it('when the API answers 503 with Retry-After: 1, then the SDK waits, retries with the same Idempotency-Key and returns the payout', async () => {
    const api = await stub([
      { status: 503, headers: { 'Retry-After': '1' }, body: apiError('DATABASE_UNAVAILABLE') },
      { status: 201, body: { id: 'po_1', status: 'COMPLETED' } },
    ]);
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url, retry: { baseDelayMs: 10 } });
    const payout = await client.payouts.create(payoutBody);
    expect(payout.id).toBe('po_1');
    expect(api.seen).toHaveLength(2);
    const [first, second] = api.seen as [Seen, Seen];
    expect(first.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.body).toBe(first.body);
    // Retry-After is a floor: the load on the machine can only make the gap longer.
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    expect(first.headers.authorization).toBe('Bearer k');
    expect(first.url).toBe('/api/v1/payouts');
  });

  it('when the API answers 429 until the retries run out, then a MyPayError carries code, status, requestId and Retry-After', async () => {
    const api = await stub([
      { status: 429, headers: { 'Retry-After': '0' }, body: apiError('RATE_LIMITED', 'req-429') },
    ]);
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url, retry: { maxRetries: 2, baseDelayMs: 10 } });
    const error = await client.balance.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MyPayError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, requestId: 'req-429', retryAfterSeconds: 0 });
    expect(api.seen).toHaveLength(3);
  });

  it('when the event stream answers 429 with Retry-After (too many streams), then listen() waits that long before reconnecting', async () => {
    const api = await stub([{ status: 429, headers: { 'Retry-After': '1' }, body: apiError('RATE_LIMITED') }]);
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url });
    const controller = new AbortController();
    const states: { state: string; retryInMs?: number }[] = [];
    const iterate = (async () => {
      for await (const _event of client.events.listen({
        signal: controller.signal,
        reconnectDelayMs: { initial: 10, max: 20 },
        onState: (state) => states.push(state as { state: string; retryInMs?: number }),
      })) {
        // no events: every answer is 429
      }
    })();
    const deadline = Date.now() + 10_000;
    while (api.seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await iterate;
    expect(api.seen.length).toBeGreaterThanOrEqual(2);
    expect(states[0]).toMatchObject({ state: 'disconnected', retryInMs: 1000 });
    expect(api.seen[1]!.at - api.seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('when Retry-After is longer than the SDK may wait, then it fails at once instead of hanging', async () => {
    const api = await stub([{ status: 429, headers: { 'Retry-After': '3600' }, body: apiError('RATE_LIMITED') }]);
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url });
    await expect(client.balance.get()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    expect(api.seen).toHaveLength(1);
  });

  it('when the API answers a 4xx, then there is no retry and the error carries details', async () => {
    const api = await stub([{ status: 422, body: apiError('INSUFFICIENT_BALANCE', 'req-422') }]);
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url });
    const error = (await client.payouts.create(payoutBody, { idempotencyKey: 'mine-1' }).catch((e) => e)) as MyPayError;
    expect(error).toMatchObject({
      name: 'MyPayError',
      code: 'INSUFFICIENT_BALANCE',
      status: 422,
      requestId: 'req-422',
    });
    expect(error.details).toEqual([{ field: 'amount', message: 'too big' }]);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]!.headers['idempotency-key']).toBe('mine-1');
  });

  it('when nothing listens, then a GET fails with NETWORK_ERROR after its retries', async () => {
    const api = await stub([{ status: 200, body: {} }]);
    await new Promise((r) => servers.pop()!.close(r));
    const client = new MyPay({ apiKey: 'k', baseUrl: api.url, retry: { maxRetries: 1, baseDelayMs: 10 } });
    await expect(client.balance.get()).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('derives the Payment API origin from the Payout API origin', () => {
    expect(new MyPay({ apiKey: 'k', baseUrl: 'http://127.0.0.1:4001/api/v1/' }).paymentBaseUrl).toBe(
      'http://127.0.0.1:4002',
    );
    expect(new MyPay({ apiKey: 'k', baseUrl: 'https://sandbox.example.com' }).paymentBaseUrl).toBe(
      'https://sandbox.example.com',
    );
  });

  it('parses server-sent events split across chunks, skipping comments', async () => {
    const text =
      ': keep-alive\n\nretry: 1000\nid: a\nevent: ready\ndata: {"after":"a"}\n\nid: b\r\nevent: payout.created\r\ndata: {"x":1}\r\n\r\n';
    const encoder = new TextEncoder();
    const chunks = (async function* () {
      for (let i = 0; i < text.length; i += 7) yield encoder.encode(text.slice(i, i + 7));
    })();
    const messages = [];
    for await (const message of parseSse(chunks)) messages.push(message);
    expect(messages).toEqual([
      { id: 'a', event: 'ready', data: '{"after":"a"}', retry: 1000 },
      { id: 'b', event: 'payout.created', data: '{"x":1}', retry: undefined },
    ]);
  });
});
