import type { ApiRouteModule, ApiServiceContext } from '@mypay/http';
import type { PayoutApiConfig } from './config.ts';

/** What route modules get: the config, the database and the shared services (`createApiContext`). */
export type ApiContext = ApiServiceContext<PayoutApiConfig>;

/** A route module: registers its handlers on the authenticated /api/v1 router and its OpenAPI entries. */
export type RouteModule = ApiRouteModule<ApiContext>;

export const API_BASE = '/api/v1';
