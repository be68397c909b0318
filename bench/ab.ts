/**
 * A/B of two builds of the Payout API in one sitting: both run at once on the one database, and
 * short load slices alternate between them (A B B A …), so that the machine's drift over the
 * sitting (other tenants, CPU frequency) falls on both alike. Reports per build the requests per
 * second and the API's CPU time per request over all its slices. On a shared or noisy machine this
 * is the way to see a change of a few per cent, which one run after the other cannot.
 *
 * `pnpm exec tsx bench/ab.ts --a services/payout-api/dist/server-a.js [--b services/payout-api/dist/server.js]
 * [--slices 8] [--seconds 4] [--connections 32] [--merchants 20] [--a-env K=v,…] [--b-env K=v,…]`
 * (`--a-env`/`--b-env`: environment of one side, e.g. the same build with a setting off). A build is a copy of a
 * `dist/server.js` kept next to it (it loads its dependencies from there). Database: BENCH_DATABASE_URL
 * (default mypay_bench_ab), dropped and recreated.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '@mypay/db';
import autocannon from 'autocannon';
import { dropDatabase, ROOT, startApi, stop } from './lib.ts';
import {
  type BenchMerchant,
  cpuMs,
  createMerchants,
  databasePid,
  log,
  payoutCreateRequests,
  recreateDatabase,
} from './support.ts';

interface Side {
  name: string;
  entry: string;
  base: string;
  pid: number;
  child: ChildProcess;
  requests: number;
  seconds: number;
  cpuMs: number;
  dbCpuMs: number;
  errors: number;
}

async function slice(side: Side, merchants: BenchMerchant[], seconds: number, connections: number) {
  const cpuBefore = cpuMs(side.pid);
  const db = databasePid();
  const dbBefore = db === undefined ? Number.NaN : cpuMs(db);
  const result = await autocannon({
    url: side.base,
    connections,
    duration: seconds,
    timeout: 30,
    requests: payoutCreateRequests(merchants, 100, 'ab'),
  });
  side.cpuMs += cpuMs(side.pid) - cpuBefore;
  // Only this side is under load during its slice: the database's CPU time is its.
  side.dbCpuMs += (db === undefined ? Number.NaN : cpuMs(db)) - dbBefore;
  side.requests += result.requests.total;
  side.seconds += seconds;
  side.errors += result.non2xx + result.errors + result.timeouts;
}

/** `KEY=value,KEY2=value2` → an environment for one side. */
function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' },
      b: { type: 'string', default: 'services/payout-api/dist/server.js' },
      slices: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '4' },
      connections: { type: 'string', default: '32' },
      merchants: { type: 'string', default: '20' },
      'a-env': { type: 'string', default: '' },
      'b-env': { type: 'string', default: '' },
    },
  });
  if (!values.a) throw new Error('--a <build of services/payout-api/dist/…> is required');
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench_ab';
  await recreateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  const merchants = await createMerchants(db, {
    count: Number(values.merchants),
    emailPrefix: 'ab',
    openingBalance: 10_000_000_000,
    scope: 'payout',
  });
  const sides: Side[] = [];
  try {
    for (const [name, entry, env] of [
      ['A', values.a, values['a-env']],
      ['B', values.b, values['b-env']],
    ] as const) {
      const api = await startApi('payout-api', databaseUrl, { entry: resolve(ROOT, entry), env: parseEnv(env) });
      const side = { name, entry, base: api.base, pid: api.child.pid!, child: api.child };
      sides.push({ ...side, requests: 0, seconds: 0, cpuMs: 0, dbCpuMs: 0, errors: 0 });
    }
    const seconds = Number(values.seconds);
    const connections = Number(values.connections);
    log('warm-up');
    for (const side of sides) await slice(side, merchants, 3, connections);
    for (const side of sides) Object.assign(side, { requests: 0, seconds: 0, cpuMs: 0, dbCpuMs: 0, errors: 0 });
    for (let i = 0; i < Number(values.slices); i++) {
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await slice(side, merchants, seconds, connections);
      log(`slice ${i + 1}: ${sides.map((s) => `${s.name} ${Math.round(s.requests / s.seconds)}/s`).join(', ')}`);
    }
    console.log(
      '| build | entry | req/s | API CPU ms per request | database CPU ms per request | errors |\n|---|---|---|---|---|---|',
    );
    for (const s of sides) {
      console.log(
        `| ${s.name} | ${s.entry} | ${Math.round(s.requests / s.seconds)} | ${(s.cpuMs / s.requests).toFixed(3)} | ${(s.dbCpuMs / s.requests).toFixed(3)} | ${s.errors} |`,
      );
    }
  } finally {
    await Promise.all(sides.map((side) => stop(side.child)));
    await db.close();
    await dropDatabase(databaseUrl);
  }
}

await main();
