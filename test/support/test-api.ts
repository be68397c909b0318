import { randomBytes } from 'node:crypto';
import {
  type ApiKeyScope,
  createLogger,
  createMerchant,
  createScenarioCatalog,
  type DueRowWorker,
  insertApiKey,
  type Logger,
  type RequestLogWriter,
  type ScenarioCatalog,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { ApiDeps, RateLimitBackend } from '@mypay/http';
import type { Express } from 'express';
import request from 'supertest';
import { type Violation, withContractCheck } from './contract.ts';
import { claimRowsOf } from './worker-scope.ts';

/**
 * What both APIs' test support (services/<api>/test/support.ts) shares: the test environment,
 * the app built in process with its responses checked against its own document, and merchants
 * with keys whose rows this file's workers claim.
 */

/** Every test file uses the same delay scale, so workers of parallel files agree on due times. */
export const TEST_DELAY_SCALE = 0.01;

export const testDatabaseUrl = () => process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';

/** The environment every API test starts from (the service's own variables and `env` on top). */
export function testApiEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    LOG_LEVEL: 'silent',
    SCENARIO_DELAY_SCALE: String(TEST_DELAY_SCALE),
    WORKER_POLL_INTERVAL: '50ms',
    ...env,
  };
}

export interface InProcessApi<C> {
  db: Db;
  app: Express;
  config: C;
  workers: DueRowWorker[];
  /** Responses that did not match the OpenAPI document (close() fails when there are any). */
  violations: Violation[];
  /** The app's request log writer (null when the log is off); `flush()` before reading the log. */
  requestLog?: RequestLogWriter | null;
  close(): Promise<void>;
}

/**
 * Builds an API in process on a pool of its own, with the workers `workers` makes started; every
 * response of every test is checked against the OpenAPI document (a drift fails the file).
 * `express` is the service's (this package does not depend on it).
 */
export function startInProcessApi<C extends { databaseUrl: string; scenarioDelayScale: number }>(options: {
  config: C;
  buildApp: (config: C, deps: ApiDeps) => Express;
  express: () => Express;
  workers: (shared: { db: Db; logger: Logger; scenarios: ScenarioCatalog }) => DueRowWorker[];
}): InProcessApi<C> {
  const { config, buildApp, workers } = options;
  const db = createDb(config.databaseUrl, { connectionLimit: 20 });
  const logger = createLogger({ level: 'silent' });
  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  const built = buildApp(config, { db, logger, scenarios });
  const requestLog = built.locals.requestLog as RequestLogWriter | null;
  const rateLimits = built.locals.rateLimits as RateLimitBackend | null;
  const { app, violations, assertNoViolations } = withContractCheck(built, options.express);
  const started = workers({ db, logger, scenarios });
  for (const worker of started) worker.start();
  return {
    db,
    app,
    config,
    workers: started,
    violations,
    requestLog,
    async close() {
      await requestLog?.stop();
      await Promise.all(started.map((worker) => worker.stop()));
      await rateLimits?.close();
      await db.close();
      assertNoViolations();
    },
  };
}

export const uniqueSuffix = () => randomBytes(6).toString('hex');

export async function addKey(db: Db, merchantId: string, scope: ApiKeyScope): Promise<string> {
  const conn = await db.pool.getConnection();
  try {
    return (await insertApiKey(conn, { merchantId, name: 'test', scope })).key;
  } finally {
    conn.release();
  }
}

/** A fresh merchant with its opening balance and a key of `scope`; this file's workers claim its rows. */
export async function createKeyedMerchant(
  db: Db,
  options: { name: string; email: string; balance: number; scope: ApiKeyScope },
): Promise<{ merchantId: string; key: string }> {
  const { id } = await createMerchant(db, {
    name: options.name,
    email: options.email,
    password: 'not-used-in-these-tests',
    openingBalance: options.balance,
  });
  claimRowsOf(id);
  return { merchantId: id, key: await addKey(db, id, options.scope) };
}

/** supertest calls with the key's `Authorization` header; paths are taken below `base` (`/api/v1`). */
export function keyClient(app: Express, key: string, base = '') {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${key}`);
  return {
    get: (path: string) => auth(request(app).get(`${base}${path}`)),
    delete: (path: string) => auth(request(app).delete(`${base}${path}`)),
    post: (path: string, body?: unknown) => {
      const r = auth(request(app).post(`${base}${path}`));
      return body === undefined ? r : r.send(body as object);
    },
  };
}
