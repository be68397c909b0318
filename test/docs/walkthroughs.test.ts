import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMerchant, insertApiKey, verifySignature } from '@mypay/core';
import { createDb, type Db, dropDatabase, withDatabaseName } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../prisma/prepare-database.ts';
import { startApiProcess } from '../support/api-process.ts';
import { freePort, REPO_ROOT, testDatabaseUrl } from '../support/portal-server.ts';

/**
 * The docs' walkthroughs run as written, step by step: the code blocks are read out of README.md,
 * docs/cli.md and docs/webhooks.md (not copied here), so a doc that drifts from the code fails.
 * The only rewrites are the ones a reader makes on their own machine, and they are listed in
 * `localise`: the default ports become the ports these APIs got, a placeholder id (`po_…`) becomes
 * the id the previous steps made, the example receiver becomes the test's receiver.
 */

const children: ChildProcess[] = [];
// The APIs' workers serve every merchant: on the shared database they would claim other test
// files' payouts and webhook deliveries, so the walkthroughs run on a scratch database of their own.
const databaseUrl = withDatabaseName(testDatabaseUrl(), `mypay_walk_${randomBytes(4).toString('hex')}`);
let db: Db;
let merchantId: string;
let allKey: string;
let payoutKey: string;
let payoutPort: number;
let paymentPort: number;
let configHome: string;
let receiver: Server;
let receiverPort: number;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
/** What the receiver answers; the webhooks walkthrough swaps in the doc's own verification. */
let receiverCheck: (body: Buffer, signature: string | undefined) => boolean = () => true;

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

