import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emit,
  newEndpoint,
  newMerchant,
  openDb,
  type Receiver,
  sleep,
  startReceiver,
  TEST_DATABASE_URL,
  waitFor,
} from './support.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let db: Db;
let receiver: Receiver;
const children: ChildProcess[] = [];

function startWorkerProcess(endpointIds: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  // Plain node with the tsx loader (no tsx CLI wrapper between us and the worker's signals).
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: TEST_DATABASE_URL,
      ENDPOINT_IDS: endpointIds.join(','),
      RETRY_SCHEDULE: '0,20,20,20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return waitFor(() => out.includes('ready') || null, { timeoutMs: 30_000, what: 'worker process' }).then(() => ({
    child,
    output: () => out,
  }));
}

function stopWorkerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

beforeAll(() => {
  db = openDb();
});
afterAll(async () => {
  await Promise.all(children.map(stopWorkerProcess));
  await receiver?.close();
  await db.close();
});

describe('two worker processes on one database', () => {
  it('when 200 events are written, then each is delivered exactly once and never sent twice at the same time', async () => {
    const active = new Map<string, number>();
    let overlaps = 0;
    receiver = await startReceiver(async (hit, n) => {
      const concurrent = (active.get(hit.eventId) ?? 0) + 1;
      active.set(hit.eventId, concurrent);
      if (concurrent > 1) overlaps++;
      await sleep(5 + Math.random() * 15);
      active.set(hit.eventId, (active.get(hit.eventId) ?? 1) - 1);
      // Every fourth event fails its first attempt, so retries are part of the race too.
      const index = Number(JSON.parse(hit.body).data.object.i);
      return index % 4 === 0 && n === 1 ? 500 : 200;
    });
    const merchantId = await newMerchant(db, 'replicas');
    const endpoint = await newEndpoint(db, merchantId, receiver.url);
    const [a, b] = await Promise.all([startWorkerProcess([endpoint.id]), startWorkerProcess([endpoint.id])]);

    const eventIds: string[] = [];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < 200; i += 4) {
        eventIds.push((await emit(db, merchantId, 'payout.completed', { i })).id);
      }
    });
    await Promise.all(writers);
    expect(eventIds).toHaveLength(200);

    await waitFor(
      async () => {
        const [row] = (await db.pool.query(
          "SELECT COUNT(*) AS n FROM WebhookDelivery WHERE endpointId = ? AND status = 'DELIVERED'",
          [endpoint.id],
        )) as { n: number }[];
        return row!.n === 200 || null;
      },
      { timeoutMs: 45_000, intervalMs: 100, what: '200 deliveries' },
    );
    await sleep(200);
    await Promise.all([stopWorkerProcess(a.child), stopWorkerProcess(b.child)]);

    const hitsPerEvent = new Map<string, number>();
    for (const hit of receiver.hits) hitsPerEvent.set(hit.eventId, (hitsPerEvent.get(hit.eventId) ?? 0) + 1);
    expect(overlaps).toBe(0);
    expect(new Set(hitsPerEvent.keys())).toEqual(new Set(eventIds));
    for (const [eventId, hits] of hitsPerEvent) {
      const index = Number(JSON.parse(receiver.hits.find((h) => h.eventId === eventId)!.body).data.object.i);
      expect(hits, eventId).toBe(index % 4 === 0 ? 2 : 1);
    }
    expect(receiver.hits).toHaveLength(250);

    // Both replicas took part, and together they made exactly the attempts the receiver saw.
    expect(a.output()).toContain('stopped');
    expect(b.output()).toContain('stopped');
    const attemptsOf = (output: string) => output.split('\n').filter((line) => line === 'attempt').length;
    const [fromA, fromB] = [attemptsOf(a.output()), attemptsOf(b.output())];
    expect(fromA).toBeGreaterThan(0);
    expect(fromB).toBeGreaterThan(0);
    expect(fromA + fromB).toBe(250);
    const [logged] = (await db.pool.query(
      'SELECT COUNT(*) AS n FROM WebhookAttempt a JOIN WebhookDelivery d ON d.id = a.deliveryId WHERE d.endpointId = ?',
      [endpoint.id],
    )) as { n: number }[];
    expect(logged!.n).toBe(250);
  });
});
