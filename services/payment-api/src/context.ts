import type { ApiRouteModule, ApiServiceContext } from '@mypay/http';
import type { PaymentApiConfig } from './config.ts';

/** What route modules get: the config, the database and the shared services (`createApiContext`). */
export type ApiContext = ApiServiceContext<PaymentApiConfig>;

/**
 * A route module: registers its handlers on the authenticated router and its OpenAPI entries.
 * The Payment API's paths have no common base (SPEC), so the router is mounted at `/` and
 * routes use their full paths.
 */
export type RouteModule = ApiRouteModule<ApiContext>;

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
