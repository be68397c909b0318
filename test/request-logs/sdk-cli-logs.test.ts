import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine } from '../../packages/cli/src/commands/logs.ts';
import { MyPay, MyPayError } from '../../packages/sdk/src/index.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import {
  addKey,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
  uniqueSuffix,
} from '../../services/payout-api/test/support.ts';
import { runCli } from '../support/cli.ts';
import { type Listening, listen } from '../support/ports.ts';

/** `client.requestLogs` and `mypay logs [--follow]` against both APIs over real HTTP and a real database. */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let api: TestApi;
let pay: payment.TestApi;
const servers: Listening[] = [];
const children: ChildProcess[] = [];
let payoutUrl: string;
let paymentUrl: string;
let key: string;
let otherKey: string;
let sdk: MyPay;
let payoutId: string;
const ids = { create: '', invalid: '', read: '' };
const idemKey = `sdk-logs-${uniqueSuffix()}`;

async function listenAt(app: http.RequestListener): Promise<string> {
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${payoutUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'mypay-logs-cli-'));
  process.env.NO_COLOR = '1';
  api = startTestApi({ worker: false });
  pay = payment.startTestApi({ workers: false });
  payoutUrl = await listenAt(api.app);
  paymentUrl = await listenAt(pay.app);
  const merchant = await createTestMerchant(api.db, { balance: 10_000_000 });
  key = await addKey(api.db, merchant.merchantId, 'all');
  otherKey = await addKey(api.db, (await createTestMerchant(api.db)).merchantId, 'all');
  sdk = new MyPay({ apiKey: key, baseUrl: payoutUrl, paymentBaseUrl: paymentUrl, retry: { maxRetries: 0 } });

  ids.create = `create-${uniqueSuffix()}`;
  ids.invalid = `invalid-${uniqueSuffix()}`;
  ids.read = `read-${uniqueSuffix()}`;
  const created = await post('/payouts', payoutBody(), { 'Idempotency-Key': idemKey, 'X-Request-Id': ids.create });
  payoutId = ((await created.json()) as { id: string }).id;
  await post('/payouts', { amount: 'lots' }, { 'X-Request-Id': ids.invalid });
  await fetch(`${payoutUrl}/api/v1/payouts/${payoutId}`, {
    headers: { Authorization: `Bearer ${key}`, 'X-Request-Id': ids.read },
  });
  await api.requestLog?.flush();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close()));
  await pay?.close();
  await api?.close();
});

describe('client.requestLogs', () => {
  it('when listing with filters, then only the matching entries come back, newest first', async () => {
    const all = await sdk.requestLogs.list({ limit: 100 });
    expect(all.data.map((e) => e.requestId)).toEqual(expect.arrayContaining(Object.values(ids)));
    const times = all.data.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const invalid = await sdk.requestLogs.list({ status: '4xx' });
    expect(invalid.data.map((e) => e.requestId)).toEqual([ids.invalid]);
    expect(invalid.data[0]?.errorCode).toBe('VALIDATION_ERROR');

    const byObject = await sdk.requestLogs.list({ objectId: payoutId });
    expect(byObject.data.map((e) => e.requestId).sort()).toEqual([ids.create, ids.read].sort());

    const byKey = await sdk.requestLogs.list({ idempotencyKey: idemKey, method: 'POST' });
    expect(byKey.data.map((e) => e.requestId)).toEqual([ids.create]);
  });

  it('when iterating listAll with a page size of 1, then every entry comes page after page', async () => {
    const seen: string[] = [];
    for await (const entry of sdk.requestLogs.listAll({ limit: 1, path: '/api/v1/payouts' }))
      seen.push(entry.requestId);
    expect(seen).toEqual(expect.arrayContaining(Object.values(ids)));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when getting one entry, then both bodies and its events are there; another merchant gets 404', async () => {
    const entry = await sdk.requestLogs.get(ids.create);
    expect(entry).toMatchObject({ status: 201, objectId: payoutId, idempotencyKey: idemKey, method: 'POST' });
    expect(entry.requestBody).toMatchObject({ amount: payoutBody().amount });
    expect(entry.responseBody).toMatchObject({ id: payoutId });
    expect(entry.events.map((e) => e.type)).toContain('payout.created');

    const other = new MyPay({ apiKey: otherKey, baseUrl: payoutUrl, retry: { maxRetries: 0 } });
    const error = await other.requestLogs.get(ids.create).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MyPayError);
    expect((error as MyPayError).status).toBe(404);
  });
});

