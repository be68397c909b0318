/**
 * Webhook latency benchmark: event-to-receiver time (receiver clock minus the event's createdAt,
 * which is set inside the payout's transaction) while payouts are created through the Payout API
 * at a fixed rate. Spawns real payout-api process(es), a real receiver, and drives open-loop load
 * (requests are fired on schedule, whatever the response times).
 *
 *   pnpm exec tsx bench/webhook-latency.ts            # 100 payouts/s for 30 s, one API process
 *   RATE=100 DURATION_S=30 REPLICAS=2 pnpm exec tsx bench/webhook-latency.ts
 *
 * Env: BENCH_WEBHOOK_DATABASE_URL (default mysql://root@127.0.0.1:3306/mypay_bench_webhooks; created,
 * migrated, seeded — its own database, so it can run beside bench/payouts.ts), RATE, DURATION_S,
 * WARMUP_S (default 5: the same load first, reported separately), REPLICAS, SERVER_ENTRY (default services/payout-api/src/server.ts), WEBHOOK_POLL_INTERVAL and
 * WEBHOOK_CONCURRENCY (passed to the API when set).
 *
 * Two latencies are reported:
 * - webhookMs: receiver clock minus the event's `createdAt`. `createdAt` is taken when the payout
 *   use-case starts, so this includes the payout's own transaction (what an integrator sees).
 * - afterResponseMs: receiver clock minus the moment the API's 201 for the same payout arrived
 *   (the commit precedes the response): the delivery pipeline's own delay; negative when the
 *   webhook beat the response.
 * - dispatchMs: first attempt's start (recorded by the worker) minus `createdAt`: commit plus the
 *   worker's pick-up delay, without the HTTP hop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createMerchant, insertApiKey } from '@mypay/core';
import { createDb } from '@mypay/db';
import { prepareDatabase } from '../prisma/prepare-database.ts';
import { freePort } from '../test/support/ports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.BENCH_WEBHOOK_DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_bench_webhooks';
const RATE = Number(process.env.RATE ?? 100);
const DURATION_S = Number(process.env.DURATION_S ?? 30);
/** Load at the same rate before measuring: JIT, pools and keep-alive sockets warm up (reported apart). */
const WARMUP_S = Number(process.env.WARMUP_S ?? 5);
const REPLICAS = Number(process.env.REPLICAS ?? 1);
const SERVER_ENTRY = process.env.SERVER_ENTRY ?? `${ROOT}services/payout-api/src/server.ts`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function prepareBenchDatabase(): Promise<void> {
  await prepareDatabase(DATABASE_URL, { nodeEnv: 'development', showErrors: true });
}

async function startApi(): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  // As the image runs it: plain node with the tsx loader, production mode.
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '32',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The receiver is on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${base}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, base };
    await sleep(100);
  }
  throw new Error('payout-api did not start');
}

interface Received {
  eventId: string;
  payoutId: string;
  at: number;
  latencyMs: number;
}

