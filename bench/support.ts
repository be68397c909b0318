/**
 * What the load runs in bench/ share: a recreated database of their own, merchants with keys,
 * one API process started as the image starts it, and RSS sampling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ApiKeyScope, createMerchant, insertApiKey } from '@mypay/core';
import type { Db } from '@mypay/db';
import type { RequestSpec } from 'autocannon';
import { prepareDatabase } from '../prisma/prepare-database.ts';
import { ensureBuilt, IMAGE_NODE_FLAGS, pidsMatching } from './lib.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BenchMerchant {
  id: string;
  key: string;
}

/**
 * autocannon's requests for `POST /api/v1/payouts`, round robin over the merchants: a wallet
 * payout of `amount` that completes at once (scenario SUCCESS), each with a reference of its own
 * (`<prefix>-<run>-<n>`, the run random per call, so several load generators never share one).
 */
export function payoutCreateRequests(merchants: BenchMerchant[], amount: number, prefix: string): RequestSpec[] {
  let n = 0;
  const run = randomBytes(3).toString('hex');
  const destination = { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' };
  return [
    {
      method: 'POST',
      path: '/api/v1/payouts',
      setupRequest: (req) => {
        const i = n++;
        const merchant = merchants[i % merchants.length]!;
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.key}` },
          body: JSON.stringify({ amount, currency: 'PKR', destination, reference: `${prefix}-${run}-${i}` }),
        };
      },
    },
  ];
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Drops and recreates the bench database, then migrates and seeds it. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  await prepareDatabase(databaseUrl, { recreate: true });
}

export async function createMerchants(
  db: Db,
  options: { count: number; emailPrefix: string; openingBalance: number; scope: ApiKeyScope },
): Promise<BenchMerchant[]> {
  const merchants: BenchMerchant[] = [];
  for (let i = 0; i < options.count; i++) {
    const suffix = randomBytes(4).toString('hex');
    const { id } = await createMerchant(db, {
      name: `Bench ${i}`,
      email: `${options.emailPrefix}-${i}-${suffix}@example.test`,
      password: 'bench-password',
      openingBalance: options.openingBalance,
    });
    const conn = await db.pool.getConnection();
    try {
      merchants.push({
        id,
        key: (await insertApiKey(conn, { merchantId: id, name: 'bench', scope: options.scope })).key,
      });
    } finally {
      conn.release();
    }
  }
  return merchants;
}

/**
 * Starts `services/<service>` as the image does (its JavaScript build, `node --max-old-space-size=96
 * dist/server.js`, built first when missing; production mode) and waits for its health endpoint. BENCH_API_NODE_OPTIONS passes V8 flags to it alone.
 */
export async function startApi(options: {
  service: 'payout-api' | 'payment-api';
  port: number;
  databaseUrl: string;
  poolSize: number;
  env?: Record<string, string>;
}): Promise<ChildProcess> {
  const entry = ensureBuilt(options.service);
  // BENCH_API_NODE_FLAGS adds Node flags NODE_OPTIONS refuses (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const extra = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...IMAGE_NODE_FLAGS, ...extra, entry], {
    cwd: `${repoRoot}services/${options.service}`,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: String(options.poolSize),
      RATE_LIMIT_PER_MINUTE: '1000000',
      NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${options.port}/health`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${options.service} did not start`);
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * CPU time (user + system) the process has used so far, in ms: divided by the requests it answered,
 * the cost of one request — unlike req/s, barely moved by other work on a shared machine.
 */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** The database server's process on this machine (mariadbd or mysqld), when it runs here. */
export function databasePid(): number | undefined {
  return pidsMatching(/(^|\/)(mariadbd|mysqld)(\s|$)/)[0];
}

// USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK).
const CLOCK_TICKS = 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
