import {
  type PortalAuthConfig,
  parseConfig,
  portalEnvSchema,
  resolveDatabaseUrl,
  resolvePortalAuthConfig,
  type SessionRealm,
  type TrustProxySetting,
  trustProxyField,
} from '@mypay/core';
import { z } from 'zod';

/** What every portal process reads: its session, its database, its proxy and its metrics listener. */
export interface PortalBaseConfig {
  nodeEnv: string;
  logLevel: string;
  databaseUrl: string;
  auth: PortalAuthConfig;
  trustProxy: TrustProxySetting;
  /** METRICS_PORT: /metrics on a listener of its own instead of the portal's port. */
  metricsPort?: number;
}

// Which hops of X-Forwarded-For to trust for the client address (behind one nginx: 1).
const proxyShape = { TRUST_PROXY: trustProxyField };

/** The parsed env of a portal whose own variables are `shape`. */
export type PortalEnv<S extends z.ZodRawShape> = z.output<ReturnType<typeof portalEnvSchema>> &
  z.output<z.ZodObject<typeof proxyShape>> &
  z.output<z.ZodObject<S>>;

/**
 * A portal's config getter: the common settings plus the portal's own (`shape`, turned into
 * config by `build`). Parsed once per process, on first use (not at build time); a problem is
 * reported as `NAME: message` (parseConfig).
 */
export function definePortalConfig<S extends z.ZodRawShape, T extends object>(
  realm: SessionRealm,
  shape: S,
  build: (env: PortalEnv<S>) => T,
): () => PortalBaseConfig & T {
  const schema = portalEnvSchema(realm).and(z.object(proxyShape)).and(z.object(shape));
  let cached: (PortalBaseConfig & T) | undefined;
  return () => {
    if (cached) return cached;
    // Next's server forces NODE_ENV=production; scripts/start.mjs keeps the one it was started
    // with in MYPAY_NODE_ENV, so a local or test run keeps its dev defaults.
    const env = parseConfig(schema, {
      ...process.env,
      NODE_ENV: process.env.MYPAY_NODE_ENV ?? process.env.NODE_ENV,
    }) as PortalEnv<S>;
    cached = {
      nodeEnv: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      databaseUrl: resolveDatabaseUrl(env),
      trustProxy: env.TRUST_PROXY,
      metricsPort: env.METRICS_PORT,
      auth: resolvePortalAuthConfig(realm, env),
      ...build(env),
    };
    return cached;
  };
}