async function startReceiver(): Promise<{ url: string; received: Received[]; close(): void }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id: string;
        createdAt: string;
        data: { object: { id: string } };
      };
      received.push({
        eventId: event.id,
        payoutId: event.data.object.id,
        at,
        latencyMs: at - Date.parse(event.createdAt),
      });
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/bench-hook`, received, close: () => server.close() };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(
  base: string,
  path: string,
  key: string,
  body: unknown,
): Promise<{ status: number; ms: number; at: number; id?: string }> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const at = Date.now();
          let id: string | undefined;
          try {
            id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }).id;
          } catch {}
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, at, id });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, at: Date.now() }));
    req.end(payload);
  });
}

async function main() {
  await prepareBenchDatabase();
  const db = createDb(DATABASE_URL, { connectionLimit: 4 });
  const apis = await Promise.all(Array.from({ length: REPLICAS }, startApi));
  const receiver = await startReceiver();
  try {
    const suffix = Date.now().toString(36);
    const { id: merchantId } = await createMerchant(db, {
      name: `Bench ${suffix}`,
      email: `bench-${suffix}@bench.test`,
      password: 'bench-password',
      openingBalance: 1_000_000_000_000,
    });
    const conn = await db.pool.getConnection();
    const { key } = await insertApiKey(conn, { merchantId, name: 'bench', scope: 'payout' }).finally(() =>
      conn.release(),
    );
    const created = await post(apis[0]!.base, '/api/v1/webhook-endpoints', key, { url: receiver.url });
    if (created.status !== 201) throw new Error(`could not register the endpoint (${created.status})`);

    await sleep(2_000); // let the API(s) settle

    const total = RATE * (WARMUP_S + DURATION_S);
    const warmupCount = RATE * WARMUP_S;
    let measureFrom = Number.POSITIVE_INFINITY;
    const apiLatencies: number[] = [];
    const respondedAt = new Map<string, number>();
    const statuses = new Map<number, number>();
    const requests: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      if (i === warmupCount) measureFrom = Date.now();
      const base = apis[i % apis.length]!.base;
      requests.push(
        post(base, '/api/v1/payouts', key, {
          amount: 1_000,
          currency: 'PKR',
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
          reference: `bench-${suffix}-${i}`,
        }).then(({ status, ms, at, id }) => {
          if (i >= warmupCount) apiLatencies.push(ms);
          if (id) respondedAt.set(id, at);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
      );
    }
    await Promise.all(requests);
    const elapsedS = (performance.now() - start) / 1000 - WARMUP_S;

    const counted = (await db.pool.query('SELECT COUNT(*) AS n FROM WebhookEvent WHERE merchantId = ?', [
      merchantId,
    ])) as { n: number }[];
    const expected = Number(counted[0]?.n ?? 0);
    const drainDeadline = Date.now() + 30_000;
    while (new Set(receiver.received.map((r) => r.eventId)).size < expected && Date.now() < drainDeadline) {
      await sleep(100);
    }

    if (receiver.received.length === 0) {
      throw new Error(
        'no webhook arrived: does the API process run the delivery worker (createDeliveryWorker in server.ts)?',
      );
    }
    const dispatch = (
      (await db.pool.query(
        `SELECT TIMESTAMPDIFF(MICROSECOND, e.createdAt, a.createdAt) / 1000 AS ms
           FROM WebhookEvent e
           JOIN WebhookDelivery d ON d.eventId = e.id
           JOIN WebhookAttempt a ON a.deliveryId = d.id AND a.attemptNumber = 1
          WHERE e.merchantId = ? AND e.createdAt >= ?`,
        [merchantId, new Date(measureFrom)],
      )) as { ms: number }[]
    )
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    const measured = receiver.received.filter((r) => r.at - r.latencyMs >= measureFrom);
    const warmup = receiver.received
      .filter((r) => r.at - r.latencyMs < measureFrom)
      .map((r) => r.latencyMs)
      .sort((a, b) => a - b);
    // Webhook arrival relative to the API's response for the same payout (the commit happened
    // before the response): the delivery pipeline's own delay. Negative = the webhook won the race.
    const afterResponse = measured
      .filter((r) => respondedAt.has(r.payoutId))
      .map((r) => r.at - respondedAt.get(r.payoutId)!)
      .sort((a, b) => a - b);
    const latencies = measured.map((r) => r.latencyMs).sort((a, b) => a - b);
    const api = apiLatencies.sort((a, b) => a - b);
    const unique = new Set(receiver.received.map((r) => r.eventId)).size;
    const result = {
      replicas: REPLICAS,
      targetRate: RATE,
      achievedRate: Number(((total - warmupCount) / elapsedS).toFixed(1)),
      warmupSeconds: WARMUP_S,
      measuredSeconds: DURATION_S,
      payouts: total,
      statuses: Object.fromEntries(statuses),
      events: expected,
      delivered: unique,
      duplicates: receiver.received.length - unique,
      webhookMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1),
      },
      warmupWebhookMs: { p50: percentile(warmup, 50), p99: percentile(warmup, 99), max: warmup.at(-1) },
      afterResponseMs: {
        p50: percentile(afterResponse, 50),
        p99: percentile(afterResponse, 99),
      },
      dispatchMs: {
        p50: Math.round(percentile(dispatch, 50)),
        p99: Math.round(percentile(dispatch, 99)),
      },
      createPayoutMs: {
        p50: Number(percentile(api, 50).toFixed(1)),
        p99: Number(percentile(api, 99).toFixed(1)),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `| ${REPLICAS} | ${result.achievedRate}/s × ${DURATION_S} s | ${expected} | ${unique} | ${result.webhookMs.p50} | ${result.webhookMs.p95} | ${result.webhookMs.p99} | ${result.webhookMs.max} | ${result.afterResponseMs.p50} / ${result.afterResponseMs.p99} | ${result.dispatchMs.p50} / ${result.dispatchMs.p99} | ${result.createPayoutMs.p50} / ${result.createPayoutMs.p99} | ${result.warmupWebhookMs.p50} / ${result.warmupWebhookMs.p99} |`,
    );
  } finally {
    receiver.close();
    for (const { child } of apis) child.kill('SIGTERM');
    await db.close();
    agent.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
