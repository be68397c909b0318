import { randomUUID } from 'node:crypto';
import { createDb, type Db, type PoolConnection } from '@mypay/db';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  createDirectory,
  createDueRowWorker,
  createMerchant,
  createPayout,
  createScenarioCatalog,
  PAYOUT_COLUMNS,
  type PayoutRow,
} from '../../src/index.ts';

/**
 * The due-row worker's error path, on real payouts (a merchant of its own, so the worker's
 * `where` keeps it off every other test's rows): a failing row is retried from memory, its due
 * column is never written, and an expected business outcome is one warn line without a stack.
 */
let db: Db;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 4 });
});
afterAll(async () => {
  await db?.close();
});

interface LogLine {
  level: number;
  msg: string;
  code?: string;
  err?: { stack?: string };
}

async function duePayout(): Promise<{ merchantId: string; payoutId: string; due: Date }> {
  const { id: merchantId } = await createMerchant(db, {
    name: 'worker test',
    email: `worker-${randomUUID().slice(0, 12)}@example.test`,
    password: 'not-used-here',
    openingBalance: 100_000,
  });
  // Scenario 2: PENDING with a step due later; made due now.
  const payout = await createPayout(
    { db, scenarios: createScenarioCatalog(db, { delayScale: 1 }), directory: createDirectory(db) },
    {
      merchantId,
      amount: 1_000,
      currency: 'PKR',
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' },
      reference: `worker-${randomUUID()}`,
    },
  );
  const due = new Date(Math.floor(Date.now() / 1000) * 1000 - 5_000);
  await db.pool.query('UPDATE Payout SET nextTransitionAt = ? WHERE id = ?', [due, payout.id]);
  return { merchantId, payoutId: payout.id, due };
}

function workerFor(merchantId: string, handle: () => Promise<void>, retryDelayMs: number) {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const worker = createDueRowWorker<PayoutRow>({
    name: 'test',
    pool: db.pool,
    logger,
    table: 'Payout',
    dueColumn: 'nextTransitionAt',
    columns: PAYOUT_COLUMNS,
    where: `merchantId = ${db.pool.escape(merchantId)}`,
    handle,
    retryDelayMs,
  });
  return { worker, lines };
}

/** A worker over every due payout of the merchants in `merchantIds` (no other condition). */
function scopedWorker(merchantIds: string[], handle: (conn: PoolConnection, row: PayoutRow) => Promise<void>) {
  return createDueRowWorker<PayoutRow>({
    name: 'scoped',
    pool: db.pool,
    logger: pino({ level: 'silent' }),
    table: 'Payout',
    dueColumn: 'nextTransitionAt',
    columns: PAYOUT_COLUMNS,
    scope: { merchantIds },
    handle,
  });
}

const dueOf = async (payoutId: string) =>
  (
    (await db.pool.query('SELECT nextTransitionAt FROM Payout WHERE id = ?', [payoutId])) as {
      nextTransitionAt: Date;
    }[]
  )[0]!.nextTransitionAt;

describe('due-row worker error path', () => {
  it('when handling a row fails with a business outcome, then its due time is left alone, it backs off in memory, and one warn line without a stack says why', async () => {
    const { merchantId, payoutId, due } = await duePayout();
    let calls = 0;
    const { worker, lines } = workerFor(
      merchantId,
      async () => {
        calls++;
        throw new AppError('INSUFFICIENT_BALANCE', 'the available balance is lower than the amount');
      },
      60_000,
    );

    expect(await worker.runOnce()).toBe(0);
    expect(await worker.runOnce()).toBe(0);

    expect(await dueOf(payoutId)).toEqual(due);
    // Batch, then the row alone; the second poll skips it (backing off).
    expect(calls).toBe(2);
    const warnings = lines.filter((l) => l.msg === 'row not handled; retrying later');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, code: 'INSUFFICIENT_BALANCE' });
    expect(lines.some((l) => l.err?.stack)).toBe(false);
    expect(lines.some((l) => l.level >= 50)).toBe(false);
  });

  it('when an unexpected error repeats, then the stack is logged once and the row is retried after the backoff', async () => {
    const { merchantId, payoutId, due } = await duePayout();
    let calls = 0;
    const { worker, lines } = workerFor(
      merchantId,
      async () => {
        calls++;
        throw new Error('boom');
      },
      50,
    );

    const deadline = Date.now() + 10_000;
    while (calls < 6 && Date.now() < deadline) {
      await worker.runOnce();
      await new Promise((r) => setTimeout(r, 60));
    }

    expect(calls).toBeGreaterThanOrEqual(6);
    expect(await dueOf(payoutId)).toEqual(due);
    expect(lines.filter((l) => l.err?.stack)).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'row handling failed again').length).toBeGreaterThanOrEqual(2);
  });

  it('when polls finish, with rows to handle or none, then polls() counts each of them', async () => {
    const { merchantId } = await duePayout();
    const { worker } = workerFor(merchantId, async () => {}, 50);
    const before = worker.polls();
    // The payout's handle leaves it due (it does nothing), so each poll claims it; the count is of polls.
    await worker.runOnce();
    await worker.runOnce();
    expect(worker.polls() - before).toBe(2);
  });

  it('when a worker is scoped to some merchants, then it claims only their due rows, and a merchant added to the list later', async () => {
    const mine = await duePayout();
    const other = await duePayout();
    const merchantIds = [mine.merchantId];
    const handled: string[] = [];
    const worker = scopedWorker(merchantIds, async (conn, row) => {
      handled.push(row.id);
      await conn.query('UPDATE Payout SET nextTransitionAt = NULL WHERE id = ?', [row.id]);
    });

    await worker.runOnce();
    expect(handled).toEqual([mine.payoutId]);
    expect(await dueOf(other.payoutId)).toEqual(other.due);

    merchantIds.push(other.merchantId);
    await worker.runOnce();
    expect(handled).toEqual([mine.payoutId, other.payoutId]);
  });

  it('when a worker is scoped to no merchant, then it claims nothing', async () => {
    const { payoutId, due } = await duePayout();
    let calls = 0;
    const worker = scopedWorker([], async () => {
      calls++;
    });

    expect(await worker.runOnce()).toBe(0);
    expect(calls).toBe(0);
    expect(await dueOf(payoutId)).toEqual(due);
  });
});
