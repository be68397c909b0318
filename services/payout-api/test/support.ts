import { type ApiKeyScope, createPayoutWorker, type DueRowWorker, type WorkerScope } from '@mypay/core';
import type { Db } from '@mypay/db';
import express, { type Express } from 'express';
import {
  addKey,
  createKeyedMerchant,
  type InProcessApi,
  keyClient,
  startInProcessApi,
  TEST_DELAY_SCALE,
  testApiEnv,
  testDatabaseUrl,
  uniqueSuffix,
} from '../../../test/support/test-api.ts';
import { claimRowsOf, fileWorkerScope } from '../../../test/support/worker-scope.ts';
import { buildApp } from '../src/app.ts';
import { type PayoutApiConfig, parsePayoutApiConfig } from '../src/config.ts';

// Shared with every test: one waitFor and one ledgerSum (test/support/wait.ts).
export { ledgerSum, waitFor } from '../../../test/support/wait.ts';
export { addKey, claimRowsOf, TEST_DELAY_SCALE, testDatabaseUrl, uniqueSuffix };

export function testConfig(env: Record<string, string> = {}): PayoutApiConfig {
  return parsePayoutApiConfig(testApiEnv(env));
}

export interface TestApi extends Omit<InProcessApi<PayoutApiConfig>, 'workers'> {
  worker: DueRowWorker | null;
}

/** The worker claims only the rows of this file's merchants (`scope`, default `fileWorkerScope`). */
export function startTestApi(
  options: { env?: Record<string, string>; worker?: boolean; scope?: WorkerScope } = {},
): TestApi {
  const config = testConfig(options.env);
  const api = startInProcessApi({
    config,
    buildApp,
    express,
    workers: ({ db, logger, scenarios }) =>
      options.worker === false
        ? []
        : [
            createPayoutWorker({
              pool: db.pool,
              logger,
              scenarios,
              pollIntervalMs: config.workerPollIntervalMs,
              scope: options.scope ?? fileWorkerScope,
            }),
          ],
  });
  const { workers, ...started } = api;
  return { ...started, worker: workers[0] ?? null };
}

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
  return createKeyedMerchant(db, {
    name: `Payout test ${suffix}`,
    email: `payout-${suffix}@example.test`,
    balance: options.balance ?? 10_000_000,
    scope: options.scope ?? 'payout',
  });
}

export const client = (app: Express, key: string) => keyClient(app, key, '/api/v1');

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
