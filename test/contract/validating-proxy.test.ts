import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleTransportErrors } from '@mypay/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEndpoint, type Receiver, startReceiver } from '../../packages/core/test/webhooks/support.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import * as payout from '../../services/payout-api/test/support.ts';
import { contractChecker, type OpenApiDocument } from '../support/contract.ts';
import { freePort } from '../support/portal-server.ts';

/**
 * A realistic integrator session through Stoplight Prism in validating-proxy mode (`--errors`):
 * Prism checks every request and every response against each API's own OpenAPI document and
 * answers with a problem+json (and an `sl-violations` header) on any mismatch. Every documented
 * operation is called, with a success and, where it takes a key, an error.
 */

const PRISM = fileURLToPath(new URL('../node_modules/.bin/prism', import.meta.url));

interface Call {
  api: 'payout' | 'payment';
  operation: string | null;
  method: string;
  path: string;
  status: number;
  violations: string | null;
  prismProblem: string | null;
  body: unknown;
}

interface Proxied {
  url: string;
  doc: OpenApiDocument;
  checker: ReturnType<typeof contractChecker>;
  child: ChildProcess;
  output: string[];
}

let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
const servers: http.Server[] = [];
let receiver: Receiver;
let dir: string;
const proxies: Partial<Record<'payout' | 'payment', Proxied>> = {};
const calls: Call[] = [];

async function listen(app: http.RequestListener): Promise<string> {
  const server = http.createServer(app);
  handleTransportErrors(server);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startPrism(name: 'payout' | 'payment', upstream: string, docPath: string): Promise<Proxied> {
  const doc = (await (await fetch(`${upstream}${docPath}`)).json()) as OpenApiDocument;
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc));
  const port = await freePort();
  const child = spawn(PRISM, ['proxy', file, upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.join('').includes('Prism is listening')) {
    if (child.exitCode !== null) throw new Error(`prism exited: ${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`prism did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, doc, checker: contractChecker(doc), child, output };
}

async function call(
  api: 'payout' | 'payment',
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const proxy = proxies[api]!;
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${proxy.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') && text ? JSON.parse(text) : text;
  const entry: Call = {
    api,
    operation: proxy.checker.operationOf(method, path),
    method,
    path,
    status: res.status,
    violations: res.headers.get('sl-violations'),
    prismProblem: type.includes('application/problem+json') ? text : null,
    body,
  };
  calls.push(entry);
  return entry;
}

const ok = (entry: Call, status: number) => {
  expect(entry.violations, `${entry.method} ${entry.path}`).toBeNull();
  expect(entry.prismProblem, `${entry.method} ${entry.path}`).toBeNull();
  expect(entry.status, `${entry.method} ${entry.path}: ${JSON.stringify(entry.body)}`).toBe(status);
  return entry.body as Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown>[] } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mypay-prism-'));
  receiver = await startReceiver();
  // No scenario worker: the session moves its async payout itself (simulate), so nothing races it.
  payoutApi = payout.startTestApi({ worker: false });
  paymentApi = payment.startTestApi();
  const payoutUrl = await listen(payoutApi.app);
  const paymentUrl = await listen(paymentApi.app);
  [proxies.payout, proxies.payment] = await Promise.all([
    startPrism('payout', payoutUrl, '/api/v1/openapi.json'),
    startPrism('payment', paymentUrl, '/api/checkout/openapi.json'),
  ]);
}, 120_000);

