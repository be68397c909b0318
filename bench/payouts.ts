import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDb, createPool, type Pool, parseDatabaseUrl } from '@mypay/db';
import autocannon from 'autocannon';
import { type BenchMerchant, createMerchants, log, percentile, recreateDatabase, rssMb, startApi } from './support.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    merchants: { type: 'string', default: '100' },
    'api-only': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const DURATION_S = Number(values.duration);
const CONCURRENCY = Number(values.connections);
const MERCHANTS = Number(values.merchants);
const PORT = 4191;
const AMOUNT = 100;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench';
const location = parseDatabaseUrl(databaseUrl);

type Merchant = BenchMerchant;

interface RunResult {
  shape: string;
  what: 'api' | 'ceiling';
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  maxRssMb?: number;
}

async function runApi(shape: string, merchants: Merchant[], pid: number, seconds: number): Promise<RunResult> {
  let n = 0;
  const run = randomBytes(3).toString('hex');
  const destination = { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' };
  let maxRss = rssMb(pid);
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb(pid));
  }, 250);
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONCURRENCY,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/payouts',
        setupRequest: (req) => {
          const i = n++;
          const merchant = merchants[i % merchants.length]!;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.key}` },
            body: JSON.stringify({ amount: AMOUNT, currency: 'PKR', destination, reference: `b-${run}-${i}` }),
          };
        },
      },
    ],
  });
  clearInterval(sampler);
  return {
    shape,
    what: 'api',
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    maxRssMb: maxRss,
  };
}

/**
 * The same statements the API's create transaction runs for a payout that completes at once
 * (SUCCESS): payout row, three status events, three outbox events with their fan-out inserts,
 * conditional balance update, ledger entry and its balanceAfter read — no HTTP, no validation.
 */
async function ceilingOnce(pool: Pool, merchantId: string, reference: string) {
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
      const eventId = `evt_${randomBytes(12).toString('hex').slice(0, 24)}`;
      const payload = JSON.stringify({
        id: eventId,
        type,
        createdAt: now.toISOString(),
        data: { object: { id, amount: AMOUNT } },
      });
      await conn.query('INSERT INTO WebhookEvent (id, merchantId, type, payload, createdAt) VALUES (?, ?, ?, ?, ?)', [
        eventId,
        merchantId,
        type,
        payload,
        now,
      ]);
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

async function runCeiling(shape: string, merchants: Merchant[], seconds: number): Promise<RunResult> {
  const pool = createPool(location, { connectionLimit: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const run = randomBytes(3).toString('hex');
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const i = n++;
        const t0 = performance.now();
        try {
          await ceilingOnce(pool, merchants[i % merchants.length]!.id, `c-${run}-${i}`);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await pool.end();
  latencies.sort((a, b) => a - b);
  return {
    shape,
    what: 'ceiling',
    requests: latencies.length,
    reqPerSec: Math.round(latencies.length / elapsed),
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    errors,
  };
}

async function main() {
  log(`recreating ${location.database}`);
  recreateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  log(`creating ${MERCHANTS} merchants`);
  // Far more than a run can spend: the bench measures throughput, not refusals.
  const merchants = await createMerchants(db, {
    count: MERCHANTS,
    emailPrefix: 'bench',
    openingBalance: 900_000_000_000,
    scope: 'payout',
  });
  const hot = [merchants[0]!];
  const results: RunResult[] = [];
  const api = await startApi({
    service: 'payout-api',
    port: PORT,
    databaseUrl,
    poolSize: CONCURRENCY,
  });
  try {
    log('warm-up');
    await runApi('warm-up', merchants, api.pid!, 3);
    for (const [shape, set] of [
      ['one merchant', hot],
      [`${MERCHANTS} merchants`, merchants],
    ] as const) {
      log(`API, ${shape}`);
      results.push(await runApi(shape, set, api.pid!, DURATION_S));
    }
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
  for (const [shape, set] of [
    ['one merchant', hot],
    [`${MERCHANTS} merchants`, merchants],
  ] as const) {
    if (values['api-only']) break;
    log(`ceiling, ${shape}`);
    results.push(await runCeiling(shape, set, DURATION_S));
  }
  // Invariant after all that load: every balance equals its ledger.
  const drift = await db.pool.query(
    `SELECT COUNT(*) AS n FROM MerchantBalance b
      WHERE b.available <> (SELECT COALESCE(SUM(amount), 0) FROM LedgerEntry l WHERE l.merchantId = b.merchantId)`,
  );
  await db.close();

  const rows = ['| shape | run | req/s | p50 ms | p99 ms | errors | API RSS MB |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    rows.push(`| ${r.shape} | ${r.what} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.maxRssMb ?? ''} |`);
  }
  rows.push('', '| shape | API / ceiling (req/s) | p99 API / ceiling |', '|---|---|---|');
  for (const shape of ['one merchant', `${MERCHANTS} merchants`]) {
    const a = results.find((r) => r.shape === shape && r.what === 'api')!;
    const c = results.find((r) => r.shape === shape && r.what === 'ceiling');
    if (!c) continue;
    rows.push(`| ${shape} | ${Math.round((100 * a.reqPerSec) / c.reqPerSec)} % | ${(a.p99 / c.p99).toFixed(2)}× |`);
  }
  rows.push('', `balances that disagree with their ledger: ${Number(drift[0].n)}`);
  process.stdout.write(`${rows.join('\n')}\n`);
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
