/**
 * Payout create through the API next to its ceilings, in one sitting:
 *
 *  - **API**: `POST /api/v1/payouts` (autocannon, keep-alive) against the Payout API started as the
 *    image starts it (`node --max-old-space-size=96 dist/server.js`, NODE_ENV=production); with
 *    `--replicas 2` also two API processes on the one database, the load split between them;
 *  - **the use-case**: the API's own create (`createPayout` of @mypay/core, the same rows, driver and
 *    batching) called in this process with the API's pool size — no HTTP, no authentication, no
 *    request log: the API's write set at its fewest round trips, so API / use-case is what the HTTP
 *    layer costs and use-case / minimal what the API's rows cost;
 *  - **the API's statements**: the statements the API's create transaction runs for a payout that
 *    completes at once (SUCCESS), replayed with the same driver (mariadb) and the same round
 *    trips, no HTTP, no validation — what the API would do with no framework at all;
 *  - **the minimal write set** (the physical limit): the rows a SUCCESS payout needs — conditional
 *    balance debit, payout row, one status event, ledger entry, one outbox event, in one
 *    transaction — with the fewest round trips (two: mysql2 multi-statements), no HTTP.
 *
 * `pnpm exec tsx bench/payouts.ts [--duration 20] [--connections 32] [--merchants 100] [--replicas 2]
 * [--api-only] [--json out.json]`, or `run()` from bench/run-all.ts. Database: BENCH_DATABASE_URL
 * (default mypay_bench), dropped and recreated.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDirectory, createPayout, createScenarioCatalog } from '@mypay/core';
import { createDb, createPool, type DatabaseLocation, type Db, type Pool, parseDatabaseUrl } from '@mypay/db';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { dbUrl, dropDatabase, median, startApi, stop } from './lib.ts';
import { type Bench, COLORS } from './report.ts';
import {
  type BenchMerchant,
  cpuMs,
  createMerchants,
  databasePid,
  log,
  payoutCreateRequests,
  percentile,
  recreateDatabase,
  rssMb,
} from './support.ts';

const AMOUNT = 100;

export type RunKind = 'api' | 'api ×2' | 'use-case' | 'statements' | 'minimal';

export interface RunResult {
  shape: string;
  what: RunKind;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  maxRssMb?: number;
  /** API processes' CPU time (user + system) per request answered, ms: the per-request cost. */
  cpuMsPerRequest?: number;
  /** The database server's CPU time per request (or per payout of a ceiling), ms. */
  dbCpuMsPerRequest?: number;
  /** A ceiling's own client CPU time per payout (this process: the driver, no HTTP), ms. */
  clientCpuMsPerRequest?: number;
}

/** CPU ms of the database server so far (NaN when it does not run on this machine). */
function dbCpuMs(): number {
  const pid = databasePid();
  return pid === undefined ? Number.NaN : cpuMs(pid);
}

const perRequest = (ms: number, requests: number) =>
  requests > 0 && Number.isFinite(ms) ? Number((ms / requests).toFixed(2)) : undefined;

export interface PayoutBenchOptions {
  durationS: number;
  connections: number;
  merchants: number;
  /** 2: also two API processes on one database (load split between them). */
  replicas?: 1 | 2;
  apiOnly?: boolean;
  databaseUrl?: string;
}

export interface PayoutBenchResult {
  options: PayoutBenchOptions;
  results: RunResult[];
  /** Balances that disagree with their ledger after all the load (must be 0). */
  drift: number;
}

