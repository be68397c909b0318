import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiKeyScope,
  createCheckoutExpiryWorker,
  createPaymentWorker,
  createRefundWorker,
  type WorkerScope,
} from '@mypay/core';
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
// Shared with every test: one waitFor and one ledgerSum (test/support/wait.ts).
import { afterPolls, ledgerSum, waitFor } from '../../../test/support/wait.ts';
import { claimRowsOf, fileWorkerScope } from '../../../test/support/worker-scope.ts';
import { buildApp } from '../src/app.ts';
import { type PaymentApiConfig, parsePaymentApiConfig } from '../src/config.ts';

export { addKey, claimRowsOf, fileWorkerScope, ledgerSum, TEST_DELAY_SCALE, testDatabaseUrl, uniqueSuffix, waitFor };

export function testConfig(env: Record<string, string> = {}): PaymentApiConfig {
  return parsePaymentApiConfig(
    testApiEnv({ PUBLIC_SANDBOX_URL: 'http://pay.sandbox.test', CHECKOUT_REDIRECT_DELAY: '0s', ...env }),
  );
}

export type TestApi = InProcessApi<PaymentApiConfig>;

/** The workers claim only the rows of this file's merchants (`scope`, default `fileWorkerScope`). */
export function startTestApi(
  options: { env?: Record<string, string>; workers?: boolean; scope?: WorkerScope } = {},
): TestApi {
  const config = testConfig(options.env);
  const scope = options.scope ?? fileWorkerScope;
  return startInProcessApi({
    config,
    buildApp,
    express,
    workers: ({ db, logger, scenarios }) =>
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
            createCheckoutExpiryWorker({
              pool: db.pool,
              logger,
              publicUrl: config.publicUrl,
              pollIntervalMs: 50,
              scope,
            }),
            createRefundWorker({
              pool: db.pool,
              logger,
              pollIntervalMs: config.workerPollIntervalMs,
              retryDelayMs: 200,
              scope,
            }),
          ],
  });
}

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
  const merchant = await createKeyedMerchant(db, {
    name,
    email: `payment-${suffix}@example.test`,
    balance: options.balance ?? 0,
    scope: options.scope ?? 'payment',
  });
  return { ...merchant, name };
}

export const client = (app: Express, key: string) => keyClient(app, key);

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
