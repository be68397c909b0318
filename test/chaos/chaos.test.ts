import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMerchant, insertApiKey } from '@mypay/core';
import { createDb, createPool, type Db, type Pool, parseDatabaseUrl } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLogLines } from '../security/log-scan.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db.ts';
import { CREATE_KINDS, type DriverMerchant, type DriverResult, runDriver } from './driver.ts';
import { checkInvariants, type Report, type Window } from './invariants.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { createService, type Service } from './services.ts';
import { createTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/**
 * The chaos run (docs/reliability.md): two Payout API processes and one Payment API process on a
 * scratch database reached through a TCP proxy we can cut, a webhook receiver that goes down and
 * slow, ~1,000 mixed requests, one SIGKILL + restart and one database outage in the middle; then
 * the invariants, counted and printed. Bounded: every loop has a count and a deadline.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOG_DIR = `${ROOT}logs/chaos`;
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const OPERATIONS = Number(process.env.CHAOS_OPERATIONS ?? 560);
const DELAY_SCALE = '0.02';
// Long enough (~40 s) that the receiver's outage cannot exhaust it; compressed from the default day.
const RETRY_SCHEDULE = ['0', '100ms', '200ms', '500ms', '1s', '2s', ...Array.from({ length: 12 }, () => '3s')].join(
  ',',
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IDEMPOTENCY_STALE_AFTER = '1s';
/** How long each lock hold lasts: longer than IDEMPOTENCY_STALE_AFTER, so keys get taken over. */
const LOCK_HOLD_MS = 3_000;
/** Clients that give up and retry with the same key: 25 % of creates after 1–2 s per try, 10 % of tries after 30–300 ms. */
const GIVE_UP = { impatient: 0.25, early: 0.1 };

let scratch: ScratchDatabase;
let proxy: TcpProxy;
let receiver: Receiver;
let db: Db;
let pool: Pool;
const services: Service[] = [];

beforeAll(async () => {
  scratch = await createScratchDatabase('chaos');
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: scratch.url };
  execFileSync('pnpm', ['--silent', 'db:migrate'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('pnpm', ['--silent', 'db:seed'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  db = createDb(scratch.url, { connectionLimit: 4 });
  pool = createPool(parseDatabaseUrl(scratch.url), { connectionLimit: 2 });
  const target = parseDatabaseUrl(scratch.url);
  proxy = await createTcpProxy({ host: target.host, port: target.port });
  receiver = await startReceiver({ slowMs: 1_200 });

  const viaProxy = new URL(scratch.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  mkdirSync(LOG_DIR, { recursive: true });
  const common = {
    NODE_ENV: 'test',
    DATABASE_URL: viaProxy.toString(),
    LOG_LEVEL: 'info',
    SCENARIO_DELAY_SCALE: DELAY_SCALE,
    WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WORKER_POLL_INTERVAL: '100ms',
    DB_POOL_SIZE: '8',
    // Short, so retries take over keys whose request still waits on a held lock (fenced: the
    // first request can then no longer commit).
    IDEMPOTENCY_STALE_AFTER: IDEMPOTENCY_STALE_AFTER,
    SHUTDOWN_TIMEOUT: '5s',
    NODE_OPTIONS: '',
  };
  services.push(
    await createService({ name: 'payout-1', kind: 'payout-api', env: common, logDir: LOG_DIR }),
    await createService({ name: 'payout-2', kind: 'payout-api', env: common, logDir: LOG_DIR }),
    await createService({ name: 'payment-1', kind: 'payment-api', env: common, logDir: LOG_DIR }),
  );
  // One at a time: three tsx start-ups at once starve a 2-core machine.
  for (const service of services) await service.start();
}, 240_000);

afterAll(async () => {
  for (const service of services) await service.kill('SIGTERM').catch(() => {});
  await receiver?.close();
  await proxy?.stop();
  await pool?.end().catch(() => {});
  await db?.close().catch(() => {});
  await scratch?.drop().catch(() => {});
}, 60_000);

async function makeMerchants(): Promise<{
  merchants: Omit<DriverMerchant, 'endpointId'>[];
  openings: Map<string, number>;
}> {
  const merchants: Omit<DriverMerchant, 'endpointId'>[] = [];
  const openings = new Map<string, number>();
  const stamp = Date.now().toString(36);
  for (let index = 0; index < 4; index++) {
    // The last merchant is poor: its payouts run into INSUFFICIENT_BALANCE, never below zero.
    const opening = index === 3 ? 250_000 : 50_000_000;
    const { id } = await createMerchant(db, {
      name: `Chaos ${index}`,
      email: `chaos-${index}-${stamp}@example.test`,
      password: `chaos-password-${stamp}`,
      openingBalance: opening,
    });
    const conn = await db.pool.getConnection();
    const { key } = await insertApiKey(conn, { merchantId: id, name: 'chaos', scope: 'all' }).finally(() =>
      conn.release(),
    );
    merchants.push({ index, id, key, rich: index !== 3 });
    openings.set(id, opening);
  }
  return { merchants, openings };
}

/**
 * A long lock wait, as under load or behind a slow transaction: holds, for LOCK_HOLD_MS, the
 * balance rows of merchants 0 and 2 (payouts, payment credits), merchant 1's checkouts (checkout
 * creates, payments) and merchant 2's webhook-endpoint range (endpoint creates). Directly on the
 * database, not through the proxy.
 */
async function holdLocks(merchants: DriverMerchant[]): Promise<void> {
  const [m0, m1, m2] = merchants as [DriverMerchant, DriverMerchant, DriverMerchant];
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query('SELECT available FROM MerchantBalance WHERE merchantId IN (?, ?) FOR UPDATE', [m0.id, m2.id]);
    await conn.query(
      'SELECT id FROM Checkout FORCE INDEX (Checkout_merchantId_createdAt_id_idx) WHERE merchantId = ? LOCK IN SHARE MODE',
      [m1.id],
    );
    await conn.query(
      'SELECT id FROM WebhookEndpoint FORCE INDEX (WebhookEndpoint_merchantId_enabled_idx) WHERE merchantId = ? LOCK IN SHARE MODE',
      [m2.id],
    );
    await sleep(LOCK_HOLD_MS);
  } finally {
    await conn.rollback().catch(() => {});
    conn.release();
  }
}

async function waitForQuiescence(merchantIds: string[], endpointIds: string[], deadlineMs: number) {
  const started = Date.now();
  let last = { due: -1, pendingDeliveries: -1 };
  while (Date.now() - started < deadlineMs) {
    const [due] = (await pool.query(
      `SELECT (SELECT COUNT(*) FROM Payout WHERE merchantId IN (?) AND nextTransitionAt IS NOT NULL)
            + (SELECT COUNT(*) FROM PaymentTransaction WHERE merchantId IN (?) AND nextTransitionAt IS NOT NULL) AS n`,
      [merchantIds, merchantIds],
    )) as { n: number }[];
    const [pending] = (await pool.query(
      `SELECT COUNT(*) AS n FROM WebhookDelivery WHERE endpointId IN (?) AND status = 'PENDING'`,
      [endpointIds],
    )) as { n: number }[];
    last = { due: Number(due?.n), pendingDeliveries: Number(pending?.n) };
    if (last.due === 0 && last.pendingDeliveries === 0) return { ...last, waitedMs: Date.now() - started };
    await sleep(1_000);
  }
  return { ...last, waitedMs: Date.now() - started };
}

describe('chaos run', () => {
  let report: Report;
  let driver: DriverResult;
  let logFindings: ReturnType<typeof scanLogLines> = [];

  it('when ~1,000 mixed requests meet a killed process, a database outage and a flaky receiver, then every invariant holds', async () => {
    const runStarted = Date.now();
    const made = await makeMerchants();
    const { openings } = made;
    const [payout1, payout2, payment1] = services as [Service, Service, Service];

    const endpointIds: string[] = [];
    const merchants: DriverMerchant[] = [];
    const secrets: { what: string; value: string }[] = made.merchants.map((m) => ({ what: 'API key', value: m.key }));
    for (const m of made.merchants) {
      const path = `/hooks/${m.index}`;
      const res = await fetch(`${payout1.base}/api/v1/webhook-endpoints`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${m.key}`,
          'Content-Type': 'application/json',
          'X-Request-Id': `setup.${m.index}`,
        },
        body: JSON.stringify({ url: `${receiver.url}${path}` }),
      });
      const body = (await res.json()) as { id: string; secret: string };
      expect(res.status).toBe(201);
      endpointIds.push(body.id);
      merchants.push({ ...m, endpointId: body.id });
      receiver.secrets.set(path, body.secret);
      secrets.push({ what: 'endpoint secret', value: body.secret });
    }
    const hashes = (await pool.query('SELECT passwordHash FROM Merchant WHERE id IN (?)', [
      merchants.map((m) => m.id),
    ])) as { passwordHash: string }[];
    for (const h of hashes) secrets.push({ what: 'password hash', value: h.passwordHash });

    // The chaos timeline, at fixed points of the run (fractions of the operations done).
    const receiverDown: Window[] = [];
    const dbAway: Window[] = [];
    const killed: Window[] = [];
    const lockHeld: Window[] = [];
    const holdAt = (fraction: number, done: number, total: number) =>
      at(`row locks held for ${LOCK_HOLD_MS / 1000} s`, fraction, done, total, async () => {
        const w = { from: Date.now(), to: Number.POSITIVE_INFINITY };
        lockHeld.push(w);
        await holdLocks(merchants);
        w.to = Date.now();
      });
    const timeline: string[] = [];
    const background: Promise<void>[] = [];
    const fired = new Set<string>();
    const at = (name: string, fraction: number, done: number, total: number, action: () => Promise<void>) => {
      if (fired.has(`${name}@${fraction}`) || done < fraction * total) return;
      fired.add(`${name}@${fraction}`);
      timeline.push(`${((Date.now() - runStarted) / 1000).toFixed(1)}s ${name}`);
      background.push(
        action().catch((error) => {
          timeline.push(`${name} failed: ${(error as Error).message}`);
        }),
      );
    };

    driver = await runDriver({
      services: { payout: [payout1, payout2], payment: payment1 },
      merchants,
      seed: SEED,
      operations: OPERATIONS,
      concurrency: 6,
      receiverUrl: receiver.url,
      giveUp: GIVE_UP,
      onProgress: (done, total) => {
        holdAt(0.2, done, total);
        holdAt(0.48, done, total);
        holdAt(0.78, done, total);
        at('receiver down', 0.1, done, total, async () => {
          await receiver.setMode('down');
          receiverDown.push({ from: Date.now(), to: Number.POSITIVE_INFINITY });
        });
        at('receiver up', 0.3, done, total, async () => {
          await receiver.setMode('up');
          const w = receiverDown.at(-1);
          if (w) w.to = Date.now();
        });
        at('SIGKILL payout-2, restart after 2 s', 0.35, done, total, async () => {
          const w = { from: Date.now(), to: Number.POSITIVE_INFINITY };
          killed.push(w);
          await payout2.kill('SIGKILL');
          await sleep(2_000);
          await payout2.start();
          w.to = Date.now();
          timeline.push(`${((Date.now() - runStarted) / 1000).toFixed(1)}s payout-2 healthy again`);
        });
        at('receiver slow', 0.55, done, total, () => receiver.setMode('slow'));
        at('database cut for 2.5 s', 0.65, done, total, async () => {
          const w = { from: Date.now(), to: Number.POSITIVE_INFINITY };
          dbAway.push(w);
          await proxy.stop();
          await sleep(2_500);
          await proxy.start();
          w.to = Date.now();
          timeline.push(`${((Date.now() - runStarted) / 1000).toFixed(1)}s database back`);
        });
        at('receiver up', 0.85, done, total, () => receiver.setMode('up'));
      },
    });
    await Promise.all(background);
    await receiver.setMode('up');
    const driverDone = Date.now();
    const quiet = await waitForQuiescence(
      merchants.map((m) => m.id),
      endpointIds,
      90_000,
    );
    // Deliveries marked DELIVERED were answered 200 before being recorded; give the receiver's
    // bookkeeping of the last answers a moment.
    await sleep(500);

    report = await checkInvariants({
      pool,
      merchantIds: merchants.map((m) => m.id),
      openings,
      endpointIds,
      driver,
      received: receiver.received,
      receiverDown,
      dbAway,
      killed,
      lockHeld,
      killedService: 'payout-2',
    });
    const takeovers = services.reduce(
      (n, service) => n + service.lines.filter((line) => line.includes('idempotency key taken over')).length,
      0,
    );
    logFindings = scanLogLines(
      services.map((s) => ({ source: s.name, lines: s.lines })),
      secrets,
    );

    const summary = {
      seed: SEED,
      operations: OPERATIONS,
      driverSeconds: Math.round((driverDone - runStarted) / 1000),
      quiescence: quiet,
      timeline,
      logLines: services.reduce((n, s) => n + s.lines.length, 0),
      logFindings: logFindings.length,
      proxy: proxy.stats(),
      lockHolds: lockHeld.length,
      takeovers,
      ...report,
    };
    process.stdout.write(`\nchaos run invariants:\n${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(`${LOG_DIR}/report.json`, `${JSON.stringify(summary, null, 2)}\n`);
    for (const note of report.duplicateNotes) {
      process.stdout.write(`duplicate: ${note}\n`);
      // What the services logged for the key's requests (their ids are `<key>.<n>`).
      const key = /^\S+ ([0-9a-f-]{36}):/.exec(note)?.[1];
      for (const service of key ? services : []) {
        for (const line of service.lines.filter((l) => l.includes(key!)).slice(0, 20)) {
          process.stdout.write(`  ${service.name}: ${line}\n`);
        }
      }
    }
    for (const note of report.badStateNotes) process.stdout.write(`bad end state: ${note}\n`);
    for (const finding of logFindings.slice(0, 10)) {
      process.stdout.write(`log finding (${finding.source}, ${finding.what}): ${finding.line}\n`);
    }

    // The run did what it says (not a vacuous pass).
    expect(report.requests).toBeGreaterThanOrEqual(800);
    expect(report.payouts).toBeGreaterThan(100);
    expect(report.payments).toBeGreaterThan(50);
    expect(report.replays).toBeGreaterThan(20);
    expect(report.allowed503Provider).toBeGreaterThan(0);
    expect(driver.calls.some((c) => c.code === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(timeline.length).toBeGreaterThanOrEqual(6);
    expect(receiverDown[0]?.to).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(report.eventsReceivedAfterComeback).toBeGreaterThan(0);

    // The faults happened: clients gave up mid-request, creates waited on held locks.
    expect(report.clientAborts).toBeGreaterThan(0);
    expect(lockHeld.length).toBe(3);
    expect(report.triesWaitingOnLocks).toBeGreaterThan(0);
    expect(takeovers).toBeGreaterThan(0);
    // Every 201 has its row; no key made a second object, on any creating endpoint; what a key
    // answered is what happened; nothing appeared from nowhere.
    expect(report.missingRowsFor201).toBe(0);
    expect(report.keysWithTwoObjects).toBe(0);
    expect(report.duplicateRowsPerClientKey).toBe(0);
    for (const kind of CREATE_KINDS) {
      expect(report.byKind[kind].keys, kind).toBeGreaterThan(0);
      expect(report.byKind[kind].withTwoEffects, kind).toBe(0);
    }
    expect(report.effectsDisagreeingWithAnswer).toBe(0);
    expect(report.phantomRows).toBe(0);
    expect(report.replayMismatches).toBe(0);
    expect(report.reusedKeyWrongAnswers).toBe(0);
    // Money.
    expect(report.merchants).toBe(4);
    expect(report.balanceNotLedgerSum).toBe(0);
    expect(report.negativeBalanceAfter).toBe(0);
    expect(report.negativeAvailable).toBe(0);
    expect(report.pendingNotInFlight).toBe(0);
    expect(report.balanceNotObjects).toBe(0);
    expect(report.payoutLedgerWrong).toBe(0);
    expect(report.paymentLedgerWrong).toBe(0);
    // Refunds: the run refunded for real (some racing), never beyond what a payment captured.
    expect(report.paymentsRefundedManually).toBeGreaterThan(0);
    expect(report.refundsOverCaptured).toBe(0);
    expect(report.refundedAmountWrong).toBe(0);
    expect(report.refundLedgerWrong).toBe(0);
    // States.
    expect(report.payoutsBadEndState).toBe(0);
    expect(report.paymentsBadEndState).toBe(0);
    expect(report.checkoutsBadState).toBe(0);
    expect(report.stuckRows).toBe(0);
    // Webhooks.
    expect(report.eventsDoubled).toBe(0);
    expect(report.eventsNeverReceived).toBe(0);
    expect(report.deliveriesNotDelivered).toBe(0);
    expect(report.badSignatures).toBe(0);
    // Errors.
    expect(report.fiveHundreds).toBe(0);
    expect(report.unexpected503).toBe(0);
    expect(report.connectionErrorsOutsideKill).toBe(0);
    expect(report.crossTenantLeaks).toBe(0);
    // Logs.
    expect(logFindings).toEqual([]);
  }, 300_000);
});
