/**
 * A delivery worker in its own process, as one API replica would run it. Used by the replicas
 * test: env DATABASE_URL, ENDPOINT_IDS (comma-separated scope), RETRY_SCHEDULE (ms, comma-separated).
 * Prints "ready" once started, one "attempt" line per attempt made, and "stopped" after a
 * graceful stop on SIGTERM.
 */
import { createDb } from '@mypay/db';
import { createDeliveryWorker, type Logger } from '../../src/index.ts';
import { testSettings } from './support.ts';

const db = createDb(process.env.DATABASE_URL ?? '', { connectionLimit: 8 });
const noop = () => {};
const logger = {
  debug: (_obj: unknown, msg?: string) => {
    if (msg === 'webhook attempt') process.stdout.write('attempt\n');
  },
  info: noop,
  warn: (obj: unknown, msg?: string) => process.stderr.write(`warn ${msg} ${JSON.stringify(obj)}\n`),
  error: (obj: unknown, msg?: string) =>
    process.stderr.write(`error ${msg} ${String((obj as { err?: unknown }).err)}\n`),
} as unknown as Logger;

const worker = createDeliveryWorker(
  db,
  testSettings({
    retryScheduleMs: (process.env.RETRY_SCHEDULE ?? '0,20,20,20').split(',').map(Number),
    concurrency: 8,
    batchSize: 5,
    pollIntervalMs: 10,
    ...(process.env.LEASE_MS ? { leaseMs: Number(process.env.LEASE_MS) } : {}),
  }),
  { logger, scope: { endpointIds: (process.env.ENDPOINT_IDS ?? '').split(',').filter(Boolean) } },
);
worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await worker.stop();
  await db.close();
  process.stdout.write('stopped\n');
  process.exit(0);
});