async function runApi(
  shape: string,
  merchants: BenchMerchant[],
  targets: { base: string; pid: number }[],
  seconds: number,
  connections: number,
): Promise<Omit<RunResult, 'what'>> {
  let maxRss = Math.max(...targets.map((t) => rssMb(t.pid)));
  const sampler = setInterval(() => {
    for (const t of targets) maxRss = Math.max(maxRss, rssMb(t.pid));
  }, 250);
  const cpuAtStart = targets.reduce((sum, t) => sum + cpuMs(t.pid), 0);
  const dbCpuAtStart = dbCpuMs();
  const results = await Promise.all(
    targets.map((target) =>
      autocannon({
        url: target.base,
        connections: Math.max(1, Math.round(connections / targets.length)),
        duration: seconds,
        timeout: 30,
        requests: payoutCreateRequests(merchants, AMOUNT, 'b'),
      }),
    ),
  );
  clearInterval(sampler);
  const cpuUsed = targets.reduce((sum, t) => sum + cpuMs(t.pid), 0) - cpuAtStart;
  const dbCpuUsed = dbCpuMs() - dbCpuAtStart;
  const requests = results.reduce((s, r) => s + r.requests.total, 0);
  return {
    shape,
    requests,
    reqPerSec: Math.round(results.reduce((s, r) => s + r.requests.average, 0)),
    // Several load generators: the slowest one's percentiles (an upper bound of the merged ones).
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
    maxRssMb: maxRss,
    cpuMsPerRequest: perRequest(cpuUsed, requests) ?? Number.NaN,
    ...optional('dbCpuMsPerRequest', perRequest(dbCpuUsed, requests)),
  };
}

/**
 * The API's own statements before the lean create path (bench history: the "ceiling" column of
 * earlier reports): payout row, three status events, three outbox events with their fan-out
 * inserts, conditional balance update, ledger entry and its balanceAfter read — each its own round trip.
 */
