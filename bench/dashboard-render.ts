/**
 * Merchant portal benchmark: server render time of the dashboard. Starts the BUILT portal the
 * way scripts/sandbox.sh does (`pnpm --filter @mypay/merchant-portal start`), gives a fresh
 * merchant a realistic history (payouts over the last 30 days), then sends REQUESTS sequential
 * `GET /` with that merchant's session cookie and times each full response (loopback, so the
 * time is the server's render plus a negligible transfer). Results go to
 * bench/results/dashboard-latest.json and the "Merchant portal" section of docs/performance.md.
 *
 *   pnpm --filter @mypay/merchant-portal build && pnpm exec tsx bench/dashboard-render.ts
 *
 * Env: DATABASE_URL (default mysql://root@127.0.0.1:3306/mypay_bench; created, migrated, seeded),
 * REQUESTS (default 200), WARMUP (default 20), PAYOUTS (history size, default 300).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  createDirectory,
  createMerchant,
  createPayout,
  createScenarioCatalog,
  createSessionCookie,
  parseConfig,
  portalEnvSchema,
  randomHex,
  resolvePortalAuthConfig,
} from '@mypay/core';
import { createDb } from '@mypay/db';
import { prepareDatabase } from '../prisma/prepare-database.ts';
import { startPortal } from '../test/support/portal-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_bench';
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const PAYOUTS = Number(process.env.PAYOUTS ?? 300);
// The bench signs its own session cookie, so it and the portal share this secret.
const SECRET = `bench-${randomHex(24)}`;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function prepareBenchDatabase(): Promise<void> {
  await prepareDatabase(DATABASE_URL, { nodeEnv: 'development', showErrors: true });
}

function writeReport(result: Record<string, number | string>): void {
  const file = `${ROOT}docs/performance.md`;
  const section = [
    '## Merchant portal',
    '',
    `Server render time of the dashboard (\`GET /\` with a session cookie, full HTML response) on the built portal,`,
    `${result.requests} sequential requests after ${result.warmup} warm-up ones, for a merchant with ${result.payouts} payouts`,
    'spread over the last 30 days. Measured by `bench/dashboard-render.ts` on loopback.',
    '',
    '| p50 | p90 | p99 | max | target p50 |',
    '|---|---|---|---|---|',
    `| ${result.p50Ms} ms | ${result.p90Ms} ms | ${result.p99Ms} ms | ${result.maxMs} ms | ≤ 100 ms |`,
    '',
    `Machine: ${result.machine}; load average ${result.loadAverage} at the end of the run (the machine may be shared`,
    'with other builds and test suites; p99 and max move most with that). Re-run for your own numbers.',
    `Measured ${result.at}.`,
    '',
  ].join('\n');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n\n';
  // Replace only this section: from its heading to the next "## " heading (or the end).
  const pattern = /## Merchant portal\n[\s\S]*?(?=\n## |$)/;
  const next = pattern.test(current)
    ? current.replace(pattern, section.trimEnd())
    : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(file, `${next.trimEnd()}\n`);
}

async function main(): Promise<void> {
  await prepareBenchDatabase();
  const db = createDb(DATABASE_URL, { connectionLimit: 8 });
  const portal = await startPortal('merchant-portal', {
    DATABASE_URL,
    NODE_ENV: 'development',
    MERCHANT_JWT_SECRET: SECRET,
  });
  try {
    const { id } = await createMerchant(db, {
      name: 'Bench merchant',
      email: `bench-${randomHex(6)}@example.test`,
      password: randomHex(8),
      openingBalance: 100_000_000,
    });
    const deps = { db, scenarios: createScenarioCatalog(db, { delayScale: 1 }), directory: createDirectory(db) };
    for (let i = 0; i < PAYOUTS; i++) {
      // Mostly successes, some failures, one every 10 still processing; spread over 30 days.
      const account = i % 10 === 0 ? '03000000002' : i % 7 === 0 ? '03000000004' : '03001234567';
      const at = new Date(Date.now() - (i % 30) * 86_400_000 - (i % 24) * 60_000);
      await createPayout(
        deps,
        {
          merchantId: id,
          amount: 10_000 + ((i * 7919) % 500_000),
          currency: 'PKR',
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: account },
          reference: `bench-${i}-${randomHex(3)}`,
        },
        { now: at },
      );
    }
    const env = parseConfig(portalEnvSchema('MERCHANT'), { NODE_ENV: 'development', MERCHANT_JWT_SECRET: SECRET });
    const auth = resolvePortalAuthConfig('MERCHANT', env);
    const cookie = await createSessionCookie(auth, { realm: 'MERCHANT', id, email: 'bench', name: 'Bench merchant' });
    const headers = { Cookie: `${cookie.name}=${cookie.value}` };

    const timings: number[] = [];
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const start = performance.now();
      const res = await fetch(`${portal.url}/`, { headers, redirect: 'manual' });
      const html = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 200 || !html.includes('Available balance')) {
        throw new Error(`unexpected dashboard response ${res.status} (is the session accepted?)`);
      }
      if (i >= WARMUP) timings.push(ms);
    }
    timings.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const result = {
      requests: REQUESTS,
      warmup: WARMUP,
      payouts: PAYOUTS,
      p50Ms: round(percentile(timings, 50)),
      p90Ms: round(percentile(timings, 90)),
      p99Ms: round(percentile(timings, 99)),
      maxMs: round(timings[timings.length - 1]!),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      at: new Date().toISOString().slice(0, 10),
      loadAverage: os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' / '),
    };
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    writeFileSync(`${ROOT}bench/results/dashboard-latest.json`, `${JSON.stringify(result, null, 2)}\n`);
    writeReport(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await portal.stop();
    await db.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