/** The fenced code blocks of one section (a heading and what follows it, up to the next heading of its level). */
function codeBlocks(file: string, heading: string, lang?: string): string[] {
  const lines = read(file).split('\n');
  // Headings outside code fences only (a shell comment in a block starts with "# " too).
  let fenced = false;
  const isHeading = lines.map((line) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(line);
  });
  const start = lines.findIndex((line, i) => isHeading[i] && line.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`${file}: no heading "${heading}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const section: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (isHeading[i] && /^#+/.exec(lines[i]!)![0].length <= level) break;
    section.push(lines[i]!);
  }
  const blocks: string[] = [];
  const body = section.join('\n');
  for (const match of body.matchAll(/^\s*```(\w*)\n([\s\S]*?)^\s*```/gm)) {
    if (!lang || match[1] === lang) blocks.push(match[2]!);
  }
  if (blocks.length === 0) throw new Error(`${file} § ${heading}: no ${lang ?? ''} code block`);
  return blocks;
}

/** The rewrites a reader makes for their own machine — nothing else changes. */
function localise(text: string): string {
  return text
    .replaceAll('127.0.0.1:4001', `127.0.0.1:${payoutPort}`)
    .replaceAll('127.0.0.1:4002', `127.0.0.1:${paymentPort}`)
    .replaceAll('localhost:3000', `localhost:${receiverPort}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startApi(service: 'payout-api' | 'payment-api', port: number): Promise<void> {
  children.push(
    await startApiProcess(service, port, {
      DATABASE_URL: databaseUrl,
      SCENARIO_DELAY_SCALE: '0.005',
      PUBLIC_SANDBOX_URL: `http://127.0.0.1:${paymentPort}`,
      PUBLIC_PAYOUT_API_URL: `http://127.0.0.1:${payoutPort}`,
    }),
  );
}

/** An empty value means "not set" (a reader's shell without that variable). */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

/** Runs one shell step of a walkthrough in the repository, as a reader's terminal would. */
function shell(command: string, env: Record<string, string> = {}, input = '') {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      'bash',
      ['-c', `set -euo pipefail\n${command}`],
      {
        cwd: REPO_ROOT,
        env: withoutEmpty({ ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1', ...env }),
        timeout: 180_000,
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

/** The env a reader's shell has: no MYPAY_* variables, except the Payment API's URL (its port is not 4002 here). */
function readerEnv(): Record<string, string> {
  return {
    MYPAY_API_KEY: '',
    MYPAY_BASE_URL: '',
    MYPAY_PAYMENT_API_KEY: '',
    MYPAY_PAYMENT_BASE_URL: `http://127.0.0.1:${paymentPort}`,
  };
}

beforeAll(async () => {
  await prepareDatabase(databaseUrl);
  db = createDb(databaseUrl, { connectionLimit: 2 });
  const suffix = randomBytes(6).toString('hex');
  ({ id: merchantId } = await createMerchant(db, {
    name: `Walkthrough ${suffix}`,
    email: `walkthrough-${suffix}@example.test`,
    password: 'not-used-in-these-tests',
    openingBalance: 100_000_000,
  }));
  const conn = await db.pool.getConnection();
  try {
    ({ key: allKey } = await insertApiKey(conn, { merchantId, name: 'walkthrough all', scope: 'all' }));
    ({ key: payoutKey } = await insertApiKey(conn, { merchantId, name: 'walkthrough payout', scope: 'payout' }));
  } finally {
    conn.release();
  }
  configHome = mkdtempSync(join(tmpdir(), 'mypay-walkthrough-'));
  receiver = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body: body.toString('utf8') });
      const ok = receiverCheck(body, req.headers['mypay-signature'] as string | undefined);
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/plain' }).end(ok ? 'ok' : 'bad signature');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverPort = (receiver.address() as { port: number }).port;
  [payoutPort, paymentPort] = [await freePort(), await freePort()];
  await Promise.all([startApi('payout-api', payoutPort), startApi('payment-api', paymentPort)]);
}, 240_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await new Promise((r) => receiver?.close(r));
  await db?.close();
  await dropDatabase(databaseUrl).catch(() => {});
  if (configHome) rmSync(configHome, { recursive: true, force: true });
}, 30_000);

describe('README quick start', () => {
  it('when the curl steps under "Test credentials" run as written with a payout key, then each answers without an error', async () => {
    const [block] = codeBlocks('README.md', 'Test credentials', 'bash');
    const steps = block!.match(/^curl /gm)?.length ?? 0;
    expect(steps).toBeGreaterThanOrEqual(2);
    // One line per response, so each step's answer can be checked on its own.
    const script = `curl() { command curl --fail-with-body "$@"; printf '\\n'; }\n${localise(block!)}`;
    const run = await shell(script, { PAYOUT_KEY: payoutKey });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const answers = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answers).toHaveLength(steps);
    for (const answer of answers) expect(answer.error).toBeUndefined();
    expect(answers[0]).toMatchObject({ currency: 'PKR', available: expect.any(Number) });
    expect(answers[1]).toMatchObject({ id: expect.stringMatching(/^po_/), amount: 150000, reference: 'order-1001' });
  });
});

describe('docs/cli.md walkthrough', () => {
  it('when every step of "The 2-minute walkthrough" runs as written with the seed-style key of scope all, then each succeeds and listen forwards signed events', async () => {
    const [block] = codeBlocks('docs/cli.md', 'The 2-minute walkthrough', 'bash');
    const commands = block!
      .split('\n')
      .map((line) => line.replace(/\s+#\s.*$/, '').trim())
      .filter((line) => line && !line.startsWith('#'));
    // The sandbox itself is scripts/sandbox.sh's own test (test/ops/sandbox.test.ts); here the APIs already run.
    expect(commands[0]).toMatch(/^pnpm sandbox\b/);
    const steps = commands.slice(1);
    expect(steps.some((c) => c.includes('mypay login'))).toBe(true);
    expect(steps.some((c) => c.includes('mypay listen'))).toBe(true);

    let listen: ChildProcess | undefined;
    let listenOut = '';
    let lastPayoutId = '';
    try {
      for (const raw of steps) {
        const command = localise(raw).replaceAll('po_…', lastPayoutId);
        if (command.includes('mypay listen')) {
          listen = spawn('bash', ['-c', `exec ${command}`], {
            cwd: REPO_ROOT,
            env: withoutEmpty({ ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1', ...readerEnv() }),
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          });
          listen.stdout?.on('data', (c: Buffer) => {
            listenOut += c.toString();
          });
          listen.stderr?.on('data', (c: Buffer) => {
            listenOut += c.toString();
          });
          await waitUntil('listen to be ready', () => /Ready!/.test(listenOut) || listen?.exitCode !== null);
          expect(listenOut, listenOut).toMatch(/Ready! Your webhook signing secret is whsec_/);
          continue;
        }
        if (command.includes('--follow')) {
          // Runs until Ctrl-C, as the doc says: started, seen following, stopped with SIGINT (exit 0).
          const follow = spawn('bash', ['-c', `exec ${command}`], {
            cwd: REPO_ROOT,
            env: withoutEmpty({ ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1', ...readerEnv() }),
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          });
          let followOut = '';
          follow.stdout?.on('data', (c: Buffer) => {
            followOut += c.toString();
          });
          follow.stderr?.on('data', (c: Buffer) => {
            followOut += c.toString();
          });
          const exited = new Promise<number | null>((resolve) => follow.once('exit', (code) => resolve(code)));
          await waitUntil(
            'logs --follow to start',
            () => /following the request log/.test(followOut) || follow.exitCode !== null,
          );
          expect(followOut, followOut).toMatch(/following the request log/);
          process.kill(-follow.pid!, 'SIGINT');
          expect(await exited, followOut).toBe(0);
          continue;
        }
        // login reads the key from stdin, as the doc says: the seed's key of scope all.
        const run = await shell(command, readerEnv(), command.includes('mypay login') ? `${allKey}\n` : '');
        expect(run.code, `${command}\n${run.stderr}\n${run.stdout}`).toBe(0);
        expect(run.stderr, command).not.toMatch(/FORBIDDEN|UNAUTHENTICATED|error:/);
        if (command.includes('mypay login')) expect(run.stdout).toContain('Logged in.');
        if (command.includes('mypay trigger payout.completed') || command.includes('payouts list')) {
          const latest = await db.pool.query(
            'SELECT id FROM Payout WHERE merchantId = ? ORDER BY createdAt DESC, id DESC LIMIT 1',
            [merchantId],
          );
          lastPayoutId = String(latest[0]?.id ?? '');
        }
        if (command.includes('payouts get')) expect(run.stdout).toContain(lastPayoutId);
      }
      const secret = /whsec_[0-9a-f]+/.exec(listenOut)?.[0];
      expect(secret).toBeDefined();
      await waitUntil('forwarded payout and payment events', () => {
        const types = received.map((r) => JSON.parse(r.body).type as string);
        return types.includes('payout.completed') && types.includes('payment.succeeded');
      });
      for (const delivery of received) {
        expect(verifySignature(delivery.body, delivery.headers['mypay-signature'] as string, secret!)).toBe(true);
      }
    } finally {
      if (listen?.pid && listen.exitCode === null) process.kill(-listen.pid, 'SIGTERM');
      received.length = 0;
    }
  }, 600_000);

  it('when a payout-scoped key triggers a payment, then FORBIDDEN says which scope is missing and which the key has', async () => {
    const freshConfig = mkdtempSync(join(tmpdir(), 'mypay-walkthrough-payout-'));
    const run = await shell('pnpm -s mypay trigger payment.succeeded', {
      ...readerEnv(),
      XDG_CONFIG_HOME: freshConfig,
      MYPAY_API_KEY: payoutKey,
      MYPAY_BASE_URL: `http://127.0.0.1:${payoutPort}`,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('FORBIDDEN');
    expect(run.stderr).toContain(
      'this API key has scope "payout"; the Payment API needs a key of scope "payment" or "all"',
    );
    expect(run.stderr).toContain('log in with a key of scope "all"');
    expect(run.stderr).not.toContain('scope payout, payment or all');
    rmSync(freshConfig, { recursive: true, force: true });
  }, 120_000);
});

interface HttpStep {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** An ```http request block: request line, headers, a blank line, the body. */
function parseHttp(block: string): HttpStep {
  const [head = '', ...rest] = block.split(/\n\s*\n/);
  const [requestLine = '', ...headerLines] = head.split('\n');
  const [method = '', path = ''] = requestLine.split(' ');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { method, path, headers, body: rest.join('\n\n').trim() };
}

describe('docs/webhooks.md walkthrough', () => {
  it('when an endpoint is registered as written and verified with the doc’s own Node and Python code, then real deliveries pass it', async () => {
    // 1. Register the endpoint (the doc's request, to this machine's receiver).
    const [register] = codeBlocks('docs/webhooks.md', 'Endpoints', 'http');
    const step = parseHttp(register!);
    expect(step.method).toBe('POST');
    const receiverUrl = `http://127.0.0.1:${receiverPort}/webhooks/mypay`;
    const body = JSON.parse(step.body) as { url: string; events?: string[] };
    body.url = receiverUrl;
    const res = await fetch(`http://127.0.0.1:${payoutPort}${step.path}`, {
      method: step.method,
      headers: { ...step.headers, Authorization: step.headers.Authorization!.replace('<payout key>', payoutKey) },
      body: JSON.stringify(body),
    });
    const endpoint = (await res.json()) as { id: string; secret: string };
    expect(res.status, `${JSON.stringify(step)} → ${JSON.stringify(endpoint)}`).toBe(201);
    expect(endpoint.secret).toMatch(/^whsec_/);

    // 2. The doc's Node.js verification, loaded from the doc itself, decides what the receiver answers.
    const [node] = codeBlocks('docs/webhooks.md', 'Node.js (Express)', 'js');
    const fn = /function verifyMyPaySignature[\s\S]*?\n}\n/.exec(node!)?.[0];
    expect(fn).toBeDefined();
    const { createHmac, timingSafeEqual } = await import('node:crypto');
    const verifyMyPaySignature = new Function('crypto', `${fn}\nreturn verifyMyPaySignature;`)({
      createHmac,
      timingSafeEqual,
    }) as (raw: Buffer, header: string | undefined, secret: string) => boolean;
    receiverCheck = (raw, header) => verifyMyPaySignature(raw, header, endpoint.secret);
    try {
      // 3. Something happens: a payout to a subscribed type (scenario 1 completes at once).
      const payout = await fetch(`http://127.0.0.1:${payoutPort}/api/v1/payouts`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${payoutKey}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': `wh-${randomBytes(4).toString('hex')}`,
        },
        body: JSON.stringify({
          amount: 150000,
          currency: 'PKR',
          reference: `wh-${randomBytes(4).toString('hex')}`,
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001' },
        }),
      });
      expect(payout.status).toBe(201);
      const { id: payoutId } = (await payout.json()) as { id: string };
      await waitUntil('payout.completed at the receiver', () =>
        received.some((r) => JSON.parse(r.body).type === 'payout.completed'),
      );
      const delivery = received.find((r) => JSON.parse(r.body).type === 'payout.completed')!;
      expect(JSON.parse(delivery.body).data.object.id).toBe(payoutId);
      // The delivery log says the doc's verification accepted it (2xx), i.e. it was delivered.
      const eventId = JSON.parse(delivery.body).id as string;
      await expect
        .poll(
          async () => {
            const event = (await (
              await fetch(`http://127.0.0.1:${payoutPort}/api/v1/events/${eventId}`, {
                headers: { Authorization: `Bearer ${payoutKey}` },
              })
            ).json()) as { deliveries: { status: string }[] };
            return event.deliveries.map((d) => d.status);
          },
          { timeout: 30_000 },
        )
        .toEqual(['DELIVERED']);
      // A tampered body fails the same check.
      expect(
        verifyMyPaySignature(
          Buffer.from(`${delivery.body} `),
          delivery.headers['mypay-signature'] as string,
          endpoint.secret,
        ),
      ).toBe(false);

      // 4. The doc's Python verification agrees on the same delivery (standard library only).
      const [python] = codeBlocks('docs/webhooks.md', 'Python (Flask)', 'python');
      const pyFn = /def verify_mypay_signature[\s\S]*?return any\([^\n]*\n/.exec(python!)?.[0];
      expect(pyFn).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'mypay-wh-py-'));
      try {
        writeFileSync(join(dir, 'body.bin'), delivery.body);
        writeFileSync(
          join(dir, 'check.py'),
          `import hashlib, hmac, os, sys, time\n${pyFn}\nraw = open(sys.argv[1], 'rb').read()\nprint(verify_mypay_signature(raw, sys.argv[2], sys.argv[3]), verify_mypay_signature(raw + b' ', sys.argv[2], sys.argv[3]))\n`,
        );
        const py = await shell(
          `python3 ${join(dir, 'check.py')} ${join(dir, 'body.bin')} '${delivery.headers['mypay-signature']}' '${endpoint.secret}'`,
        );
        expect(py.code, py.stderr).toBe(0);
        expect(py.stdout.trim()).toBe('True False');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      receiverCheck = () => true;
      received.length = 0;
      await fetch(`http://127.0.0.1:${payoutPort}/api/v1/webhook-endpoints/${endpoint.id}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${payoutKey}` },
      });
    }
  }, 180_000);
});
