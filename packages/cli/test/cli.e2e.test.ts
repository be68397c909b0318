import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMerchant, insertApiKey } from '@mypay/core';
import { createDb, type Db, dropDatabase, withDatabaseName } from '@mypay/db';
import { verifyWebhook } from '@mypay/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../prisma/prepare-database.ts';
import { startApiProcess } from '../../../test/support/api-process.ts';
import { freePort } from '../../../test/support/ports.ts';
import { waitUntil as waitUntilShared } from '../../../test/support/wait.ts';

/**
 * The Stripe-CLI workflow for real: both APIs as child processes, a local receiver, `mypay listen`
 * as a child process forwarding to it, `mypay trigger` making events, and a Payout API restart in
 * the middle. Nothing here asserts on timing; every wait is generous (the machine is shared).
 * The APIs run on a scratch database of their own: their workers serve every merchant, so on the
 * shared one they would claim other test files' payouts and webhook deliveries.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const databaseUrl = withDatabaseName(
  process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test',
  `mypay_cli_${randomBytes(4).toString('hex')}`,
);
const children: ChildProcess[] = [];
let db: Db;
let key: string;
let merchantId: string;
let payoutPort: number;
let paymentPort: number;
let configHome: string;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

const waitUntil = (what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 90_000) =>
  waitUntilShared(probe, { what, timeoutMs, intervalMs: 100 });

async function startApi(service: 'payout-api' | 'payment-api', port: number): Promise<void> {
  children.push(await startApiProcess(service, port, { DATABASE_URL: databaseUrl, SCENARIO_DELAY_SCALE: '0.01' }));
}

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    MYPAY_API_KEY: key,
    MYPAY_BASE_URL: `http://127.0.0.1:${payoutPort}`,
    MYPAY_PAYMENT_BASE_URL: `http://127.0.0.1:${paymentPort}`,
    NO_COLOR: '1',
    ...extra,
  };
  for (const [name, value] of Object.entries(extra)) if (value === '') delete env[name];
  return env;
}

function runCli(args: string[], extraEnv: Record<string, string> = {}, input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', ...args],
      { cwd: repoRoot, env: cliEnv(extraEnv), timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(async () => {
  await prepareDatabase(databaseUrl);
  db = createDb(databaseUrl, { connectionLimit: 2 });
  const suffix = randomBytes(6).toString('hex');
  ({ id: merchantId } = await createMerchant(db, {
    name: `CLI test ${suffix}`,
    email: `cli-${suffix}@example.test`,
    password: 'not-used-in-these-tests',
    openingBalance: 10_000_000,
  }));
  const conn = await db.pool.getConnection();
  try {
    ({ key } = await insertApiKey(conn, { merchantId, name: 'cli test', scope: 'all' }));
  } finally {
    conn.release();
  }
  configHome = mkdtempSync(join(tmpdir(), 'mypay-cli-'));
  receiver = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhooks`;
  [payoutPort, paymentPort] = [await freePort(), await freePort()];
  await Promise.all([startApi('payout-api', payoutPort), startApi('payment-api', paymentPort)]);
}, 300_000); // with the scratch database made (migrate and seed) before the servers start

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await new Promise((r) => receiver?.close(r));
  await db?.close();
  await dropDatabase(databaseUrl).catch(() => {});
});

describe('mypay CLI', () => {
  it('when --api-key is given on the command line, then the key is never printed in full and a warning points to the safer ways', async () => {
    const ok = await runCli(['balance', '--api-key', key], { MYPAY_API_KEY: '' });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(key);
    expect(ok.stderr).toContain(`--api-key ${key.slice(0, 12)}…`);
    expect(ok.stderr).toMatch(/MYPAY_API_KEY or run `mypay login`/);

    const wrong = `mp_test_${randomBytes(20).toString('hex')}`;
    for (const args of [['balance'], ['balance', '--json'], ['payouts', 'get', 'po_nope']]) {
      const res = await runCli([...args, '--api-key', wrong], { MYPAY_API_KEY: '' });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('UNAUTHENTICATED');
      expect(res.stdout + res.stderr).not.toContain(wrong);
    }
    // A key that makes the request itself fail (not a valid header value) is masked in the error too.
    const broken = `mp_test_${randomBytes(8).toString('hex')}\u0001tail`;
    const res = await runCli(['balance', '--api-key', broken], { MYPAY_API_KEY: '' });
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).not.toContain(broken);
  });

  it('when logging in, then the key is stored with mode 600 and later commands use it; bad input gives exit codes 1 and 2', async () => {
    // The key on stdin, never on the command line.
    const login = await runCli(
      [
        'login',
        '--base-url',
        `http://127.0.0.1:${payoutPort}`,
        '--payment-base-url',
        `http://127.0.0.1:${paymentPort}`,
      ],
      { MYPAY_API_KEY: '', MYPAY_BASE_URL: '', MYPAY_PAYMENT_BASE_URL: '' },
      `${key}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).not.toContain(key);
    expect(login.stdout).toContain(`${key.slice(0, 12)}…`);
    const path = join(configHome, 'mypay', 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ apiKey: key });

    // No key or URL in the environment: everything comes from the stored config.
    const balance = await runCli(['balance', '--json'], {
      MYPAY_API_KEY: '',
      MYPAY_BASE_URL: '',
      MYPAY_PAYMENT_BASE_URL: '',
    });
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout)).toMatchObject({ currency: 'PKR', available: expect.any(Number) });

    const badKey = await runCli(['balance'], { MYPAY_API_KEY: 'mp_test_wrong_key_000000' });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('UNAUTHENTICATED');
    expect(badKey.stderr).toContain('check your key with mypay login');

    const usage = await runCli(['trigger', 'no.such.event']);
    expect(usage.code).toBe(2);
    expect((await runCli(['payouts', 'create', '--amount', '100'])).code).toBe(2);

    const scenarios = await runCli(['scenarios']);
    expect(scenarios.code).toBe(0);
    expect(scenarios.stdout).toMatch(/ASYNC_SUCCESS\s+03000000002/);

    const created = await runCli(['payouts', 'create', '--amount', '2500', '--account', '03000000001', '--json']);
    expect(created.code).toBe(0);
    const payout = JSON.parse(created.stdout) as { id: string; status: string };
    expect(payout.status).toBe('COMPLETED');
    const got = await runCli(['payouts', 'get', payout.id, '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: payout.id, amount: 2500 });
  }, 240_000);

  it('when listening with --forward-to across a Payout API restart, then every event of the merchant arrives once, signed with the printed secret', async () => {
    const listener = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/main.ts', 'listen', '--forward-to', receiverUrl, '--new-secret'],
      { cwd: repoRoot, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(listener);
    let stdout = '';
    let stderr = '';
    listener.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    listener.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Events from before listen started are not streamed: only what happens from now on.
    const [{ startSeq }] = (await db.pool.query(
      'SELECT COALESCE(MAX(seq), 0) AS startSeq FROM WebhookEvent WHERE merchantId = ?',
      [merchantId],
    )) as [{ startSeq: number }];
    await waitUntil('the listener to be ready', () => /whsec_[0-9a-f]+/.test(stdout));
    const secret = /whsec_[0-9a-f]+/.exec(stdout)![0];

    const trigger = await runCli(['trigger', 'payout.completed', '--json']);
    expect(trigger.code).toBe(0);
    const payoutId = (JSON.parse(trigger.stdout) as { payout: { id: string } }).payout.id;
    const completedFor = () =>
      received.find((r) => {
        const event = JSON.parse(r.body) as { type: string; data: { object: { id: string } } };
        return event.type === 'payout.completed' && event.data.object.id === payoutId;
      });
    await waitUntil('payout.completed at the receiver', () => Boolean(completedFor()));
    const delivery = completedFor()!;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(verifyWebhook(delivery.body, delivery.headers['mypay-signature'] as string, secret)).toBe(true);
    expect(verifyWebhook(`${delivery.body} `, delivery.headers['mypay-signature'] as string, secret)).toBe(false);
    expect(delivery.headers['mypay-event-id']).toBe(JSON.parse(delivery.body).id);
    // The listener prints its line once the receiver's answer is back, a moment after the receiver saw the POST.
    const line = new RegExp(`payout\\.completed\\s+${JSON.parse(delivery.body).id}\\s+→ 200`);
    await waitUntil('the listener to print the forwarded event', () => line.test(stdout));
    expect(stdout).toMatch(line);

    // Restart the Payout API (the stream's server) and make events while it is down and after.
    const payoutApi = children.find((c) => (c.spawnargs.join(' ') ?? '').includes('payout-api'))!;
    payoutApi.kill('SIGKILL');
    await new Promise((r) =>
      payoutApi.exitCode !== null || payoutApi.signalCode !== null ? r(null) : payoutApi.once('exit', r),
    );
    const whileDown = await runCli(['trigger', 'payment.succeeded', '--json']);
    expect(whileDown.code).toBe(0);
    const failedPayment = await runCli(['trigger', 'payment.failed', '--json']);
    expect(failedPayment.code).toBe(0);
    await startApi('payout-api', payoutPort);
    const after = await runCli(['trigger', 'payout.failed', '--json']);
    expect(after.code).toBe(0);

    const expectedIds = async () =>
      (
        (await db.pool.query('SELECT id FROM WebhookEvent WHERE merchantId = ? AND seq > ? ORDER BY seq', [
          merchantId,
          startSeq,
        ])) as { id: string }[]
      ).map((row) => row.id);
    const receivedIds = () => received.map((r) => (JSON.parse(r.body) as { id: string }).id);
    await waitUntil(
      'every event at the receiver',
      async () => {
        const ids = new Set(receivedIds());
        return (await expectedIds()).every((id) => ids.has(id));
      },
      120_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\nlisten stdout:\n${stdout}\nlisten stderr:\n${stderr}`);
    });
    const expected = await expectedIds();
    // payout.created + payout.completed, payment.succeeded + checkout.completed, payment.failed, payout.created + payout.failed.
    expect(expected.length).toBeGreaterThanOrEqual(7);
    expect([...receivedIds()].sort()).toEqual([...expected].sort());
    for (const r of received) expect(verifyWebhook(r.body, r.headers['mypay-signature'] as string, secret)).toBe(true);
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(
      expect.arrayContaining(['payment.succeeded', 'checkout.completed', 'payment.failed', 'payout.failed']),
    );
    expect(stderr).toContain('reconnecting');

    listener.kill('SIGINT');
    const code = await new Promise<number | null>((r) =>
      listener.exitCode !== null ? r(listener.exitCode) : listener.once('exit', (c) => r(c)),
    );
    expect(code).toBe(0);
  }, 360_000);
});
