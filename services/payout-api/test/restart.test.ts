import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createDb, type Db, dropDatabase, withDatabaseName } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../prisma/prepare-database.ts';
import { startApiProcess } from '../../../test/support/api-process.ts';
import { freePort } from '../../../test/support/ports.ts';
import { createTestMerchant, testDatabaseUrl, waitFor } from './support.ts';

/**
 * Runs real server processes on a scratch database of their own, so no other test file's worker
 * can move the payout on while the server is dead.
 */
let scratchUrl: string;
let db: Db;
const children: ChildProcess[] = [];

async function startServer(port: number): Promise<ChildProcess> {
  const child = await startApiProcess('payout-api', port, {
    DATABASE_URL: scratchUrl,
    // ASYNC_SUCCESS: PENDING → PROCESSING after 1 s → COMPLETED after 2 s.
    SCENARIO_DELAY_SCALE: '0.4',
    WORKER_POLL_INTERVAL: '50ms',
  });
  children.push(child);
  return child;
}

const untilStatus = (id: string, status: string) =>
  waitFor(
    () => statusOf(id),
    (now) => now === status,
    5_000,
  );
const isDue = async (id: string) =>
  Boolean((await db.pool.query('SELECT nextTransitionAt <= NOW(3) AS due FROM Payout WHERE id = ?', [id]))[0]?.due);
const statusOf = async (id: string) =>
  (await db.pool.query('SELECT status FROM Payout WHERE id = ?', [id]))[0]?.status as string;

beforeAll(async () => {
  scratchUrl = withDatabaseName(testDatabaseUrl(), `mypay_restart_${randomBytes(4).toString('hex')}`);
  await prepareDatabase(scratchUrl);
  db = createDb(scratchUrl, { connectionLimit: 2 });
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db?.close();
  if (scratchUrl) await dropDatabase(scratchUrl).catch(() => {});
});

describe('restart', () => {
  it('when the server is killed with a payout PROCESSING, then a new server process completes it', async () => {
    const merchant = await createTestMerchant(db, { balance: 1_000_000 });
    const port = await freePort();
    const first = await startServer(port);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/payouts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${merchant.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        amount: 12_345,
        currency: 'PKR',
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' },
        reference: 'restart-1',
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await untilStatus(id, 'PROCESSING')).toBe('PROCESSING');

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // Its completion falls due while no process runs.
    expect(await waitFor(() => isDue(id), Boolean, 10_000)).toBe(true);
    expect(await statusOf(id)).toBe('PROCESSING');

    await startServer(port);
    expect(await untilStatus(id, 'COMPLETED')).toBe('COMPLETED');
    const balance = await db.pool.query('SELECT available, pending FROM MerchantBalance WHERE merchantId = ?', [
      merchant.merchantId,
    ]);
    expect({ available: Number(balance[0].available), pending: Number(balance[0].pending) }).toEqual({
      available: 1_000_000 - 12_345,
      pending: 0,
    });
  }, 60_000);

  it('when the server gets SIGTERM, then it exits 0 after finishing', async () => {
    const port = await freePort();
    const child = await startServer(port);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
