/**
 * What one `POST /api/v1/payouts` costs in socket writes: the Payout API built in this process
 * (buildApp, as server.ts builds it) on the bench's database, requests one after another over
 * keep-alive, and every write counted by socket — to the database (one per statement the driver
 * sends; pipelined statements are still one write each) and to the client (the response). A CPU
 * profile of the API under load (bench/payouts.ts with BENCH_API_NODE_FLAGS=--cpu-prof) shows these
 * writes as its largest item, so this is the count to drive down. No timing: counts are exact on a
 * loaded machine.
 *
 *   pnpm exec tsx bench/round-trips.ts [--requests 200] [--merchants 20]
 *
 * Database: BENCH_DATABASE_URL (default mypay_bench_roundtrips), dropped and recreated.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger, createScenarioCatalog } from '@mypay/core';
import { createDb, parseDatabaseUrl } from '@mypay/db';
import { buildApp } from '../services/payout-api/src/app.ts';
import { parsePayoutApiConfig } from '../services/payout-api/src/config.ts';
import { createMerchants, log, recreateDatabase } from './support.ts';

interface Counts {
  db: number;
  client: number;
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { requests: { type: 'string', default: '200' }, merchants: { type: 'string', default: '20' } },
  });
  const requests = Number(values.requests);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_bench_roundtrips';
  const dbPort = parseDatabaseUrl(databaseUrl).port;
  log(`recreating ${parseDatabaseUrl(databaseUrl).database}`);
  await recreateDatabase(databaseUrl);
  const config = parsePayoutApiConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PUBLIC_SANDBOX_URL: 'http://127.0.0.1:4001',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  });
  const db = createDb(databaseUrl, { connectionLimit: 4 });
  const merchants = await createMerchants(db, {
    count: Number(values.merchants),
    emailPrefix: 'rt',
    openingBalance: 900_000_000_000,
    scope: 'payout',
  });
  const logger = createLogger({ level: 'warn' });
  const app = buildApp(config, { db, logger, scenarios: createScenarioCatalog(db, { delayScale: 1 }) });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiPort = (server.address() as AddressInfo).port;

  const counts: Counts = { db: 0, client: 0 };
  const proto = net.Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
  const original = proto._writeGeneric;
  proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === dbPort) counts.db++;
    else if (this.localPort === apiPort) counts.client++;
    return original.apply(this, args);
  };

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (i: number, run = 'm') =>
    new Promise<number>((resolve, reject) => {
      const merchant = merchants[i % merchants.length]!;
      const body = JSON.stringify({
        amount: 100,
        currency: 'PKR',
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
        reference: `rt-${run}-${i}`,
      });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: apiPort,
          path: '/api/v1/payouts',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.key}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  // Warm-up: every merchant's key looked up once, pool connections open.
  for (let i = 0; i < merchants.length; i++) await post(i, 'warm');
  const measure = async (label: string, from: number, n: number) => {
    const before = { ...counts };
    for (let i = 0; i < n; i++) {
      const status = await post(from + i);
      if (status !== 201) throw new Error(`request ${from + i}: ${status}`);
    }
    const perRequest = (k: keyof Counts) => ((counts[k] - before[k]) / n).toFixed(2);
    process.stdout.write(`| ${label} | ${n} | ${perRequest('db')} | ${perRequest('client')} |\n`);
  };
  process.stdout.write(
    '| requests | n | database writes per request | response writes per request |\n|---|---|---|---|\n',
  );
  await measure('key cached (back to back)', 0, requests);
  proto._writeGeneric = original;
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await (app.locals.requestLog as { stop?: () => Promise<void> } | null)?.stop?.();
  await db.close();
}

main().catch((error) => {
  process.stderr.write(`round-trips failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
