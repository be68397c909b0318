import { randomBytes } from 'node:crypto';
import {
  type ApiKeyScope,
  createLogger,
  createMerchant,
  createPayoutWorker,
  createScenarioCatalog,
  type DueRowWorker,
  insertApiKey,
  type RequestLogWriter,
  type WorkerScope,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { RateLimitBackend } from '@mypay/http';
import express, { type Express } from 'express';
import request from 'supertest';
import { type Violation, withContractCheck } from '../../../test/support/contract.ts';
import { claimRowsOf, fileWorkerScope } from '../../../test/support/worker-scope.ts';
import { buildApp } from '../src/app.ts';
import { type PayoutApiConfig, parsePayoutApiConfig } from '../src/config.ts';

// Shared with every test: one waitFor and one ledgerSum (test/support/wait.ts).
export { ledgerSum, waitFor } from '../../../test/support/wait.ts';
export { claimRowsOf };

/** Every test file uses the same delay scale, so workers of parallel files agree on due times. */
export const TEST_DELAY_SCALE = 0.01;

export const testDatabaseUrl = () => process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';

export function testConfig(env: Record<string, string> = {}): PayoutApiConfig {
  return parsePayoutApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    LOG_LEVEL: 'silent',
    SCENARIO_DELAY_SCALE: String(TEST_DELAY_SCALE),
    WORKER_POLL_INTERVAL: '50ms',
    ...env,
  });
}

export interface TestApi {
  db: Db;
  app: Express;
  config: PayoutApiConfig;
  worker: DueRowWorker | null;
  /** Responses that did not match the OpenAPI document (close() fails when there are any). */
  violations: Violation[];
  /** The app's request log writer (null when the log is off); `flush()` before reading the log. */
  requestLog?: RequestLogWriter | null;
  close(): Promise<void>;
}

/** The worker claims only the rows of this file's merchants (`scope`, default `fileWorkerScope`). */
export function startTestApi(
  options: { env?: Record<string, string>; worker?: boolean; scope?: WorkerScope } = {},
): TestApi {
  const config = testConfig(options.env);
  const db = createDb(config.databaseUrl, { connectionLimit: 20 });
  const logger = createLogger({ level: 'silent' });
  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  // Every response of every test is checked against the OpenAPI document: a drift fails the file.
  const built = buildApp(config, { db, logger, scenarios });
  const requestLog = built.locals.requestLog as RequestLogWriter | null;
  const rateLimits = built.locals.rateLimits as RateLimitBackend | null;
  const { app, violations, assertNoViolations } = withContractCheck(built, express);
  const worker =
    options.worker === false
      ? null
      : createPayoutWorker({
          pool: db.pool,
          logger,
          scenarios,
          pollIntervalMs: config.workerPollIntervalMs,
          scope: options.scope ?? fileWorkerScope,
        });
  worker?.start();
  return {
    db,
    app,
    config,
    worker,
    violations,
    requestLog,
    async close() {
      await requestLog?.stop();
      await worker?.stop();
      await rateLimits?.close();
      await db.close();
      assertNoViolations();
    },
  };
}

export const uniqueSuffix = () => randomBytes(6).toString('hex');

export interface TestMerchant {
  merchantId: string;
  key: string;
}

/** A fresh merchant with its own balance and a key of the given scope; this file's workers claim its rows. */
export async function createTestMerchant(
  db: Db,
  options: { balance?: number; scope?: ApiKeyScope } = {},
): Promise<TestMerchant> {
  const suffix = uniqueSuffix();
  const { id } = await createMerchant(db, {
    name: `Payout test ${suffix}`,
    email: `payout-${suffix}@example.test`,
    password: 'not-used-in-these-tests',
    openingBalance: options.balance ?? 10_000_000,
  });
  claimRowsOf(id);
  const key = await addKey(db, id, options.scope ?? 'payout');
  return { merchantId: id, key };
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
    get: (path: string) => auth(request(app).get(`/api/v1${path}`)),
    delete: (path: string) => auth(request(app).delete(`/api/v1${path}`)),
    post: (path: string, body?: unknown) => {
      const r = auth(request(app).post(`/api/v1${path}`));
      return body === undefined ? r : r.send(body as object);
    },
  };
}

let refCounter = 0;
export function payoutBody(overrides: Record<string, unknown> = {}) {
  return {
    amount: 10_000,
    currency: 'PKR',
    destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
    reference: `ref-${uniqueSuffix()}-${++refCounter}`,
    ...overrides,
  };
}

export async function balanceRow(db: Db, merchantId: string): Promise<{ available: number; pending: number }> {
  const rows = await db.pool.query('SELECT available, pending FROM MerchantBalance WHERE merchantId = ?', [merchantId]);
  return { available: Number(rows[0].available), pending: Number(rows[0].pending) };
}
