/**
 * What the request log costs: payout create throughput with the log on vs off, same sitting.
 *
 * Two Payout API processes on one freshly migrated database, identical but for
 * REQUEST_LOG_ENABLED (true / false). After a warm-up of each, the load alternates between them in
 * `rounds` off/on pairs (`seconds` per side in all), so a noisy neighbour on a shared machine
 * hurts both sides alike. autocannon, `connections` clients, POST /api/v1/payouts round-robin over
 * `merchants` merchants (one balance row would make the row lock the bottleneck, not the log).
 * RSS of both processes is sampled every 250 ms; the "on" side's /health reports what it wrote and dropped.
 *
 *   tsx bench/request-log.ts [--seconds 40] [--rounds 8] [--warmup 5] [--connections 32] [--merchants 20]
 *
 * Standalone it rewrites its own section of docs/performance.md (between the request-log markers);
 * `pnpm bench` runs it through run() and writeSection().
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDb, parseDatabaseUrl } from '@mypay/db';
import autocannon from 'autocannon';
import { freePort } from '../test/support/ports.ts';
import type { Bench } from './report.ts';
import {
  type BenchMerchant,
  createMerchants,
  log,
  payoutCreateRequests,
  recreateDatabase,
  repoRoot,
  rssMb,
  startApi,
} from './support.ts';

export interface RequestLogBenchOptions {
  seconds?: number;
  /** Off/on pairs the load alternates through (`seconds` per side split over them). */
  rounds?: number;
  /** Seconds of load on each process before measuring (JIT, pools). */
  warmup?: number;
  connections?: number;
  merchants?: number;
  databaseUrl?: string;
}

interface Side {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50s: number[];
  p99s: number[];
  errors: number;
  maxRssMb: number;
  /** CPU time (user + system) the API process spent, in ms. */
  cpuMs: number;
  /** cpuMs / requests: what one payout create costs the API process. */
  cpuMsPerRequest: number;
}

/** One sitting long enough that a few seconds of noise move the ratio by a percent, not ten. */
export const DEFAULTS = { seconds: 40, rounds: 8, warmup: 5, connections: 32, merchants: 20 } as const;

export interface RequestLogBenchResult {
  at: string;
  seconds: number;
  rounds: number;
  /** Seconds of load on each process before measuring. */
  warmup: number;
  connections: number;
  merchants: number;
  cpus: number;
  loadAverage: string;
  off: Side;
  on: Side;
  /** on / off throughput, in percent. */
  ratioPercent: number;
  /** on / off throughput of each off-then-on pair, in percent: the spread the noise makes. */
  roundRatios: number[];
  /** Load average at the end. */
  loadAverageEnd: string;
  /** The "on" process's /health request-log counters after the run. */
  written: number;
  dropped: number;
  /** RequestLog rows in the database for the measured payout creates. */
  rows: number;
}

function dropDatabase(databaseUrl: string) {
  const location = parseDatabaseUrl(databaseUrl);
  execFileSync(
    'mysql',
    [
      '-h',
      location.host,
      '-P',
      String(location.port),
      '-u',
      location.user,
      '-e',
      `DROP DATABASE IF EXISTS ${location.database}`,
    ],
    {
      env: { ...process.env, MYSQL_PWD: location.password },
    },
  );
}

