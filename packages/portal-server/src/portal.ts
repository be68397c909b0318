import {
  clientIpFromForwardedFor,
  createLogger,
  getSessionPrincipal,
  type Logger,
  type PortalPrincipal,
  type RequestContext,
  type SessionRealm,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import {
  type AppMetrics,
  createAppMetrics,
  observeAllHttpServers,
  portalRouteOf,
  startMetricsServer,
} from '@mypay/http/metrics';
import { logProcessErrors } from '@mypay/http/process-errors';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { PortalBaseConfig } from './config.ts';
import { csvResponse } from './csv-response.ts';
import { type FormState, toFormState } from './errors.ts';

export interface PortalDefinition<C extends PortalBaseConfig> {
  /** The process name in logs: `merchant-portal`, `admin-portal`. */
  name: string;
  /** Whose sessions this portal accepts (its own cookie and secret). */
  realm: SessionRealm;
  getConfig: () => C;
}

/** One portal's server side, bound to its realm and config (see definePortal). */
export interface Portal<C extends PortalBaseConfig = PortalBaseConfig> {
  name: string;
  realm: SessionRealm;
  getConfig: () => C;
  /** One pool per server process (kept across dev reloads). */
  getDb: () => Db;
  logger: () => Logger;
  /** The signed-in principal of this request, or null. Cached per request. */
  getCurrentPrincipal: () => Promise<PortalPrincipal | null>;
  /** Every page, action and route but login starts here: no session → the login page. */
  requirePrincipal: () => Promise<PortalPrincipal>;
  getRequestContext: () => Promise<RequestContext>;
  /** A failed action's form state; anything but an AppError is logged with this portal's logger. */
  toFormState: (error: unknown) => FormState;
  /** A streamed CSV download named `<name>-<time>.csv`; a failed read is logged with this portal's logger. */
  csvResponse: (rows: AsyncGenerator<string>, name: string) => Response;
  getMetrics: () => AppMetrics;
  /** At server start (src/instrumentation.ts): process-level error logging, metrics, METRICS_PORT's listener. */
  start: () => Promise<void>;
}

interface PortalProcessState {
  db?: Db;
  logger?: Logger;
  metrics?: AppMetrics;
}

// Kept on globalThis: Next bundles the instrumentation hook, routes and pages separately, and
// each bundle has its own copy of this module; the pool, logger and registry are per process.
const processes = globalThis as unknown as { __mypayPortals?: Record<string, PortalProcessState> };

/** Binds the shared portal server code to one portal: its name, session realm and config. */
export function definePortal<C extends PortalBaseConfig>(definition: PortalDefinition<C>): Portal<C> {
  const { name, realm, getConfig } = definition;
  processes.__mypayPortals ??= {};
  processes.__mypayPortals[name] ??= {};
  const state = processes.__mypayPortals[name];

  const getDb = () => {
    state.db ??= createDb(getConfig().databaseUrl, { connectionLimit: 10 });
    return state.db;
  };
  const logger = () => {
    state.logger ??= createLogger({ level: getConfig().logLevel, name });
    return state.logger;
  };

  const getCurrentPrincipal = cache(async (): Promise<PortalPrincipal | null> => {
    // cookies() first: it marks the page as dynamic before any config or database access.
    const jar = await cookies();
    const { auth } = getConfig();
    // Only this portal's cookie, verified with its secret and audience: another realm's session never counts.
    return getSessionPrincipal(getDb(), auth, jar.get(auth.cookieName)?.value);
  });

  const requirePrincipal = async (): Promise<PortalPrincipal> => {
    const principal = await getCurrentPrincipal();
    if (!principal) redirect('/login');
    // A password someone else chose (seed, admin reset) must be replaced before anything else.
    if (principal.mustChangePassword) redirect('/account/password');
    return principal;
  };

  /**
   * Client address and user agent for the audit trail. The address is the one the trusted proxy
   * saw (nginx appends it to X-Forwarded-For; TRUST_PROXY says how many hops to trust), never the
   * header's first entry, which the client writes.
   */
  const getRequestContext = async (): Promise<RequestContext> => {
    const h = await headers();
    return {
      ip: clientIpFromForwardedFor(h.get('x-forwarded-for'), getConfig().trustProxy),
      userAgent: h.get('user-agent'),
      requestId: h.get('x-request-id'),
    };
  };

  /**
   * The portal's metrics (one registry per process). Every request of the server is counted
   * (observeAllHttpServers); the route label is the path with ids folded (portalRouteOf).
   */
  const getMetrics = (): AppMetrics => {
    if (state.metrics) return state.metrics;
    const metrics = createAppMetrics({ pool: getDb().pool });
    observeAllHttpServers((method, path, status, seconds) =>
      metrics.observeRequest(method, portalRouteOf(path), status, seconds),
    );
    state.metrics = metrics;
    return metrics;
  };

  const start = async (): Promise<void> => {
    logProcessErrors(logger(), { exitOnRejection: false });
    const metrics = getMetrics();
    const port = getConfig().metricsPort;
    if (port !== undefined) await startMetricsServer(metrics, port, process.env.HOSTNAME || '0.0.0.0');
  };

  return {
    name,
    realm,
    getConfig,
    getDb,
    logger,
    getCurrentPrincipal,
    requirePrincipal,
    getRequestContext,
    toFormState: (error) => toFormState(error, logger()),
    csvResponse: (rows, name) => csvResponse(rows, name, logger()),
    getMetrics,
    start,
  };
}

/** The /metrics route (nginx answers 404 for it on the public hosts). */
export async function metricsResponse(portal: Portal): Promise<Response> {
  if (portal.getConfig().metricsPort !== undefined) return new Response('not found\n', { status: 404 });
  const metrics = portal.getMetrics();
  return new Response(await metrics.text(), {
    headers: { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' },
  });
}