/** Runs the CLI in this process (the key from MYPAY_API_KEY); stdout is captured. */
const mypay = (...args: string[]) => runCli(['--base-url', payoutUrl, '--payment-base-url', paymentUrl, ...args]);

describe('mypay logs', () => {
  beforeAll(() => {
    process.env.MYPAY_API_KEY = key;
  });
  afterAll(() => {
    delete process.env.MYPAY_API_KEY;
  });

  it('when filtering by --status 4xx with --json, then the page holds the validation error only', async () => {
    const { code, stdout } = await mypay('--json', 'logs', '--status', '4xx');
    expect(code).toBe(0);
    const page = JSON.parse(stdout) as { data: { requestId: string; status: number }[] };
    expect(page.data.map((e) => e.requestId)).toEqual([ids.invalid]);
  });

  it('when filtering by --object and --method, then the table lists those requests', async () => {
    const { code, stdout } = await mypay('logs', '--object', payoutId, '--method', 'get');
    expect(code).toBe(0);
    expect(stdout).toContain(ids.read);
    expect(stdout).not.toContain(ids.create);
  });

  it('when a flag is wrong, then it exits 2 without calling the API', async () => {
    expect((await mypay('logs', '--status', '4x')).code).toBe(2);
    expect((await mypay('logs', '--limit', '0')).code).toBe(2);
    expect((await mypay('logs', '--method', 'TRACE')).code).toBe(2);
  });

  it('formats a line with status, method, path, duration, object and request id; colour only when asked', () => {
    const entry = {
      requestId: 'req-1',
      api: 'payout' as const,
      method: 'POST',
      path: '/api/v1/payouts',
      route: '/api/v1/payouts',
      status: 422,
      durationMs: 12,
      errorCode: 'INSUFFICIENT_BALANCE',
      idempotencyKey: null,
      idempotentReplayed: false,
      objectId: null,
      keyPrefix: 'mp_test_x',
      ip: null,
      userAgent: null,
      createdAt: '2026-12-02T10:11:12.345Z',
    };
    expect(formatLogLine(entry, false)).toBe(
      '10:11:12.345 422 POST   /api/v1/payouts 12ms INSUFFICIENT_BALANCE [req-1]',
    );
    expect(formatLogLine(entry, true)).toContain('\u001b[33m422\u001b[39m');
  });
});

describe('mypay logs --follow', () => {
  it('when requests are made while it runs, then one line per request appears, in order, without colour off a TTY', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'logs', '--follow', '--interval', '0.2'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          MYPAY_API_KEY: key,
          MYPAY_BASE_URL: payoutUrl,
          MYPAY_PAYMENT_BASE_URL: paymentUrl,
          XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME,
          NO_COLOR: '',
          FORCE_COLOR: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await expect.poll(() => stderr, { timeout: 60_000, interval: 100 }).toContain('following the request log');
    // What was logged before it started is not replayed.
    expect(stdout).toBe('');

    const live = { ok: `live-ok-${uniqueSuffix()}`, bad: `live-bad-${uniqueSuffix()}` };
    await post('/payouts', payoutBody(), { 'X-Request-Id': live.ok });
    await post('/payouts', { amount: -1 }, { 'X-Request-Id': live.bad });
    const lines = () => stdout.split('\n').filter(Boolean);
    await expect.poll(() => lines().length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    const [first, second] = lines();
    expect(first).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} 201 POST +/api/v1/payouts \\d+ms po_\\S+ \\[${live.ok}\\]$`),
    );
    expect(second).toMatch(/ 400 POST +\/api\/v1\/payouts \d+ms VALIDATION_ERROR /);
    expect(second).toContain(live.bad);
    // stdout is a pipe: no colour codes.
    expect(stdout).not.toContain('\u001b[');

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // Each request once, however many polls ran.
    expect(lines()).toHaveLength(2);
  });
});