afterAll(async () => {
  for (const proxy of Object.values(proxies)) {
    if (proxy && proxy.child.exitCode === null) {
      proxy.child.kill('SIGTERM');
      await once(proxy.child, 'exit');
    }
  }
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await receiver?.close();
  await payoutApi?.close();
  await paymentApi?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a session through a validating proxy (Prism --errors)', () => {
  it('when an integrator pays out, manages webhooks and takes a payment, then no request or response violates the documents, and every operation was called', async () => {
    const { key: payoutKey } = await payout.createTestMerchant(payoutApi.db, { scope: 'all', balance: 1_000_000 });
    const bad = 'mp_test_0000000000000000000000000000000000000000';

    // --- Payout API -------------------------------------------------------------------------
    ok(await call('payout', 'GET', '/api/v1/health'), 200);
    ok(await call('payout', 'GET', '/api/v1/openapi.json'), 200);
    ok(await call('payout', 'GET', '/api/v1/docs'), 200);
    ok(await call('payout', 'GET', '/api/v1/balance', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/balance', { key: bad }), 401);
    ok(await call('payout', 'GET', '/api/v1/scenarios', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/scenarios', { key: bad }), 401);
    ok(await call('payout', 'GET', '/api/v1/directory/banks', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/directory/banks', { key: bad }), 401);
    ok(await call('payout', 'GET', '/api/v1/directory/wallets', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/directory/wallets', { key: bad }), 401);
    const verify = { type: 'wallet', provider: 'EASYPAISA', accountNumber: '03000000009' };
    expect(
      ok(await call('payout', 'POST', '/api/v1/verify-account', { key: payoutKey, body: verify }), 200),
    ).toMatchObject({ valid: true, accountTitle: 'Different Name' });
    const unavailable = { ...verify, accountNumber: '03000000007' };
    ok(await call('payout', 'POST', '/api/v1/verify-account', { key: payoutKey, body: unavailable }), 503);

    const endpoint = ok(
      await call('payout', 'POST', '/api/v1/webhook-endpoints', {
        key: payoutKey,
        body: { url: receiver.url, description: 'session' },
        headers: { 'Idempotency-Key': `session-endpoint-${Date.now()}` },
      }),
      201,
    );
    ok(await call('payout', 'POST', '/api/v1/webhook-endpoints', { key: bad, body: { url: receiver.url } }), 401);
    ok(await call('payout', 'GET', '/api/v1/webhook-endpoints', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/webhook-endpoints', { key: bad }), 401);
    ok(await call('payout', 'GET', `/api/v1/webhook-endpoints/${endpoint.id}`, { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/webhook-endpoints/we_doesnotexist', { key: payoutKey }), 404);
    ok(
      await call('payout', 'PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
        key: payoutKey,
        body: { description: 'session, renamed', events: null },
      }),
      200,
    );
    ok(
      await call('payout', 'PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
        key: payoutKey,
        body: { url: 'ftp://x' },
      }),
      400,
    );
    ok(
      await call('payout', 'POST', `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
        key: payoutKey,
        body: { overlapSeconds: 3600 },
        headers: { 'Idempotency-Key': `session-rotate-${Date.now()}` },
      }),
      200,
    );
    ok(
      await call('payout', 'POST', `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { key: bad, body: {} }),
      401,
    );

    const reference = `session-${Date.now()}`;
    const create = {
      amount: 150_000,
      currency: 'PKR',
      reference,
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001', accountTitle: 'Ayesha Khan' },
      metadata: { orderId: '1001' },
    };
    const created = ok(
      await call('payout', 'POST', '/api/v1/payouts', {
        key: payoutKey,
        body: create,
        headers: { 'Idempotency-Key': reference },
      }),
      201,
    );
    // The lost-response recovery: a replay, the reference lookup, and the 409 naming the payout.
    ok(
      await call('payout', 'POST', '/api/v1/payouts', {
        key: payoutKey,
        body: create,
        headers: { 'Idempotency-Key': reference },
      }),
      201,
    );
    const lookup = ok(await call('payout', 'GET', `/api/v1/payouts?reference=${reference}`, { key: payoutKey }), 200);
    expect((lookup.data as { id: string }[]).map((p) => p.id)).toEqual([created.id]);
    const duplicate = ok(await call('payout', 'POST', '/api/v1/payouts', { key: payoutKey, body: create }), 409);
    expect(duplicate.error?.code).toBe('DUPLICATE_REFERENCE');
    expect(duplicate.error?.details?.[0]).toMatchObject({ field: 'reference', payoutId: created.id });
    const tooMuch = { ...create, reference: `${reference}-big`, amount: 999_000_000 };
    ok(await call('payout', 'POST', '/api/v1/payouts', { key: payoutKey, body: tooMuch }), 422);
    const asyncPayout = ok(
      await call('payout', 'POST', '/api/v1/payouts', {
        key: payoutKey,
        body: {
          ...create,
          reference: `${reference}-async`,
          destination: { type: 'bank', provider: 'HBL', accountNumber: '0000000006' },
        },
      }),
      201,
    );
    ok(await call('payout', 'GET', `/api/v1/payouts/${created.id}`, { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/payouts/po_doesnotexist', { key: payoutKey }), 404);
    ok(await call('payout', 'GET', '/api/v1/payouts?limit=2&status=COMPLETED', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/payouts', { key: bad }), 401);
    ok(
      await call('payout', 'POST', `/api/v1/sandbox/payouts/${asyncPayout.id}/simulate`, {
        key: payoutKey,
        body: { status: 'COMPLETED' },
      }),
      200,
    );
    ok(
      await call('payout', 'POST', `/api/v1/sandbox/payouts/${created.id}/simulate`, {
        key: payoutKey,
        body: { status: 'PROCESSING' },
      }),
      422,
    );

    const events = ok(await call('payout', 'GET', '/api/v1/events?limit=5', { key: payoutKey }), 200);
    const eventId = (events.data as { id: string }[])[0]!.id;
    ok(await call('payout', 'GET', '/api/v1/events', { key: bad }), 401);
    ok(await call('payout', 'GET', `/api/v1/events/${eventId}`, { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/events/evt_doesnotexist', { key: payoutKey }), 404);
    ok(await call('payout', 'POST', `/api/v1/events/${eventId}/redeliver`, { key: payoutKey }), 202);
    ok(
      await call('payout', 'POST', `/api/v1/events/${eventId}/redeliver`, {
        key: payoutKey,
        body: { endpointId: endpoint.id },
      }),
      202,
    );
    ok(await call('payout', 'POST', '/api/v1/events/evt_doesnotexist/redeliver', { key: payoutKey }), 404);
    // The stream's success is an endless text/event-stream (events-stream.test.ts); here its error.
    ok(await call('payout', 'GET', '/api/v1/events/stream?after=evt_doesnotexist', { key: payoutKey }), 404);
    ok(await call('payout', 'DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`, { key: payoutKey }), 200);
    ok(await call('payout', 'DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`, { key: payoutKey }), 404);

    // Test clocks: create, bind a payout, advance, list, read, delete.
    const clock = ok(
      await call('payout', 'POST', '/api/v1/test-clocks', {
        key: payoutKey,
        body: { name: 'contract session' },
        headers: { 'Idempotency-Key': `clock-${Date.now()}` },
      }),
      201,
    );
    ok(await call('payout', 'POST', '/api/v1/test-clocks', { key: payoutKey, body: { name: '   ' } }), 400);
    ok(
      await call('payout', 'POST', '/api/v1/payouts', {
        key: payoutKey,
        body: {
          amount: 1000,
          currency: 'PKR',
          reference: `clocked-${Date.now()}`,
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
          testClock: clock.id,
        },
      }),
      201,
    );
    ok(
      await call('payout', 'POST', `/api/v1/test-clocks/${clock.id}/advance`, {
        key: payoutKey,
        body: { seconds: 31 },
      }),
      200,
    );
    ok(
      await call('payout', 'POST', `/api/v1/test-clocks/${clock.id}/advance`, {
        key: payoutKey,
        body: { frozenTime: '2000-01-01T00:00:00.000Z' },
      }),
      400,
    );
    ok(await call('payout', 'GET', '/api/v1/test-clocks?limit=5', { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/test-clocks', { key: bad }), 401);
    ok(await call('payout', 'GET', `/api/v1/test-clocks/${clock.id}`, { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/test-clocks/clk_doesnotexist', { key: payoutKey }), 404);
    ok(await call('payout', 'DELETE', `/api/v1/test-clocks/${clock.id}`, { key: payoutKey }), 200);
    ok(await call('payout', 'DELETE', `/api/v1/test-clocks/${clock.id}`, { key: payoutKey }), 404);

    // --- Payment API ------------------------------------------------------------------------
    const { key: paymentKey, merchantId: paymentMerchant } = await payment.createTestMerchant(paymentApi.db);
    ok(await call('payment', 'GET', '/health'), 200);
    ok(await call('payment', 'GET', '/api/checkout/openapi.json'), 200);
    ok(await call('payment', 'GET', '/api/checkout/docs'), 200);
    const orderId = `ORDER-${Date.now()}`;
    const checkoutBody = {
      amount: 250_000,
      currency: 'PKR',
      orderId,
      customer: { mobile: '03000000001', email: 'ayesha@example.com' },
      successUrl: 'https://shop.example/paid',
      cancelUrl: 'https://shop.example/cart',
    };
    const checkout = ok(
      await call('payment', 'POST', '/api/checkout/create', {
        key: paymentKey,
        body: checkoutBody,
        headers: { 'Idempotency-Key': orderId },
      }),
      201,
    );
    ok(
      await call('payment', 'POST', '/api/checkout/create', {
        key: paymentKey,
        body: { ...checkoutBody, currency: 'USD' },
      }),
      422,
    );
    ok(await call('payment', 'GET', `/checkout/${checkout.id}`), 200);
    ok(await call('payment', 'GET', '/checkout/cs_doesnotexist'), 404);
    ok(await call('payment', 'GET', `/checkouts/${checkout.id}`, { key: paymentKey }), 200);
    ok(await call('payment', 'GET', '/checkouts/cs_doesnotexist', { key: paymentKey }), 404);
    const listed = ok(
      await call('payment', 'GET', `/checkouts?orderId=${orderId}&status=OPEN`, { key: paymentKey }),
      200,
    );
    expect((listed.data as { id: string }[]).map((c) => c.id)).toEqual([checkout.id]);
    ok(await call('payment', 'GET', '/checkouts', { key: bad }), 401);
    const toCancel = ok(
      await call('payment', 'POST', '/api/checkout/create', {
        key: paymentKey,
        body: { ...checkoutBody, orderId: `${orderId}-cancel` },
      }),
      201,
    );
    ok(await call('payment', 'POST', `/checkouts/${toCancel.id}/cancel`, { key: paymentKey }), 200);
    ok(await call('payment', 'POST', `/checkouts/${toCancel.id}/cancel`, { key: paymentKey, body: {} }), 422);
    const pay = { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000001', otp: '123456' };
    const paid = ok(await call('payment', 'POST', '/payment/complete', { key: paymentKey, body: pay }), 201);
    const refund = ok(
      await call('payment', 'POST', '/refunds', {
        key: paymentKey,
        body: { transactionId: paid.id, amount: 100_000, reason: 'one item returned' },
        headers: { 'Idempotency-Key': `refund-${orderId}` },
      }),
      201,
    );
    const tooLarge = ok(
      await call('payment', 'POST', '/refunds', { key: paymentKey, body: { transactionId: paid.id, amount: 150_001 } }),
      422,
    );
    expect(tooLarge.error?.code).toBe('REFUND_EXCEEDS_PAYMENT');
    ok(await call('payment', 'GET', `/refunds/${refund.id}`, { key: paymentKey }), 200);
    ok(await call('payment', 'GET', '/refunds/re_doesnotexist', { key: paymentKey }), 404);
    ok(
      await call('payment', 'GET', `/refunds?transactionId=${paid.id}&status=SUCCEEDED&limit=5`, { key: paymentKey }),
      200,
    );
    ok(await call('payment', 'GET', '/refunds', { key: bad }), 401);
    ok(
      await call('payment', 'POST', `/sandbox/payments/${paid.id}/simulate`, {
        key: paymentKey,
        body: { status: 'REFUNDED' },
      }),
      200,
    );
    ok(
      await call('payment', 'POST', `/sandbox/payments/${paid.id}/simulate`, {
        key: paymentKey,
        body: { status: 'SUCCEEDED' },
      }),
      422,
    );
    ok(await call('payment', 'POST', '/payment/complete', { key: paymentKey, body: pay }), 422);
    ok(await call('payment', 'GET', '/transactions?limit=5&status=SUCCEEDED', { key: paymentKey }), 200);
    ok(await call('payment', 'GET', '/transactions', { key: bad }), 401);
    ok(await call('payment', 'POST', '/webhooks/test', { key: paymentKey }), 422);
    await newEndpoint(paymentApi.db, paymentMerchant, receiver.url);
    const tested = ok(await call('payment', 'POST', '/webhooks/test', { key: paymentKey }), 200);
    expect(tested.deliveries).toEqual([expect.objectContaining({ status: 'DELIVERED' })]);

    // --- The request log (one log, read on both APIs) -----------------------------------------
    await Promise.all([payoutApi.requestLog?.flush(), paymentApi.requestLog?.flush()]);
    const payoutLogs = ok(
      await call('payout', 'GET', '/api/v1/request-logs?limit=5&status=2xx', { key: payoutKey }),
      200,
    );
    const payoutRequestId = (payoutLogs.data as { requestId: string }[])[0]?.requestId ?? 'none';
    ok(await call('payout', 'GET', '/api/v1/request-logs', { key: bad }), 401);
    ok(await call('payout', 'GET', `/api/v1/request-logs/${payoutRequestId}`, { key: payoutKey }), 200);
    ok(await call('payout', 'GET', '/api/v1/request-logs/req-doesnotexist', { key: payoutKey }), 404);
    const paymentLogs = ok(await call('payment', 'GET', '/request-logs?method=POST', { key: paymentKey }), 200);
    const paymentRequestId = (paymentLogs.data as { requestId: string }[])[0]?.requestId ?? 'none';
    ok(await call('payment', 'GET', '/request-logs', { key: bad }), 401);
    ok(await call('payment', 'GET', `/request-logs/${paymentRequestId}`, { key: paymentKey }), 200);
    ok(await call('payment', 'GET', '/request-logs/req-doesnotexist', { key: paymentKey }), 404);

    // No call, success or error, broke the contract in either direction.
    const broken = calls.filter((c) => c.violations || c.prismProblem);
    expect(broken.map((c) => `${c.method} ${c.path} → ${c.status}: ${c.violations ?? c.prismProblem}`)).toEqual([]);

    // Every documented operation was called; every one that takes a key also with an error answer.
    for (const api of ['payout', 'payment'] as const) {
      const proxy = proxies[api]!;
      const mine = calls.filter((c) => c.api === api);
      for (const operation of proxy.checker.operations()) {
        const own = mine.filter((c) => c.operation === operation);
        if (!operation.endsWith('/events/stream')) {
          expect(
            own.some((c) => c.status < 300),
            `${api}: ${operation} succeeded once`,
          ).toBe(true);
        }
        const [method, template] = operation.split(' ') as [string, string];
        const security = (proxy.doc.paths[template]?.[method.toLowerCase()] as { security?: unknown[] } | undefined)
          ?.security;
        if (security?.length) {
          expect(
            own.some((c) => c.status >= 400),
            `${api}: ${operation} answered an error once`,
          ).toBe(true);
        }
      }
    }
  });
});
