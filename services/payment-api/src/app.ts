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
  WEBHOOKS_TAG_DESCRIPTION,
} from '@mypay/http';
import express, { type Express } from 'express';
import { checkoutRoutes } from './checkouts/routes.ts';
import type { PaymentApiConfig } from './config.ts';
import { type ApiContext, AUTHENTICATED_PREFIXES, type RouteModule } from './context.ts';
import { hostedPageRouter } from './hosted-page/routes.ts';
import { paymentRoutes } from './payments/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { refundRoutes } from './refunds/routes.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export interface AppDeps {
  db: Db;
  logger?: Logger;
  /** Shared with the workers (server.ts) so all read the table once. */
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
  checkoutRoutes,
  paymentRoutes,
  refundRoutes,
  sandboxRoutes,
  webhookRoutes,
  requestLogRoutes(''),
];

export function createContext(config: PaymentApiConfig, deps: AppDeps): ApiContext {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, name: 'payment-api' });
  return {
    config,
    db: deps.db,
    logger,
    scenarios: deps.scenarios ?? createScenarioCatalog(deps.db, { delayScale: config.scenarioDelayScale }),
    directory: deps.directory ?? createDirectory(deps.db),
    docs: new ApiDocument({
      title: 'MyPay Sandbox — Payment API',
      version: config.version,
      description:
        'Take payments from Pakistani mobile wallets, in a sandbox: open a checkout, send the customer to its hosted page (or call `/payment/complete` yourself), get `checkout.*` and `payment.*` webhooks. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). Amounts are integers in paisa; currency is `PKR`. Wire conventions, errors and scenarios: docs/conventions.md, docs/errors.md, docs/scenarios.md in the repository.',
      servers: [config.publicUrl],
      tags: {
        Checkouts: 'Checkout sessions: open one, send the customer to its hosted page.',
        Payments: 'Payment transactions: the attempts to pay a checkout.',
        Refunds: 'Refunds of payments, in full or in part; their outcome follows the payer number.',
        'Hosted page': 'The page your customer pays on (HTML, no API key).',
        Sandbox: 'Sandbox controls: force the next status of a payment.',
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

/** Builds the Payment API; never listens (server.ts does). */
export function buildApp(config: PaymentApiConfig, deps: AppDeps): Express {
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
  app.use(requestLog({ writer: ctx.requestLog, api: 'payment', redactFields: config.requestLog.redactFields }));
  // The hosted page: no API key, HTML, its own CSRF protection.
  app.use(hostedPageRouter(ctx));

  const api = express.Router();
  api.use(
    AUTHENTICATED_PREFIXES,
    apiKeyAuth({ pool: deps.db.pool, scope: 'payment', onTouchError: (err) => ctx.logger.warn({ err }, 'lastUsedAt') }),
    perKeyRateLimit({ limit: config.rateLimitPerMinute, backend: ctx.rateLimits }),
    jsonBody(),
  );
  for (const register of ROUTE_MODULES) register(api, ctx);
  app.use(api);
  return finishApp(app, ctx.logger);
}