async function statementsOnce(pool: Pool, merchantId: string, reference: string) {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const id = `po_${randomBytes(12).toString('hex').slice(0, 24)}`;
    const now = new Date();
    await conn.query(
      `INSERT INTO Payout (id, merchantId, amount, currency, destinationType, provider, accountNumber, accountTitle,
                           reference, description, metadata, status, scenario, failureCode, failureMessage,
                           nextTransitionAt, createdAt, updatedAt)
       VALUES (?, ?, ?, 'PKR', 'wallet', 'JAZZCASH', '03001234567', NULL, ?, NULL, NULL, 'COMPLETED', 'SUCCESS', NULL, NULL, NULL, ?, ?)`,
      [id, merchantId, AMOUNT, reference, now, now],
    );
    await conn.query(
      'INSERT INTO PayoutEvent (payoutId, status, reason, at) VALUES (?, ?, NULL, ?), (?, ?, NULL, ?), (?, ?, NULL, ?)',
      [id, 'PENDING', now, id, 'PROCESSING', now, id, 'COMPLETED', now],
    );
    for (const type of ['payout.created', 'payout.processing', 'payout.completed']) {
      const seq = await conn.query(
        'UPDATE MerchantBalance SET lastEventSequence = LAST_INSERT_ID(lastEventSequence + 1) WHERE merchantId = ?',
        [merchantId],
      );
      const eventId = `evt_${randomBytes(12).toString('hex').slice(0, 24)}`;
      const payload = JSON.stringify(eventPayload(eventId, type, Number(seq.insertId), id, reference, now));
      await conn.query(
        'INSERT INTO WebhookEvent (id, merchantId, type, sequence, payload, createdAt) VALUES (?, ?, ?, ?, ?, ?)',
        [eventId, merchantId, type, Number(seq.insertId), payload, now],
      );
      await conn.query(
        `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
         SELECT CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24)), ?, e.id, 'PENDING', 0, ?, ?, ?
           FROM WebhookEndpoint e
          WHERE e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
            AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(?)))`,
        [eventId, now, now, now, merchantId, type],
      );
    }
    const updated = await conn.query(
      `UPDATE MerchantBalance SET available = available + ?, pending = pending + 0, version = version + 1, updatedAt = NOW(3)
        WHERE merchantId = ? AND available + ? >= 0 AND pending + 0 >= 0`,
      [-AMOUNT, merchantId, -AMOUNT],
    );
    if (updated.affectedRows !== 1) throw new Error('insufficient balance');
    await conn.query(
      `INSERT INTO LedgerEntry (merchantId, type, amount, balanceAfter, payoutId, transactionId, description, createdAt)
       SELECT ?, 'PAYOUT_DEBIT', ?, available, ?, NULL, ?, NOW(3) FROM MerchantBalance WHERE merchantId = ?`,
      [merchantId, -AMOUNT, id, `Payout ${reference}`, merchantId],
    );
    await conn.query('SELECT balanceAfter FROM LedgerEntry WHERE id = LAST_INSERT_ID()');
    await conn.commit();
  } catch (error) {
    await conn.rollback().catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

/** The API's create use-case, in this process: what a `POST /api/v1/payouts` runs after its middleware. */
function useCase(db: Db) {
  const deps = { db, scenarios: createScenarioCatalog(db, { delayScale: 1 }), directory: createDirectory(db) };
  const destination = { type: 'wallet' as const, provider: 'JAZZCASH', accountNumber: '03001234567' };
  return async (merchantId: string, reference: string) => {
    await createPayout(deps, { merchantId, amount: AMOUNT, currency: 'PKR', destination, reference });
  };
}

/** An event body of the API's shape and size (the payout resource as the API renders it). */
function eventPayload(eventId: string, type: string, sequence: number, id: string, reference: string, now: Date) {
  const at = now.toISOString();
  return {
    id: eventId,
    type,
    createdAt: at,
    sequence,
    request: { id: `req_${randomBytes(8).toString('hex')}`, idempotencyKey: null },
    data: {
      object: {
        id,
        object: 'payout',
        amount: AMOUNT,
        currency: 'PKR',
        status: 'COMPLETED',
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567', accountTitle: null },
        reference,
        description: null,
        metadata: null,
        failure: null,
        testClock: null,
        createdAt: at,
        updatedAt: at,
      },
    },
  };
}

/**
 * The minimal write set of a SUCCESS payout, two round trips: (1) BEGIN and the conditional debit,
 * which also takes the event's sequence number; (2) outbox event, payout row, its status event, the
 * ledger entry (balanceAfter from the locked row) and COMMIT as one multi-statement batch (the
 * server stops at the first failing statement, so COMMIT only runs when every insert went in).
 */
async function minimalOnce(pool: mysql.Pool, merchantId: string, reference: string) {
  const conn = await pool.getConnection();
  try {
    const [first] = (await conn.query(
      `START TRANSACTION;
       UPDATE MerchantBalance SET available = available - ?, version = version + 1, updatedAt = NOW(3),
              lastEventSequence = LAST_INSERT_ID(lastEventSequence + 1)
        WHERE merchantId = ? AND available - ? >= 0`,
      [AMOUNT, merchantId, AMOUNT],
    )) as unknown as [mysql.ResultSetHeader[]];
    const debit = first[1]!;
    if (debit.affectedRows !== 1) throw new Error('insufficient balance');
    const id = `po_${randomBytes(12).toString('hex').slice(0, 24)}`;
    const eventId = `evt_${randomBytes(12).toString('hex').slice(0, 24)}`;
    const now = new Date();
    const payload = JSON.stringify(eventPayload(eventId, 'payout.completed', debit.insertId, id, reference, now));
    await conn.query(
      `INSERT INTO WebhookEvent (id, merchantId, type, sequence, payload, createdAt) VALUES (?, ?, 'payout.completed', ?, ?, ?);
       INSERT INTO Payout (id, merchantId, amount, currency, destinationType, provider, accountNumber, accountTitle,
                           reference, description, metadata, status, scenario, failureCode, failureMessage,
                           nextTransitionAt, createdAt, updatedAt)
       VALUES (?, ?, ?, 'PKR', 'wallet', 'JAZZCASH', '03001234567', NULL, ?, NULL, NULL, 'COMPLETED', 'SUCCESS', NULL, NULL, NULL, ?, ?);
       INSERT INTO PayoutEvent (payoutId, status, reason, at) VALUES (?, 'COMPLETED', NULL, ?);
       INSERT INTO LedgerEntry (merchantId, type, amount, balanceAfter, payoutId, transactionId, description, createdAt)
       SELECT ?, 'PAYOUT_DEBIT', ?, available, ?, NULL, ?, NOW(3) FROM MerchantBalance WHERE merchantId = ?;
       COMMIT`,
      [
        eventId,
        merchantId,
        debit.insertId,
        payload,
        now,
        id,
        merchantId,
        AMOUNT,
        reference,
        now,
        now,
        id,
        now,
        merchantId,
        -AMOUNT,
        id,
        `Payout ${reference}`,
        merchantId,
      ],
    );
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

async function closedLoop(
  shape: string,
  what: RunKind,
  merchants: BenchMerchant[],
  seconds: number,
  connections: number,
  once: (merchantId: string, reference: string) => Promise<void>,
): Promise<RunResult> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const run = randomBytes(3).toString('hex');
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const dbCpuAtStart = dbCpuMs();
  const clientCpuAtStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const i = n++;
        const t0 = performance.now();
        try {
          await once(merchants[i % merchants.length]!.id, `c-${run}-${i}`);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const client = process.cpuUsage(clientCpuAtStart);
  const dbCpuUsed = dbCpuMs() - dbCpuAtStart;
  latencies.sort((a, b) => a - b);
  return {
    shape,
    what,
    requests: latencies.length,
    reqPerSec: Math.round(latencies.length / elapsed),
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    errors,
    ...optional('dbCpuMsPerRequest', perRequest(dbCpuUsed, latencies.length)),
    ...optional('clientCpuMsPerRequest', perRequest((client.user + client.system) / 1000, latencies.length)),
  };
}

/** `{ [key]: value }`, or nothing for an undefined value (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: number });
}

function mysql2Pool(location: DatabaseLocation, connections: number): mysql.Pool {
  return mysql.createPool({
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
    database: location.database,
    connectionLimit: connections,
    multipleStatements: true,
    timezone: 'Z',
  });
}

export async function run(options: PayoutBenchOptions): Promise<PayoutBenchResult> {
  const databaseUrl =
    options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench';
  const location = parseDatabaseUrl(databaseUrl);
  const { durationS, connections } = options;
  log(`recreating ${location.database}`);
  await recreateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  log(`creating ${options.merchants} merchants`);
  // Far more than a run can spend: the bench measures throughput, not refusals.
  const merchants = await createMerchants(db, {
    count: options.merchants,
    emailPrefix: 'bench',
    openingBalance: 900_000_000_000,
    scope: 'payout',
  });
  const shapes = [
    ['one merchant', [merchants[0]!]],
    [`${options.merchants} merchants`, merchants],
  ] as const;
  const results: RunResult[] = [];
  const apiEnv = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
  for (const replicas of options.replicas === 2 ? [1, 2] : [1]) {
    // Each process gets the whole pool it would get alone (the database is the shared part).
    const apis = await Promise.all(
      Array.from({ length: replicas }, () =>
        startApi('payout-api', databaseUrl, { env: { ...apiEnv, DB_POOL_SIZE: String(connections) } }),
      ),
    );
    const targets = apis.map((a) => ({ base: a.base, pid: a.child.pid! }));
    const what: RunKind = replicas === 1 ? 'api' : 'api ×2';
    try {
      log(`warm-up (${what})`);
      await runApi('warm-up', merchants, targets, 3, connections);
      for (const [shape, set] of shapes) {
        log(`${what}, ${shape}`);
        results.push({ ...(await runApi(shape, [...set], targets, durationS, connections)), what });
      }
    } finally {
      await Promise.all(apis.map((a) => stop(a.child)));
    }
  }
  if (!options.apiOnly) {
    const pool = createPool(location, { connectionLimit: connections });
    const pool2 = mysql2Pool(location, connections);
    const useCaseDb = createDb(databaseUrl, { connectionLimit: connections });
    const createOnce = useCase(useCaseDb);
    try {
      for (const [shape, set] of shapes) {
        log(`the API's use-case, ${shape}`);
        results.push(await closedLoop(shape, 'use-case', [...set], durationS, connections, createOnce));
        log(`the API's statements, ${shape}`);
        results.push(
          await closedLoop(shape, 'statements', [...set], durationS, connections, (m, r) => statementsOnce(pool, m, r)),
        );
        log(`minimal write set, ${shape}`);
        results.push(
          await closedLoop(shape, 'minimal', [...set], durationS, connections, (m, r) => minimalOnce(pool2, m, r)),
        );
      }
    } finally {
      await useCaseDb.close();
      await pool.end();
      await pool2.end();
    }
  }
  // Invariant after all that load: every balance equals its ledger.
  const drift = await db.pool.query(
    `SELECT COUNT(*) AS n FROM MerchantBalance b
      WHERE b.available <> (SELECT COALESCE(SUM(amount), 0) FROM LedgerEntry l WHERE l.merchantId = b.merchantId)`,
  );
  await db.close();
  return { options, results, drift: Number(drift[0].n) };
}

const pct = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${Math.round((100 * a) / b)} %` : 'n/a');
const times = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** The markdown of one run: every row, then the API against the ceilings (throughput and p99). */
export function report(result: PayoutBenchResult): string[] {
  const rows = [
    '| shape | run | req/s | p50 ms | p99 ms | errors | API RSS MB (max) | API CPU ms per request | client CPU ms per payout | database CPU ms per payout |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of result.results) {
    rows.push(
      `| ${r.shape} | ${r.what} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.maxRssMb ?? ''} | ${r.cpuMsPerRequest ?? ''} | ${r.clientCpuMsPerRequest ?? ''} | ${r.dbCpuMsPerRequest ?? ''} |`,
    );
  }
  rows.push(
    '',
    '| shape | API / minimal write set | API / use-case | use-case / minimal | API / API’s statements | p99 API / minimal | p99 API / statements | two processes / one |',
    '|---|---|---|---|---|---|---|---|',
  );
  const shapes = [...new Set(result.results.map((r) => r.shape))];
  for (const shape of shapes) {
    const find = (what: RunKind) => result.results.find((r) => r.shape === shape && r.what === what);
    const a = find('api');
    if (!a) continue;
    const minimal = find('minimal');
    const statements = find('statements');
    const direct = find('use-case');
    const two = find('api ×2');
    rows.push(
      `| ${shape} | ${pct(a.reqPerSec, minimal?.reqPerSec ?? Number.NaN)} | ${pct(a.reqPerSec, direct?.reqPerSec ?? Number.NaN)} | ${pct(direct?.reqPerSec ?? Number.NaN, minimal?.reqPerSec ?? Number.NaN)} | ${pct(a.reqPerSec, statements?.reqPerSec ?? Number.NaN)} | ${times(a.p99, minimal?.p99 ?? Number.NaN)} | ${times(a.p99, statements?.p99 ?? Number.NaN)} | ${two ? `${pct(two.reqPerSec, a.reqPerSec)} (p99 ${two.p99} ms)` : 'not run'} |`,
    );
  }
  rows.push('', `balances that disagree with their ledger: ${result.drift}`);
  return rows;
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      duration: { type: 'string', default: '20' },
      connections: { type: 'string', default: '32' },
      merchants: { type: 'string', default: '100' },
      replicas: { type: 'string', default: '1' },
      'api-only': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const result = await run({
    durationS: Number(values.duration),
    connections: Number(values.connections),
    merchants: Number(values.merchants),
    replicas: values.replicas === '2' ? 2 : 1,
    apiOnly: values['api-only'],
  });
  process.stdout.write(`${report(result).join('\n')}\n`);
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}

// --- as a section of `pnpm bench` (bench/run-all.ts) ----------------------------------------------

const SECTION_MERCHANTS = 100;

export const bench: Bench<PayoutBenchResult[]> = {
  name: 'payouts',
  async run(ctx) {
    const runs: PayoutBenchResult[] = [];
    for (let r = 1; r <= ctx.runs; r++) {
      log(`payout create vs ceilings, run ${r}/${ctx.runs}`);
      runs.push(
        await run({
          durationS: ctx.quick ? 3 : 8,
          connections: 32,
          merchants: SECTION_MERCHANTS,
          replicas: 2,
          databaseUrl: dbUrl('mypay_bench_runall_payouts'),
        }),
      );
    }
    await dropDatabase(dbUrl('mypay_bench_runall_payouts')).catch(() => {});
    return runs;
  },
  report(runs, ctx) {
    const merged = mergeRuns(runs);
    return [
      `### Payout create vs its ceilings (bench/payouts.ts, 32 connections, ${ctx.quick ? 3 : 8} s per shape, ${SECTION_MERCHANTS} merchants; medians of ${runs.length})`,
      '',
      '**minimal** is the physical limit: the rows a SUCCESS payout needs, fewest round trips, no HTTP; **use-case** is the',
      'API’s own create (`createPayout`: its rows, driver and batching) called in the bench process, no HTTP, authentication or',
      'request log; **statements** replays the statements the create path ran before it was made lean (each its own round',
      'trip); **api ×2** is two Payout API processes on the one database, the load split between them.',
      '',
      ...report(merged),
    ];
  },
  chart(runs) {
    const merged = mergeRuns(runs);
    const value = (shape: string, what: RunKind) =>
      merged.results.find((r) => r.shape === shape && r.what === what)?.reqPerSec ?? Number.NaN;
    return [
      {
        title: `Payout create, req/s (32 connections; medians of ${runs.length})`,
        bars: ['one merchant', `${SECTION_MERCHANTS} merchants`].flatMap((shape) => [
          { label: `API — ${shape}`, value: value(shape, 'api'), color: COLORS.api },
          { label: `API ×2 — ${shape}`, value: value(shape, 'api ×2'), color: COLORS.api },
          { label: `use-case — ${shape}`, value: value(shape, 'use-case'), color: COLORS.ceiling },
          { label: `statements — ${shape}`, value: value(shape, 'statements'), color: COLORS.ceiling },
          { label: `minimal — ${shape}`, value: value(shape, 'minimal'), color: COLORS.minimal },
        ]),
      },
    ];
  },
  memory(runs) {
    const merged = mergeRuns(runs);
    return merged.results
      .filter((r) => r.maxRssMb !== undefined && r.shape !== 'one merchant')
      .map((r) => ({ process: `payout-api (${r.what}) in bench/payouts.ts`, maxMb: r.maxRssMb }));
  },
};

type CpuField = 'cpuMsPerRequest' | 'dbCpuMsPerRequest' | 'clientCpuMsPerRequest';

/** The median of a CPU-time field over the runs that have it, or nothing. */
function medianMs(rows: RunResult[], field: CpuField): { [K in CpuField]?: number } {
  const values = rows.map((row) => row[field]).filter((v): v is number => v !== undefined);
  return values.length === 0 ? {} : { [field]: Number(median(values).toFixed(2)) };
}

/** Medians, field by field, of several runs of the same shapes. */
function mergeRuns(runs: PayoutBenchResult[]): PayoutBenchResult {
  const first = runs[0]!;
  const results = first.results.map((row) => {
    const same = runs.map((r) => r.results.find((x) => x.shape === row.shape && x.what === row.what)!).filter(Boolean);
    const med = (field: keyof RunResult) => Math.round(median(same.map((x) => Number(x[field]))));
    return {
      ...row,
      requests: med('requests'),
      reqPerSec: med('reqPerSec'),
      p50: med('p50'),
      p99: med('p99'),
      errors: same.reduce((s, x) => s + x.errors, 0),
      ...(row.maxRssMb !== undefined ? { maxRssMb: med('maxRssMb') } : {}),
      ...medianMs(same, 'cpuMsPerRequest'),
      ...medianMs(same, 'dbCpuMsPerRequest'),
      ...medianMs(same, 'clientCpuMsPerRequest'),
    };
  });
  return { options: first.options, results, drift: runs.reduce((s, r) => s + r.drift, 0) };
}
