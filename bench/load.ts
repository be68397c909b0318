/**
 * `pnpm bench`, sections 2 and 3: how cost grows with load (POST /api/v1/payouts and
 * GET /api/v1/directory/banks at concurrency 8, 32 and 128, the API with a fixed pool of 32, next
 * to Mockoon CLI serving the very same banks JSON on loopback) and webhook latency (payouts at a
 * fixed rate, receiver clock minus the event's createdAt). One Payout API and one Payment API
 * process (the second delivery worker), RSS of every process sampled throughout.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookEndpoint, deleteWebhookEndpoint } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import {
  cannon,
  dbUrl,
  dropDatabase,
  type LoadRow,
  log,
  median,
  merchantWithKey,
  percentile,
  RssSampler,
  recreateDatabase,
  round,
  sleep,
  startApi,
  startMockoon,
  stop,
} from './lib.ts';
import { type Bench, type BenchContext, COLORS } from './report.ts';

const CONCURRENCIES = [8, 32, 128];
const WEBHOOK_RATE = 30;
const loadSeconds = (ctx: BenchContext) => (ctx.quick ? 2 : 5);
const webhookSeconds = (ctx: BenchContext) => (ctx.quick ? 2 : 5);

async function webhookLatency(
  seconds: number,
  db: Db,
  payoutBase: string,
  merchant: { id: string; key: string },
  receiverUrl: string,
  received: Map<string, number>,
) {
  const key = merchant.key;
  // Registered through the use-case: the API (NODE_ENV=production) refuses loopback targets, as it should.
  const { id: endpointId } = await createWebhookEndpoint(
    db,
    { merchantId: merchant.id, url: receiverUrl, events: ['payout.completed'] },
    { allowPrivateTargets: true },
  );
  received.clear();
  const total = WEBHOOK_RATE * seconds;
  const run = randomBytes(3).toString('hex');
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / WEBHOOK_RATE - performance.now();
    if (wait > 1) await sleep(wait);
    sends.push(
      fetch(`${payoutBase}/api/v1/payouts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          amount: 1_000,
          currency: 'PKR',
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
          reference: `wh-${run}-${i}`,
        }),
      }).catch(() => null),
    );
  }
  await Promise.all(sends);
  const deadline = Date.now() + 60_000;
  while (received.size < total && Date.now() < deadline) await sleep(100);
  const latencies = [...received.values()].sort((a, b) => a - b);
  await deleteWebhookEndpoint(db, merchant.id, endpointId);
  return {
    events: total,
    delivered: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

async function startReceiver(received: Map<string, number>) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; createdAt: string };
        received.set(event.id, at - Date.parse(event.createdAt));
      } catch {}
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface LoadResult {
  load: LoadRow[];
  webhookRuns: Awaited<ReturnType<typeof webhookLatency>>[];
  rss: { idle: Record<string, number>; max: Record<string, number> };
}

export async function run(ctx: BenchContext): Promise<LoadResult> {
  const LOAD_SECONDS = loadSeconds(ctx);
  const RUNS = ctx.runs;
  const mainUrl = dbUrl('mypay_bench_runall');
  log('preparing mypay_bench_runall');
  await recreateDatabase(mainUrl);
  const db = createDb(mainUrl, { connectionLimit: 4 });
  const merchant = await merchantWithKey(db, 'load');
  const apiEnv = { DB_POOL_SIZE: '32', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
  const payoutApi = await startApi('payout-api', mainUrl, { env: apiEnv });
  const paymentApi = await startApi('payment-api', mainUrl, { env: apiEnv });
  const auth = { Authorization: `Bearer ${merchant.key}` };
  const banks = await fetch(`${payoutApi.base}/api/v1/directory/banks`, { headers: auth });
  const banksBody = await banks.text();
  const mockoon = await startMockoon(banksBody, banks.headers.get('content-type') ?? 'application/json');
  const sampler = new RssSampler(
    new Map([
      ['payout-api', () => [payoutApi.child.pid ?? 0]],
      ['payment-api (webhook worker)', () => [paymentApi.child.pid ?? 0]],
      ['Mockoon CLI', () => [mockoon.child.pid ?? 0]],
    ]),
  );
  sampler.sampleIdle();
  sampler.start();
  const load: LoadRow[] = [];
  const webhookRuns: LoadResult['webhookRuns'] = [];
  const received = new Map<string, number>();
  const receiver = await startReceiver(received);
  try {
    const run = randomBytes(3).toString('hex');
    let n = 0;
    const payoutRequest = {
      method: 'POST',
      path: '/api/v1/payouts',
      headers: { ...auth, 'content-type': 'application/json' },
      body: () =>
        JSON.stringify({
          amount: 100,
          currency: 'PKR',
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
          reference: `load-${run}-${n++}`,
        }),
    };
    const banksRequest = { method: 'GET', path: '/api/v1/directory/banks', headers: auth };
    log('warm-up');
    await cannon('warm-up', payoutApi.base, 8, 2, payoutRequest);
    await cannon('warm-up', payoutApi.base, 8, 1, banksRequest);
    await cannon('warm-up', mockoon.base, 8, 1, banksRequest);
    for (const concurrency of CONCURRENCIES) {
      for (let r = 1; r <= RUNS; r++) {
        log(`concurrency ${concurrency}, run ${r}/${RUNS}`);
        load.push(await cannon('POST /payouts (API)', payoutApi.base, concurrency, LOAD_SECONDS, payoutRequest));
        load.push(await cannon('GET /directory/banks (API)', payoutApi.base, concurrency, LOAD_SECONDS, banksRequest));
        load.push(
          await cannon('GET /directory/banks (Mockoon)', mockoon.base, concurrency, LOAD_SECONDS, banksRequest),
        );
      }
    }
    for (let r = 1; r <= RUNS; r++) {
      log(`webhook latency, run ${r}/${RUNS}`);
      webhookRuns.push(
        await webhookLatency(webhookSeconds(ctx), db, payoutApi.base, merchant, `${receiver.url}/hook`, received),
      );
    }
  } finally {
    sampler.stop();
    receiver.server.close();
    await Promise.all([stop(payoutApi.child), stop(paymentApi.child), stop(mockoon.child)]);
    await db.close();
    await dropDatabase(mainUrl).catch(() => {});
  }
  return {
    load,
    webhookRuns,
    rss: { idle: Object.fromEntries(sampler.idle), max: Object.fromEntries(sampler.max) },
  };
}

const POST = 'POST /payouts (API)';
const DIR_API = 'GET /directory/banks (API)';
const DIR_MOCK = 'GET /directory/banks (Mockoon)';

function stats(result: LoadResult) {
  const loadMedian = (target: string, c: number, field: keyof LoadRow) =>
    median(result.load.filter((l) => l.target === target && l.concurrency === c).map((l) => Number(l[field])));
  return {
    loadMedian,
    p: (target: string, c: number) => loadMedian(target, c, 'p50'),
    rps: (target: string, c: number) => loadMedian(target, c, 'reqPerSec'),
  };
}

export function report(result: LoadResult, ctx: BenchContext): string[] {
  const { load, webhookRuns } = result;
  const { loadMedian, p, rps } = stats(result);
  const lines = [
    `### How cost grows with load (autocannon, ${loadSeconds(ctx)} s per point, API with a fixed pool of 32 connections)`,
    '',
    '| request | concurrency | req/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|---|',
  ];
  for (const target of [POST, DIR_API, DIR_MOCK]) {
    for (const c of CONCURRENCIES) {
      const errors = load.filter((l) => l.target === target && l.concurrency === c).reduce((s, l) => s + l.errors, 0);
      lines.push(
        `| ${target} | ${c} | ${round(loadMedian(target, c, 'reqPerSec'))} | ${round(loadMedian(target, c, 'p50'))} | ${round(loadMedian(target, c, 'p99'))} | ${errors} |`,
      );
    }
  }
  lines.push(
    '',
    `**Cost vs load:** from 8 to 128 concurrent clients (16×), payout creates went from ${round(rps(POST, 8))} to ${round(rps(POST, 128))} req/s`,
    `(${round((100 * rps(POST, 128)) / rps(POST, 8))} %) while their median latency grew ${round(p(POST, 128) / p(POST, 8), 1)}× (${round(p(POST, 8))} → ${round(p(POST, 128))} ms): the`,
    'API saturates (two CPUs shared by the API, MariaDB and the load generator) and past that point extra',
    'clients only queue — throughput stays about flat and latency grows with the queue (Little’s law). Errors at',
    `any load: ${load.filter((l) => l.target === POST).reduce((s, l) => s + l.errors, 0)}. The directory read (API-key auth, rate limit, request id, a structured log line, a cached`,
    `lookup) ran at ${round((100 * rps(DIR_API, 32)) / rps(DIR_MOCK, 32))} % of Mockoon’s rate for the same bytes at concurrency 32 (${round(rps(DIR_API, 32))} vs ${round(rps(DIR_MOCK, 32))} req/s;`,
    `p99 ${round(loadMedian(DIR_API, 32, 'p99'))} vs ${round(loadMedian(DIR_MOCK, 32, 'p99'))} ms).`,
    '',
    `### Webhook latency (${WEBHOOK_RATE} payouts/s for ${webhookSeconds(ctx)} s; receiver clock minus the event's \`createdAt\`)`,
    '',
    'Delivered by whichever delivery worker claims the event first (the Payout API and the Payment API process each run',
    'one): commit → wake-up or poll → claim → signed POST. The Webhooks section below (`bench/webhook-latency.ts`) goes deeper.',
    '',
    '| events per run | delivered | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|',
    `| ${WEBHOOK_RATE * webhookSeconds(ctx)} | ${round(median(webhookRuns.map((w) => w.delivered)))} | ${round(median(webhookRuns.map((w) => w.p50)))} | ${round(median(webhookRuns.map((w) => w.p95)))} | ${round(median(webhookRuns.map((w) => w.p99)))} |`,
    '',
    'Mockoon CLI (`@mockoon/cli`, pinned in the catalog) serves the exact bytes and `Content-Type` the API returned, from a',
    'generated environment file, on loopback; it runs offline.',
  );
  return lines;
}

export const bench: Bench<LoadResult> = {
  name: 'load',
  run,
  report,
  chart(result) {
    const { p, rps } = stats(result);
    return [
      {
        title: 'GET /directory/banks, req/s: API vs Mockoon CLI',
        bars: CONCURRENCIES.flatMap((c) => [
          { label: `API — ${c} clients`, value: rps(DIR_API, c), color: COLORS.api },
          { label: `Mockoon — ${c} clients`, value: rps(DIR_MOCK, c), color: COLORS.mock },
        ]),
      },
      {
        title: 'POST /payouts p50 latency (ms) as load grows',
        bars: CONCURRENCIES.map((c) => ({ label: `${c} clients`, value: p(POST, c), color: COLORS.api })),
      },
    ];
  },
  memory(result) {
    return Object.keys(result.rss.idle).map((name) => ({
      process: name,
      idleMb: result.rss.idle[name],
      maxMb: result.rss.max[name],
    }));
  },
};
