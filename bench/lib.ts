/**
 * What the sections of `pnpm bench` (bench/run-all.ts) share: the machine, processes and their
 * RSS, the API started as the image starts it (its JavaScript build, `node dist/server.js`),
 * Mockoon, databases, autocannon and the statistics.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createMerchant, insertApiKey } from '@mypay/core';
import { type Db, mariadb, parseDatabaseUrl } from '@mypay/db';
import autocannon from 'autocannon';
import { freePort } from '../test/support/ports.ts';

export { freePort };

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER = process.env.BENCH_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
export const dbUrl = (name: string) => `${SERVER}/${name}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const started = Date.now();

export function log(message: string) {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
}

export const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
export const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : Number.NaN);

// --- machine ----------------------------------------------------------------------------------

export function machine() {
  const mem = Math.round(os.totalmem() / 2 ** 30);
  let mariadbVersion = 'unknown';
  try {
    mariadbVersion = execFileSync('mysql', ['-h', '127.0.0.1', '-u', 'root', '-N', '-e', 'SELECT VERSION()'], {
      encoding: 'utf8',
    }).trim();
  } catch {}
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    ramGiB: mem,
    node: process.version,
    mariadb: mariadbVersion,
    loadAverage: () =>
      os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' / '),
  };
}

// --- processes and RSS ------------------------------------------------------------------------

export function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Pids whose command line matches (the portal runs under `pnpm … start`, its server is a child). */
export function pidsMatching(pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (pattern.test(cmd)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

export class RssSampler {
  readonly max = new Map<string, number>();
  readonly idle = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly targets: Map<string, () => number[]>) {}
  sampleIdle() {
    for (const [name, pids] of this.targets) this.idle.set(name, Math.max(0, ...pids().map(rssMb)));
  }
  start() {
    this.timer = setInterval(() => {
      for (const [name, pids] of this.targets) {
        this.max.set(name, Math.max(this.max.get(name) ?? 0, ...pids().map(rssMb)));
      }
    }, 250);
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
  }
}

export async function waitHealthy(url: string, child: ChildProcess, what: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${what} did not start`);
}

/**
 * Builds the service when its JavaScript build is missing (`pnpm --filter … build`), as the image
 * does, so every bench measures what production runs.
 */
export function ensureBuilt(kind: 'payout-api' | 'payment-api'): string {
  const entry = `${ROOT}services/${kind}/dist/server.js`;
  if (!existsSync(entry) || process.env.BENCH_REBUILD === '1') {
    execFileSync('pnpm', ['--silent', '--filter', `@mypay/${kind}`, 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return entry;
}

/** The heap cap of the images (Dockerfile CMD): the benches run the API as the image does. */
export const IMAGE_NODE_FLAGS = ['--max-old-space-size=96'];

export async function startApi(
  kind: 'payout-api' | 'payment-api',
  databaseUrl: string,
  options: { port?: number; env?: Record<string, string>; nodeFlags?: string[]; entry?: string } = {},
) {
  const port = options.port ?? (await freePort());
  // `entry`: another build of the service (bench/ab.ts runs two side by side).
  const entry = options.entry ?? ensureBuilt(kind);
  // BENCH_API_NODE_FLAGS adds V8/Node flags to the API alone (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const extra = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? IMAGE_NODE_FLAGS), ...extra, entry], {
    cwd: `${ROOT}services/${kind}`,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '32',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      PUBLIC_SANDBOX_URL: `http://127.0.0.1:${port}`,
      CHECKOUT_CSRF_SECRET: randomBytes(24).toString('hex'),
      NODE_OPTIONS: '',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(`${base}/health`, child, kind);
  return { child, base };
}

export async function startMockoon(body: string, contentType: string) {
  const port = await freePort();
  const dir = `${os.tmpdir()}/mypay-bench-mockoon`;
  mkdirSync(dir, { recursive: true });
  const uuid = (n: number) => `6d7b2f4e-0000-4000-8000-${String(n).padStart(12, '0')}`;
  // A Mockoon environment with one route: the same bytes and Content-Type the API answers.
  const environment = {
    uuid: uuid(1),
    lastMigration: 33,
    name: 'MyPay directory (banks) stand-in',
    endpointPrefix: '',
    latency: 0,
    port,
    hostname: '127.0.0.1',
    folders: [],
    routes: [
      {
        uuid: uuid(2),
        type: 'http',
        documentation: '',
        method: 'get',
        endpoint: 'api/v1/directory/banks',
        responses: [
          {
            uuid: uuid(3),
            body,
            latency: 0,
            statusCode: 200,
            label: '',
            headers: [{ key: 'Content-Type', value: contentType }],
            bodyType: 'INLINE',
            filePath: '',
            databucketID: '',
            sendFileAsBody: false,
            rules: [],
            rulesOperator: 'OR',
            disableTemplating: true,
            fallbackTo404: false,
            default: true,
            crudKey: 'id',
            callbacks: [],
          },
        ],
        responseMode: null,
        streamingMode: null,
        streamingInterval: 0,
      },
    ],
    rootChildren: [{ type: 'route', uuid: uuid(2) }],
    proxyMode: false,
    proxyHost: '',
    proxyRemovePrefix: false,
    tlsOptions: { enabled: false, type: 'CERT', pfxPath: '', certPath: '', keyPath: '', caPath: '', passphrase: '' },
    cors: false,
    headers: [],
    proxyReqHeaders: [],
    proxyResHeaders: [],
    data: [],
    callbacks: [],
  };
  const file = `${dir}/environment.json`;
  writeFileSync(file, JSON.stringify(environment));
  const bin = `${ROOT}bench/node_modules/@mockoon/cli/bin/run.js`;
  const child = spawn(process.execPath, [bin, 'start', '-d', file, '-X', '--disable-admin-api'], {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: '' },
    // Mockoon logs every transaction to stdout; that is part of what it costs, so it stays on.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(`${base}/api/v1/directory/banks`, child, 'mockoon');
  return { child, base };
}

export function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// --- databases --------------------------------------------------------------------------------

export async function recreateDatabase(url: string) {
  const location = parseDatabaseUrl(url);
  const conn = await mariadb.createConnection({
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${location.database}\``);
    await conn.query(`CREATE DATABASE \`${location.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: url };
  execFileSync('pnpm', ['--silent', 'db:migrate'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('pnpm', ['--silent', 'db:seed'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function dropDatabase(url: string) {
  const location = parseDatabaseUrl(url);
  const conn = await mariadb.createConnection({ host: location.host, port: location.port, user: location.user });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${location.database}\``);
  } finally {
    await conn.end();
  }
}

export async function merchantWithKey(db: Db, label: string) {
  const suffix = randomBytes(4).toString('hex');
  const { id } = await createMerchant(db, {
    name: `Bench ${label}`,
    email: `bench-${label}-${suffix}@example.test`,
    password: 'bench-password',
    openingBalance: 900_000_000_000,
  });
  const conn = await db.pool.getConnection();
  try {
    return { id, key: (await insertApiKey(conn, { merchantId: id, name: 'bench', scope: 'all' })).key };
  } finally {
    conn.release();
  }
}

export interface LoadRow {
  target: string;
  concurrency: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function cannon(
  target: string,
  url: string,
  concurrency: number,
  seconds: number,
  request: { method: string; path: string; headers?: Record<string, string>; body?: () => string },
): Promise<LoadRow> {
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: request.method,
        path: request.path,
        setupRequest: (req) => ({
          ...req,
          headers: request.headers ?? {},
          ...(request.body ? { body: request.body() } : {}),
        }),
      },
    ],
  });
  return {
    target,
    concurrency,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
