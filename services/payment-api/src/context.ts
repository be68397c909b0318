import type { Directory, Logger, RequestLogWriter, ScenarioCatalog } from '@mypay/core';
import type { Db } from '@mypay/db';
import type { ApiDocument, RateLimitBackend } from '@mypay/http';
import type { RequestHandler, Router } from 'express';
import type { PaymentApiConfig } from './config.ts';

/** What route modules get: the config, the database and the shared services. */
export interface ApiContext {
  config: PaymentApiConfig;
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

/**
 * A route module: registers its handlers on the authenticated router and its OpenAPI entries.
 * The Payment API's paths have no common base (SPEC), so the router is mounted at `/` and
 * routes use their full paths.
 */
export type RouteModule = (router: Router, ctx: ApiContext) => void;

/** Path prefixes served behind an API key (the hosted page, health and docs are public). */
export const AUTHENTICATED_PREFIXES = [
  '/api/checkout',
  '/checkouts',
  '/payment',
  '/transactions',
  '/refunds',
  '/sandbox/payments',
  '/webhooks',
  '/request-logs',
];

/** The OpenAPI document and docs page are also served under /api/checkout/, which nginx routes here. */
export const DOCS_PREFIX = '/api/checkout';
