import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiKeyScope,
  createCheckoutExpiryWorker,
  createLogger,
  createMerchant,
  createPaymentWorker,
  createRefundWorker,
  createScenarioCatalog,
  type DueRowWorker,
  insertApiKey,
  type RequestLogWriter,
  type WorkerScope,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import express, { type Express } from 'express';
import request from 'supertest';
import { type Violation, withContractCheck } from '../../../test/support/contract.ts';
// Shared with every test: one waitFor and one ledgerSum (test/support/wait.ts).
import { afterPolls, ledgerSum, waitFor } from '../../../test/support/wait.ts';
import { claimRowsOf, fileWorkerScope } from '../../../test/support/worker-scope.ts';
import { buildApp } from '../src/app.ts';
import { type PaymentApiConfig, parsePaymentApiConfig } from '../src/config.ts';

export { claimRowsOf, fileWorkerScope, ledgerSum, waitFor };

/** Every test file uses the same delay scale, so workers of parallel files agree on due times. */
export const TEST_DELAY_SCALE = 0.01;

export const testDatabaseUrl = () => process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';

export function testConfig(env: Record<string, string> = {}): PaymentApiConfig {
  return parsePaymentApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    LOG_LEVEL: 'silent',
    SCENARIO_DELAY_SCALE: String(TEST_DELAY_SCALE),
    WORKER_POLL_INTERVAL: '50ms',
    PUBLIC_SANDBOX_URL: 'http://pay.sandbox.test',
    CHECKOUT_REDIRECT_DELAY: '0s',
    ...env,
  });
}

export interface TestApi {
  db: Db;
  app: Express;
  config: PaymentApiConfig;
  workers: DueRowWorker[];
  /** Responses that did not match the OpenAPI document (close() fails when there are any). */
  violations: Violation[];
  /** The app's request log writer (null when the log is off); `flush()` before reading the log. */
  requestLog?: RequestLogWriter | null;
  close(): Promise<void>;
}

/** The workers claim only the rows of this file's merchants (`scope`, default `fileWorkerScope`). */
export function startTestApi(
  options: { env?: Record<string, string>; workers?: boolean; scope?: WorkerScope } = {},
): TestApi {
  const config = testConfig(options.env);
  const scope = options.scope ?? fileWorkerScope;
  const db = createDb(config.databaseUrl, { connectionLimit: 20 });
  const logger = createLogger({ level: 'silent' });
  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  // Every response of every test is checked against the OpenAPI document: a drift fails the file.
  const built = buildApp(config, { db, logger, scenarios });
  const requestLog = built.locals.requestLog as RequestLogWriter | null;
  const { app, violations, assertNoViolations } = withContractCheck(built, express);
  const workers =
    options.workers === false
      ? []
      : [
          createPaymentWorker({
            pool: db.pool,
            logger,
            scenarios,
            publicUrl: config.publicUrl,
            pollIntervalMs: config.workerPollIntervalMs,
            retryDelayMs: 200,
            scope,
          }),
          createCheckoutExpiryWorker({ pool: db.pool, logger, publicUrl: config.publicUrl, pollIntervalMs: 50, scope }),
          createRefundWorker({
            pool: db.pool,
            logger,
            pollIntervalMs: config.workerPollIntervalMs,
            retryDelayMs: 200,
            scope,
          }),
        ];
  for (const worker of workers) worker.start();
  return {
    db,
    app,
    config,
    workers,
    violations,
    requestLog,
    async close() {
      await requestLog?.stop();
      await Promise.all(workers.map((worker) => worker.stop()));
      await db.close();
      assertNoViolations();
    },
  };
}

export const uniqueSuffix = () => randomBytes(6).toString('hex');

export interface TestMerchant {
  merchantId: string;
  key: string;
  name: string;
}

/** A fresh merchant with its own balance and a key of the given scope; this file's workers claim its rows. */
export async function createTestMerchant(
  db: Db,
  options: { balance?: number; scope?: ApiKeyScope; name?: string } = {},
): Promise<TestMerchant> {
  const suffix = uniqueSuffix();
  const name = options.name ?? `Payment test ${suffix}`;
  const { id } = await createMerchant(db, {
    name,
    email: `payment-${suffix}@example.test`,
    password: 'not-used-in-these-tests',
    openingBalance: options.balance ?? 0,
  });
  claimRowsOf(id);
  const key = await addKey(db, id, options.scope ?? 'payment');
  return { merchantId: id, key, name };
}

export async function addKey(db: Db, merchantId: string, scope: ApiKeyScope): Promise<string> {
  const conn = await db.pool.getConnection();
  try {
    return (await insertApiKey(conn, { merchantId, name: 'test', scope })).key;
  } finally {
    conn.release();
  }
}

export function client(app: Express, key: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${key}`);
  return {
    get: (path: string) => auth(request(app).get(path)),
    post: (path: string, body?: unknown) => {
      const r = auth(request(app).post(path));
      return body === undefined ? r : r.send(body as object);
    },
  };
}

export function checkoutBody(overrides: Record<string, unknown> = {}) {
  return {
    amount: 250_000,
    currency: 'PKR',
    orderId: `order-${uniqueSuffix()}`,
    successUrl: 'https://shop.example/paid',
    cancelUrl: 'https://shop.example/cancelled',
    ...overrides,
  };
}

/** Opens a checkout through the API and returns its body. */
export async function openCheckout(app: Express, key: string, overrides: Record<string, unknown> = {}) {
  const res = await client(app, key).post('/api/checkout/create', checkoutBody(overrides));
  if (res.status !== 201) throw new Error(`checkout create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; checkoutUrl: string; amount: number; status: string };
}

export async function available(db: Db, merchantId: string): Promise<number> {
  const rows = await db.pool.query('SELECT available FROM MerchantBalance WHERE merchantId = ?', [merchantId]);
  return Number(rows[0].available);
}

export async function ledgerTypes(db: Db, merchantId: string): Promise<string[]> {
  const rows = (await db.pool.query('SELECT type FROM LedgerEntry WHERE merchantId = ? ORDER BY id', [merchantId])) as {
    type: string;
  }[];
  return rows.map((r) => r.type);
}

/** The merchant's outbox event types, sorted (events of one transaction share a timestamp). */
export async function eventTypes(db: Db, merchantId: string): Promise<string[]> {
  const rows = (await db.pool.query('SELECT type FROM WebhookEvent WHERE merchantId = ?', [merchantId])) as {
    type: string;
  }[];
  return rows.map((r) => r.type).sort();
}

/** Until every worker of `api` has finished `count` more polls (`afterPolls`, test/support/wait.ts). */
export async function afterWorkerPolls(api: TestApi, count = 2): Promise<void> {
  if (api.workers.length === 0) throw new Error('the test API runs no workers');
  await afterPolls(api.workers, count);
}

/** A tiny local HTTP server standing in for the merchant's shop (success/cancel pages, webhook receiver). */
export async function startShop(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Shop</title><h1 id="shop">Shop page ${(req.url ?? '').split('?')[0]}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
