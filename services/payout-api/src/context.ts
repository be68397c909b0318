import type { Directory, Logger, RequestLogWriter, ScenarioCatalog } from '@mypay/core';
import type { Db } from '@mypay/db';
import type { ApiDocument, RateLimitBackend } from '@mypay/http';
import type { RequestHandler, Router } from 'express';
import type { PayoutApiConfig } from './config.ts';

/** What route modules get: the config, the database and the shared services. */
export interface ApiContext {
  config: PayoutApiConfig;
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

/** A route module: registers its handlers on the authenticated /api/v1 router and its OpenAPI entries. */
export type RouteModule = (router: Router, ctx: ApiContext) => void;

export const API_BASE = '/api/v1';
