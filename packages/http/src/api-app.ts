import { REQUEST_LOGS_TAG_DESCRIPTION } from '@mypay/contracts';
import {
  createDirectory,
  createLogger,
  createRequestLogWriter,
  createScenarioCatalog,
  type Directory,
  type Logger,
  type RequestLogEntry,
  type RequestLogWriter,
  type ScenarioCatalog,
} from '@mypay/core';
import { type Db, pingDatabase } from '@mypay/db';
import express, { type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ApiSettings } from './api-config.ts';
import { createBaseApp, finishApp } from './app.ts';
import { apiKeyAuth } from './auth.ts';
import { jsonBody } from './body.ts';
import { type DocsSection, renderDocsPage } from './docs-page.ts';
import { healthHandler } from './health.ts';
import { idempotency } from './idempotency.ts';
import { type AppMetrics, createAppMetrics, routeBaseMarker } from './metrics.ts';
import { ApiDocument, WEBHOOKS_TAG_DESCRIPTION } from './openapi.ts';
import { createRateLimitBackend, perKeyRateLimit, type RateLimitBackend } from './rate-limit.ts';
import { requestLog } from './request-log.ts';

/** What an API's `buildApp` takes besides its config; tests and server.ts pass what they share. */
export interface ApiDeps {
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

/** What an API's route modules get: its config, the database and the shared services. */
export interface ApiServiceContext<C extends ApiSettings = ApiSettings> {
  config: C;
  db: Db;
  logger: Logger;
  scenarios: ScenarioCatalog;
  directory: Directory;
  /** OpenAPI registry: every route registers itself with the schemas it validates with. */
  docs: ApiDocument;
  /** Idempotency-Key handling for POSTs that create something. */
  idempotent: RequestHandler;
  /** The request log's buffered writer; null when REQUEST_LOG_ENABLED=false. */
  requestLog: RequestLogWriter | null;
  /** Shared rate-limit counters (Redis, REDIS_URL); null: this process counts alone. */
  rateLimits: RateLimitBackend | null;
}

/** What differs between the APIs' documents: the title, the description and their own tags. */
export interface ApiDocumentText {
  title: string;
  description: string;
  /** The API's own tags; `Webhooks`, `Request logs` and `Platform` (both APIs have them) follow. */
  tags: Record<string, string>;
}

/** The context of an API: the shared services from `deps`, or new ones from `config`. */
export function createApiContext<C extends ApiSettings>(
  name: string,
  config: C,
  deps: ApiDeps,
  document: ApiDocumentText,
): ApiServiceContext<C> {
  const settings: ApiSettings = config;
  const logger = deps.logger ?? createLogger({ level: settings.logLevel, name });
  return {
    config,
    db: deps.db,
    logger,
    scenarios: deps.scenarios ?? createScenarioCatalog(deps.db, { delayScale: settings.scenarioDelayScale }),
    directory: deps.directory ?? createDirectory(deps.db),
    docs: new ApiDocument({
      title: document.title,
      version: settings.version,
      description: document.description,
      servers: [settings.publicUrl],
      tags: {
        ...document.tags,
        Webhooks: WEBHOOKS_TAG_DESCRIPTION,
        'Request logs': REQUEST_LOGS_TAG_DESCRIPTION,
        Platform: 'Health and this document.',
      },
    }),
    idempotent: idempotency({ pool: deps.db.pool, logger, staleAfterMs: settings.idempotencyStaleAfterMs }),
    requestLog:
      deps.requestLog !== undefined
        ? deps.requestLog
        : settings.requestLog.enabled
          ? createRequestLogWriter({ pool: deps.db.pool, logger })
          : null,
    rateLimits:
      deps.rateLimits !== undefined
        ? deps.rateLimits
        : settings.rateLimitStore
          ? createRateLimitBackend({ ...settings.rateLimitStore, logger })
          : null,
  };
}

/** A route module: registers its handlers on the authenticated router and its OpenAPI entries. */
export type ApiRouteModule<Ctx> = (router: Router, ctx: Ctx) => void;

export interface ApiAppParts<Ctx extends ApiServiceContext> {
  /** The API: its key scope, and its name in the request log. */
  api: RequestLogEntry['api'];
  /** Where the authenticated router is mounted (`/api/v1`); default `/`, routes with their full paths. */
  routeBase?: string;
  /** With the router at `/`: the path prefixes behind an API key (the rest is public). */
  authenticatedPrefixes?: string[];
  /** Health, the document and the docs page: before the request log (not logged, no merchant). */
  platform(app: Express, ctx: Ctx): void;
  /** Served after the request log and before the API key (the hosted page). */
  publicRouters?: Router[];
  routes: ApiRouteModule<Ctx>[];
}

/**
 * Builds an API app around its routes: metrics, the base middleware, the platform routes, the
 * request log, then API key, per-key rate limit and JSON body in front of the route modules, and
 * the 404/error handlers. `app.locals` holds `metrics`, `docs`, `requestLog` and `rateLimits`
 * for whoever holds the app (server.ts, contract tests). Never listens.
 */
export function buildApiApp<Ctx extends ApiServiceContext>(ctx: Ctx, deps: ApiDeps, parts: ApiAppParts<Ctx>): Express {
  const config: ApiSettings = ctx.config;
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
  parts.platform(app, ctx);
  // Everything after this acts for a merchant (or is not logged): records it, and scopes events to it.
  app.use(
    requestLog({
      writer: ctx.requestLog,
      api: parts.api,
      redactFields: config.requestLog.redactFields,
      ...(parts.routeBase ? { routeBase: parts.routeBase } : {}),
    }),
  );
  for (const router of parts.publicRouters ?? []) app.use(router);

  const api = express.Router();
  if (parts.routeBase) api.use(routeBaseMarker());
  const guard: RequestHandler[] = [
    apiKeyAuth({ pool: deps.db.pool, scope: parts.api, onTouchError: (err) => ctx.logger.warn({ err }, 'lastUsedAt') }),
    perKeyRateLimit({ limit: config.rateLimitPerMinute, backend: ctx.rateLimits }),
    jsonBody(),
  ];
  if (parts.authenticatedPrefixes) api.use(parts.authenticatedPrefixes, ...guard);
  else api.use(...guard);
  for (const register of parts.routes) register(api, ctx);
  if (parts.routeBase) app.use(parts.routeBase, api);
  else app.use(api);
  return finishApp(app, ctx.logger);
}

/** An API's health answer: the database within a second, the version, the request log's counters. */
export function apiHealthHandler(ctx: ApiServiceContext) {
  return healthHandler({
    ping: () => pingDatabase(ctx.db, 1_000),
    version: ctx.config.version,
    details: () => ({ requestLog: ctx.requestLog?.stats() ?? null }),
  });
}

/** An API's docs page: rendered from its document at the first request, then served as is. */
export function docsPageHandler(
  ctx: ApiServiceContext,
  options: { openapiUrl: string; sections: () => DocsSection[] },
) {
  let page: string | null = null;
  return (_req: Request, res: Response) => {
    page ??= renderDocsPage(ctx.docs.document() as unknown as Record<string, unknown>, {
      openapiUrl: options.openapiUrl,
      sections: options.sections(),
    });
    res.type('html').setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.send(page);
  };
}