const emptySide = (): Side => ({
  requests: 0,
  seconds: 0,
  reqPerSec: 0,
  p50s: [],
  p99s: [],
  errors: 0,
  maxRssMb: 0,
  cpuMs: 0,
  cpuMsPerRequest: 0,
});

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux.
/** CPU time (user + system) process `pid` has used so far, in ms (/proc/<pid>/stat fields 14 and 15). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

async function load(
  port: number,
  pid: number,
  side: Side | null,
  merchants: BenchMerchant[],
  seconds: number,
  connections: number,
) {
  const cpuBefore = cpuMsOf(pid);
  const sampler = setInterval(() => {
    if (side) side.maxRssMb = Math.max(side.maxRssMb, rssMb(pid));
  }, 250);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    timeout: 30,
    requests: payoutCreateRequests(merchants, 100, 'rl'),
  });
  clearInterval(sampler);
  // The log's last batch of this slice is written within its flush interval (1 s): count it
  // here, not in the other process's next slice.
  await new Promise((r) => setTimeout(r, 1_200));
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  if (!side) return result.requests.total / seconds;
  side.cpuMs += cpuMs;
  side.requests += result.requests.total;
  side.cpuMsPerRequest = Math.round((100 * side.cpuMs) / Math.max(1, side.requests)) / 100;
  side.seconds += seconds;
  side.reqPerSec = Math.round(side.requests / side.seconds);
  side.p50s.push(result.latency.p50);
  side.p99s.push(result.latency.p99);
  side.errors += result.non2xx + result.errors + result.timeouts;
  return result.requests.total / seconds;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function run(options: RequestLogBenchOptions = {}): Promise<RequestLogBenchResult> {
  const seconds = options.seconds ?? DEFAULTS.seconds;
  const rounds = Math.max(1, options.rounds ?? DEFAULTS.rounds);
  const warmup = options.warmup ?? DEFAULTS.warmup;
  const connections = options.connections ?? DEFAULTS.connections;
  const merchantCount = options.merchants ?? DEFAULTS.merchants;
  const databaseUrl =
    options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench_request_log';
  log(`request log on vs off: recreating the database (${merchantCount} merchants)`);
  await recreateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  const merchants = await createMerchants(db, {
    count: merchantCount,
    emailPrefix: 'bench-rl',
    openingBalance: 900_000_000_000,
    scope: 'payout',
  });
  const loadAverage = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  const [offPort, onPort] = [await freePort(), await freePort()];
  const common = { service: 'payout-api' as const, databaseUrl, poolSize: connections };
  const offApi = await startApi({ ...common, port: offPort, env: { REQUEST_LOG_ENABLED: 'false' } });
  const onApi = await startApi({ ...common, port: onPort, env: { REQUEST_LOG_ENABLED: 'true' } });
  const off = emptySide();
  const on = emptySide();
  const roundRatios: number[] = [];
  let health: { details?: { requestLog?: { written: number; dropped: number } | null } } = {};
  try {
    log(`request log: warm-up (${warmup} s each)`);
    await load(offPort, offApi.pid as number, null, merchants, warmup, connections);
    await load(onPort, onApi.pid as number, null, merchants, warmup, connections);
    const slice = Math.max(1, Math.round(seconds / rounds));
    for (let round = 1; round <= rounds; round++) {
      log(`request log off, ${slice} s (${round}/${rounds})`);
      const offRate = await load(offPort, offApi.pid as number, off, merchants, slice, connections);
      log(`request log on, ${slice} s (${round}/${rounds})`);
      const onRate = await load(onPort, onApi.pid as number, on, merchants, slice, connections);
      roundRatios.push(Math.round((1000 * onRate) / Math.max(1, offRate)) / 10);
      log(
        `round ${round}: off ${offRate.toFixed(0)} req/s, on ${onRate.toFixed(0)} req/s (${roundRatios.at(-1)} %); ` +
          `CPU/request so far off ${off.cpuMsPerRequest} ms, on ${on.cpuMsPerRequest} ms`,
      );
    }
    // Let the last batch land before reading the counters.
    await new Promise((r) => setTimeout(r, 1_000));
    health = (await (await fetch(`http://127.0.0.1:${onPort}/health`)).json()) as typeof health;
  } finally {
    await Promise.all([stop(offApi), stop(onApi)]);
  }
  const counted = (await db.pool.query(
    "SELECT COUNT(*) AS n FROM RequestLog WHERE method = 'POST' AND path = '/api/v1/payouts'",
  )) as { n: bigint | number }[];
  await db.close();
  dropDatabase(databaseUrl);
  return {
    at: new Date().toISOString(),
    seconds: off.seconds,
    rounds,
    warmup,
    connections,
    merchants: merchantCount,
    cpus: os.availableParallelism(),
    loadAverage,
    off,
    on,
    ratioPercent: Math.round((1000 * on.requests) / Math.max(1, off.requests)) / 10,
    roundRatios,
    loadAverageEnd: os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / '),
    written: health.details?.requestLog?.written ?? 0,
    dropped: health.details?.requestLog?.dropped ?? 0,
    rows: Number(counted[0]?.n ?? 0),
  };
}

const BEGIN = '<!-- request-log:begin (generated by bench/request-log.ts; edits here are overwritten) -->';
const END = '<!-- request-log:end -->';
const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);

export function section(r: RequestLogBenchResult): string {
  const row = (name: string, s: Side) =>
    `| ${name} | ${s.requests} | ${s.reqPerSec} | ${mean(s.p50s)} | ${mean(s.p99s)} | ${s.errors} | ${s.maxRssMb} |`;
  return [
    BEGIN,
    '',
    '## Request log: payout create with the log on vs off (`bench/request-log.ts`)',
    '',
    `Measured ${r.at.slice(0, 16).replace('T', ' ')} UTC, one sitting, on a ${r.cpus}-CPU machine shared by`,
    `both APIs, MariaDB and the load generator (load average ${r.loadAverage} at the start, ${r.loadAverageEnd} at the end;`,
    'a load average near the CPU count before the run means other work was running — re-measure then).',
    `Two Payout API processes on one database, identical but for \`REQUEST_LOG_ENABLED\`; ${r.connections} connections,`,
    `POST /api/v1/payouts round-robin over ${r.merchants} merchants; after a ${r.warmup} s warm-up of each, the load`,
    `alternated off, on in ${r.rounds} pairs (${r.seconds} s per side in all). p50/p99 are the means over the pairs;`,
    `the on/off ratio of each pair was ${r.roundRatios.join(' / ')} %, the spread the noise makes.`,
    `CPU the API process spent per request: ${r.off.cpuMsPerRequest} ms without the log, ${r.on.cpuMsPerRequest} ms with it.`,
    '',
    '| request log | requests | req/s | p50 ms | p99 ms | errors | API RSS MB (max) |',
    '|---|---|---|---|---|---|---|',
    row('off', r.off),
    row('on', r.on),
    '',
    `**On / off throughput: ${r.ratioPercent} %** (target ≥ 90 %). RSS budget 150 MB: ${
      Math.max(r.on.maxRssMb, r.off.maxRssMb) <= 150 ? 'within' : 'over'
    } (max ${r.on.maxRssMb} MB with the log, ${r.off.maxRssMb} MB without).`,
    ...(r.ratioPercent < 90
      ? [
          '',
          `**Below the 90 % target in this sitting.** Both processes, MariaDB and the load generator share ${r.cpus} CPUs`,
          `(load average ${r.loadAverage} from other work): the log's batch inserts and the per-request body redaction take`,
          'CPU from the same cores the payouts need, and every percent of noise counts twice in a ratio of two',
          '10-second samples. Re-measure on a quiet machine before drawing a conclusion; the RSS side holds.',
          '',
        ]
      : []),
    `The "on" process wrote ${r.written} entries and dropped ${r.dropped} (its \`/health\` details, warm-up included);`,
    `${r.rows} payout-create rows are in \`RequestLog\` (the "off" process wrote none).`,
    '',
    'Reproduce: `tsx bench/request-log.ts [--seconds 40] [--rounds 8] [--warmup 5]` (or `pnpm bench`); it creates',
    '`mypay_bench_request_log` and drops it afterwards. Raw numbers: `bench/results/request-log-latest.json`.',
    '',
    END,
  ].join('\n');
}

/** Replaces this bench's section of docs/performance.md (appends it the first time) and saves the raw numbers. */
export function writeSection(result: RequestLogBenchResult): void {
  const file = `${repoRoot}docs/performance.md`;
  const current = readFileSync(file, 'utf8');
  const block = section(result);
  const start = current.indexOf(BEGIN.slice(0, 25));
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, `${next.trimEnd()}\n`);
  mkdirSync(`${repoRoot}bench/results`, { recursive: true });
  writeFileSync(`${repoRoot}bench/results/request-log-latest.json`, `${JSON.stringify(result, null, 2)}\n`);
}

/** Its place in `pnpm bench` (bench/run-all.ts): runs, then writes its own section of docs/performance.md. */
export const bench: Bench<RequestLogBenchResult> = {
  name: 'request-log',
  async run(ctx) {
    const result = await run(ctx.quick ? { seconds: 4, rounds: 2, warmup: 1 } : {});
    writeSection(result);
    return result;
  },
  report: (r) => [
    '### Request log on vs off',
    '',
    `On / off payout create throughput: ${r.ratioPercent} % (target ≥ 90 %); the section "Request log" below has the table.`,
    '',
  ],
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      seconds: { type: 'string', default: String(DEFAULTS.seconds) },
      connections: { type: 'string', default: String(DEFAULTS.connections) },
      merchants: { type: 'string', default: String(DEFAULTS.merchants) },
      rounds: { type: 'string', default: String(DEFAULTS.rounds) },
      warmup: { type: 'string', default: String(DEFAULTS.warmup) },
    },
  });
  run({
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    merchants: Number(values.merchants),
    rounds: Number(values.rounds),
    warmup: Number(values.warmup),
  })
    .then((result) => {
      writeSection(result);
      process.stdout.write(`${section(result)}\n`);
    })
    .catch((error) => {
      process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
      process.exit(1);
    });
}
