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
const PORT = 4192;
const AMOUNT = 250_000;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench_payments';
const location = parseDatabaseUrl(databaseUrl);

type Merchant = BenchMerchant;

interface RunResult {
  shape: string;
  what: 'api' | 'ceiling';
  /** HTTP requests (two per pair) or ceiling transactions (two per pair). */
  requests: number;
  pairsPerSec: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  maxRssMb?: number;
}

/** Each connection loops: create a checkout, then pay it with the id from the create response. */
async function runApi(shape: string, merchants: Merchant[], pid: number, seconds: number): Promise<RunResult> {
  let n = 0;
  let failedPairs = 0;
  const run = randomBytes(3).toString('hex');
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
        path: '/api/checkout/create',
        setupRequest: (req, context) => {
          const i = n++;
          const merchant = merchants[i % merchants.length]!;
          context.key = merchant.key;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.key}` },
            body: JSON.stringify({
              amount: AMOUNT,
              currency: 'PKR',
              orderId: `b-${run}-${i}`,
              successUrl: 'https://shop.example/ok',
              cancelUrl: 'https://shop.example/cancel',
            }),
          };
        },
        onResponse: (status, body, context) => {
          context.checkoutId = status === 201 ? (JSON.parse(body) as { id: string }).id : 'cs_missing';
        },
      },
      {
        method: 'POST',
        path: '/payment/complete',
        setupRequest: (req, context) => ({
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.key)}` },
          body: JSON.stringify({
            checkoutId: context.checkoutId,
            provider: 'JAZZCASH',
            mobile: '03000000001',
            otp: '123456',
          }),
        }),
        onResponse: (status, body) => {
          if (status !== 201 || !body.includes('"SUCCEEDED"')) failedPairs++;
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
    pairsPerSec: Math.round(result.requests.average / 2),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts + failedPairs,
    maxRssMb: maxRss,
  };
}

