import { REQUEST_LOGS_TAG_DESCRIPTION } from '@mypay/contracts';
import {
  createDirectory,
  createLogger,
  createRequestLogWriter,
  createScenarioCatalog,
  type Directory,
  type Logger,
  type RequestLogWriter,
  type ScenarioCatalog,
} from '@mypay/core';
import type { Db } from '@mypay/db';
import {
  ApiDocument,
  type AppMetrics,
  apiKeyAuth,
  createAppMetrics,
  createBaseApp,
  createRateLimitBackend,
  finishApp,
  idempotency,
  jsonBody,
  perKeyRateLimit,
  type RateLimitBackend,
  requestLog,
  requestLogRoutes,
  routeBaseMarker,
  WEBHOOKS_TAG_DESCRIPTION,
} from '@mypay/http';
import express, { type Express } from 'express';
import { balanceRoutes } from './balance/routes.ts';
import type { PayoutApiConfig } from './config.ts';
import { API_BASE, type ApiContext, type RouteModule } from './context.ts';
import { directoryRoutes } from './directory/routes.ts';
import { eventStreamRoutes } from './events-stream/routes.ts';
import { payoutRoutes } from './payouts/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { scenarioRoutes } from './scenarios/routes.ts';
import { testClockRoutes } from './test-clocks/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export interface AppDeps {
  db: Db;
  logger?: Logger;
  /** Shared with the scenario worker (server.ts) so both read the table once. */
  scenarios?: ScenarioCatalog;
  directory?: Directory;
  /** The request log's writer (server.ts stops it on shutdown); default: a new one when the log is on. */
  requestLog?: RequestLogWriter | null;
  /** The metrics registry of this app (default: a new one). */
  metrics?: AppMetrics;
  /** Shared rate-limit counters; default: Redis when REDIS_URL is set (server.ts closes it), else none. */
  rateLimits?: RateLimitBackend | null;
}

const ROUTE_MODULES: RouteModule[] = [
  payoutRoutes,
  balanceRoutes,
  directoryRoutes,
  scenarioRoutes,
  sandboxRoutes,
  testClockRoutes,
  // Before webhookRoutes: `/events/stream` must not be taken for `/events/:id`.
  eventStreamRoutes(),
  webhookRoutes,
  requestLogRoutes(API_BASE),
];

export function createContext(config: PayoutApiConfig, deps: AppDeps): ApiContext {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, name: 'payout-api' });
  return {
    config,
    db: deps.db,
    logger,
    scenarios: deps.scenarios ?? createScenarioCatalog(deps.db, { delayScale: config.scenarioDelayScale }),
    directory: deps.directory ?? createDirectory(deps.db),
    docs: new ApiDocument({
      title: 'MyPay Sandbox — Payout API',
      version: config.version,
      description:
        'Send money to Pakistani mobile wallets and bank accounts, in a sandbox. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). Amounts are integers in paisa; currency is `PKR`. Wire conventions, errors and scenarios: docs/conventions.md, docs/errors.md, docs/scenarios.md in the repository.',
      servers: [config.publicUrl],
      tags: {
        Payouts: 'Send money; every payout debits the balance at once and follows its scenario.',
        Balance: 'What you can pay out.',
        Directory: 'Banks and wallets you can pay out to, and account checks.',
        Sandbox: 'Scenario numbers and forced transitions: the parts a real provider does not have.',
        'Test clocks':
          'Sandbox time of your own: objects bound to a clock move only when you advance it (timeouts, reversals, expiries, webhook retries — now).',
        Webhooks: WEBHOOKS_TAG_DESCRIPTION,
        'Request logs': REQUEST_LOGS_TAG_DESCRIPTION,
        Platform: 'Health and this document.',
      },
    }),
    idempotent: idempotency({ pool: deps.db.pool, logger, staleAfterMs: config.idempotencyStaleAfterMs }),
    requestLog:
      deps.requestLog !== undefined
        ? deps.requestLog
        : config.requestLog.enabled
          ? createRequestLogWriter({ pool: deps.db.pool, logger })
          : null,
    rateLimits:
      deps.rateLimits !== undefined
        ? deps.rateLimits
        : config.rateLimitStore
          ? createRateLimitBackend({ ...config.rateLimitStore, logger })
          : null,
  };
}

/** Builds the Payout API; never listens (server.ts does). */
export function buildApp(config: PayoutApiConfig, deps: AppDeps): Express {
  const ctx = createContext(config, deps);
  // One app registry per app: /metrics here, or on METRICS_PORT (server.ts) when that is set.
  const metrics =
    deps.metrics ??
    createAppMetrics({
      pool: deps.db.pool,
      requestLog: () => ctx.requestLog,
      outbox: true,
      certificateFiles: config.metricsCertificateFiles,
      diskPaths: config.metricsDiskPaths,
      logger: ctx.logger,
    });
  const app = createBaseApp({
    logger: ctx.logger,
    trustProxy: config.trustProxy,
    quietPaths: ['/health'],
    metrics,
    metricsOnOwnPort: config.metricsPort !== undefined,
  });
  app.locals.metrics = metrics;
  // The OpenAPI document of this app, for tools that hold the app rather than a URL (contract tests).
  app.locals.docs = ctx.docs;
  // The request log's writer, for whoever holds the app (server.ts flushes it on shutdown, tests read it).
  app.locals.requestLog = ctx.requestLog;
  // The shared rate-limit store, for server.ts to close on shutdown.
  app.locals.rateLimits = ctx.rateLimits;
  platformRoutes(app, ctx);
  // Everything after this acts for a merchant (or is not logged): records it, and scopes events to it.
  app.use(
    requestLog({
      writer: ctx.requestLog,
      api: 'payout',
      redactFields: config.requestLog.redactFields,
      routeBase: API_BASE,
    }),
  );

  const api = express.Router();
  api.use(routeBaseMarker());
  api.use(
    apiKeyAuth({ pool: deps.db.pool, scope: 'payout', onTouchError: (err) => ctx.logger.warn({ err }, 'lastUsedAt') }),
  );
  api.use(perKeyRateLimit({ limit: config.rateLimitPerMinute, backend: ctx.rateLimits }));
  api.use(jsonBody());
  for (const register of ROUTE_MODULES) register(api, ctx);
  app.use(API_BASE, api);
  return finishApp(app, ctx.logger);
}