async function inTransaction(pool: Pool, fn: (conn: Awaited<ReturnType<Pool['getConnection']>>) => Promise<void>) {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await fn(conn);
    await conn.commit();
  } catch (error) {
    await conn.rollback().catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

/**
 * The statements the API runs for one pair: the checkout insert, then the complete transaction
 * for a SUCCEEDED payment (lock the checkout, check for a pending attempt, transaction row, two
 * outbox events with their fan-out inserts, checkout COMPLETED, conditional balance update,
 * ledger entry and its balanceAfter read). No HTTP, no validation, no auth.
 */
async function ceilingPair(pool: Pool, merchantId: string, orderId: string, latencies: number[]) {
  const checkoutId = `cs_${randomBytes(12).toString('hex').slice(0, 24)}`;
  let t0 = performance.now();
  const now = new Date();
  await pool.query(
    `INSERT INTO Checkout (id, merchantId, amount, currency, orderId, customerMobile, customerEmail, successUrl, cancelUrl,
                           status, expiresAt, completedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, 'PKR', ?, NULL, NULL, 'https://shop.example/ok', 'https://shop.example/cancel', 'OPEN', ?, NULL, ?, ?)`,
    [checkoutId, merchantId, AMOUNT, orderId, new Date(now.getTime() + 1_800_000), now, now],
  );
  latencies.push(performance.now() - t0);
  t0 = performance.now();
  await inTransaction(pool, async (conn) => {
    await conn.query('SELECT * FROM Checkout WHERE id = ? AND merchantId = ? FOR UPDATE', [checkoutId, merchantId]);
    await conn.query("SELECT id FROM PaymentTransaction WHERE checkoutId = ? AND status = 'PENDING' LIMIT 1", [
      checkoutId,
    ]);
    const txnId = `txn_${randomBytes(12).toString('hex').slice(0, 24)}`;
    const at = new Date();
    await conn.query(
      `INSERT INTO PaymentTransaction (id, merchantId, checkoutId, amount, currency, provider, mobile, status, scenario,
                                       failureCode, failureMessage, nextTransitionAt, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'PKR', 'JAZZCASH', '03000000001', 'SUCCEEDED', 'SUCCESS', NULL, NULL, NULL, ?, ?)`,
      [txnId, merchantId, checkoutId, AMOUNT, at, at],
    );
    for (const type of ['payment.succeeded', 'checkout.completed']) {
      const eventId = `evt_${randomBytes(12).toString('hex').slice(0, 24)}`;
      const payload = JSON.stringify({ id: eventId, type, createdAt: at.toISOString(), data: { object: { txnId } } });
      await conn.query('INSERT INTO WebhookEvent (id, merchantId, type, payload, createdAt) VALUES (?, ?, ?, ?, ?)', [
        eventId,
        merchantId,
        type,
        payload,
        at,
      ]);
      await conn.query(
        `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
         SELECT CONCAT('whd_', SUBSTRING(SHA2(CONCAT(UUID(), RAND(), e.id), 256), 1, 24)), ?, e.id, 'PENDING', 0, ?, ?, ?
           FROM WebhookEndpoint e
          WHERE e.merchantId = ? AND e.enabled = TRUE AND e.deletedAt IS NULL
            AND (e.events IS NULL OR JSON_CONTAINS(e.events, JSON_QUOTE(?)))`,
        [eventId, at, at, at, merchantId, type],
      );
    }
    await conn.query("UPDATE Checkout SET status = 'COMPLETED', completedAt = ?, updatedAt = ? WHERE id = ?", [
      at,
      at,
      checkoutId,
    ]);
    await conn.query(
      `UPDATE MerchantBalance SET available = available + ?, pending = pending + 0, version = version + 1, updatedAt = NOW(3)
        WHERE merchantId = ? AND available + ? >= 0 AND pending + 0 >= 0`,
      [AMOUNT, merchantId, AMOUNT],
    );
    await conn.query(
      `INSERT INTO LedgerEntry (merchantId, type, amount, balanceAfter, payoutId, transactionId, description, createdAt)
       SELECT ?, 'PAYMENT_CREDIT', ?, available, NULL, ?, ?, NOW(3) FROM MerchantBalance WHERE merchantId = ?`,
      [merchantId, AMOUNT, txnId, `Payment for order ${orderId}`, merchantId],
    );
    await conn.query('SELECT balanceAfter FROM LedgerEntry WHERE id = LAST_INSERT_ID()');
  });
  latencies.push(performance.now() - t0);
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
        try {
          await ceilingPair(pool, merchants[i % merchants.length]!.id, `c-${run}-${i}`, latencies);
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
    pairsPerSec: Math.round(latencies.length / 2 / elapsed),
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    errors,
  };
}

async function main() {
  log(`recreating ${location.database}`);
  await recreateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  log(`creating ${MERCHANTS} merchants`);
  const merchants = await createMerchants(db, {
    count: MERCHANTS,
    emailPrefix: 'bench-pay',
    openingBalance: 0,
    scope: 'payment',
  });
  const hot = [merchants[0]!];
  const results: RunResult[] = [];
  const api = await startApi({
    service: 'payment-api',
    port: PORT,
    databaseUrl,
    poolSize: CONCURRENCY,
    env: { PUBLIC_SANDBOX_URL: `http://127.0.0.1:${PORT}`, CHECKOUT_CSRF_SECRET: randomBytes(32).toString('hex') },
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
  // Invariants after all that load: every balance equals its ledger; every completed checkout was credited once.
  const drift = await db.pool.query(
    `SELECT COUNT(*) AS n FROM MerchantBalance b
      WHERE b.available <> (SELECT COALESCE(SUM(amount), 0) FROM LedgerEntry l WHERE l.merchantId = b.merchantId)`,
  );
  const doubleCredits = await db.pool.query(
    `SELECT COUNT(*) AS n FROM (SELECT t.checkoutId FROM LedgerEntry l JOIN PaymentTransaction t ON t.id = l.transactionId
      WHERE l.type = 'PAYMENT_CREDIT' GROUP BY t.checkoutId HAVING COUNT(*) > 1) x`,
  );
  await db.close();

  const rows = [
    '| shape | run | pairs/s | req/s | p50 ms | p99 ms | errors | API RSS MB |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.shape} | ${r.what} | ${r.pairsPerSec} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.maxRssMb ?? ''} |`,
    );
  }
  rows.push('', '| shape | API / ceiling (req/s) | p99 API / ceiling |', '|---|---|---|');
  for (const shape of ['one merchant', `${MERCHANTS} merchants`]) {
    const a = results.find((r) => r.shape === shape && r.what === 'api')!;
    const c = results.find((r) => r.shape === shape && r.what === 'ceiling');
    if (!c) continue;
    rows.push(`| ${shape} | ${Math.round((100 * a.reqPerSec) / c.reqPerSec)} % | ${(a.p99 / c.p99).toFixed(2)}× |`);
  }
  rows.push(
    '',
    `balances that disagree with their ledger: ${Number(drift[0].n)}`,
    `checkouts credited more than once: ${Number(doubleCredits[0].n)}`,
  );
  process.stdout.write(`${rows.join('\n')}\n`);
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
