import {
  booleanFromEnv,
  commonEnvShape,
  durationFromEnv,
  port,
  requestLogEnvShape,
  requestLogSettingsFromEnv,
  resolveAllowPrivateTargets,
  resolveDatabaseUrl,
  trustProxyField,
  webhookEnvShape,
  webhookSettingsFromEnv,
} from '@mypay/core';
import { z } from 'zod';

/**
 * The variables both APIs read, with core's pieces (`commonEnvShape`, webhooks, request log);
 * a service spreads this into its schema and adds its own (`PORT`'s default and `APP_VERSION`'s
 * are the service's).
 */
export function apiEnvShape(defaults: { port: number; version: string }) {
  return {
    ...commonEnvShape,
    ...webhookEnvShape,
    ...requestLogEnvShape,
    PORT: port(defaults.port),
    /**
     * Requests per minute per API key (across replicas with REDIS_URL, else per replica).
     * Generous by default: a sandbox, and benchmarks.
     */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
    /** Run this API's workers in this process (turn off to run them elsewhere). */
    WORKER_ENABLED: booleanFromEnv.default(true),
    WORKER_POLL_INTERVAL: durationFromEnv.prefault('250ms'),
    /**
     * An Idempotency-Key whose request has run this long may be taken over by a retry (safe: the
     * first request can no longer commit). The chaos run shortens it to exercise takeovers.
     */
    IDEMPOTENCY_STALE_AFTER: durationFromEnv.prefault('60s'),
    /** Grace period for in-flight requests on SIGTERM before the process exits anyway. */
    SHUTDOWN_TIMEOUT: durationFromEnv.prefault('10s'),
    /** Express `trust proxy`: hops of proxies in front (nginx → 1). */
    TRUST_PROXY: trustProxyField,
    /** Serve /metrics on this port instead of PORT (docs/operations.md). */
    METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    /** PEM files whose expiry /metrics exports (comma-separated; Compose: the edge's certificate). */
    METRICS_CERT_FILES: z.string().default(''),
    /** File systems whose free space /metrics exports (comma-separated). */
    METRICS_DISK_PATHS: z.string().default('/'),
    APP_VERSION: z.string().max(64).default(defaults.version),
  };
}

export type ApiEnv = z.output<z.ZodObject<ReturnType<typeof apiEnvShape>>>;

/** The production rules both APIs share (after `checkProductionSecrets`). */
export function checkApiEnv(env: Pick<ApiEnv, 'NODE_ENV' | 'SCENARIO_DELAY_SCALE'>, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV === 'production' && env.SCENARIO_DELAY_SCALE === 0) {
    ctx.addIssue({ code: 'custom', path: ['SCENARIO_DELAY_SCALE'], message: 'must be above 0 in production' });
  }
}

const fileList = (text: string) =>
  text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);

/**
 * The config fields both APIs have, from `apiEnvShape`'s variables; `name` is the service's
 * (its prefix in the shared rate-limit store).
 */
export function apiSettingsFromEnv(env: ApiEnv, name: string) {
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: resolveDatabaseUrl(env),
    dbPoolSize: env.DB_POOL_SIZE,
    logLevel: env.LOG_LEVEL,
    scenarioDelayScale: env.SCENARIO_DELAY_SCALE,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    /** Shared rate-limit store (Redis) and this service's prefix in it; null: counted per process. */
    rateLimitStore: env.REDIS_URL
      ? { redisUrl: env.REDIS_URL, prefix: `${env.RATE_LIMIT_REDIS_PREFIX}${name}:` }
      : null,
    workerEnabled: env.WORKER_ENABLED,
    workerPollIntervalMs: env.WORKER_POLL_INTERVAL,
    webhookWorkerEnabled: env.WEBHOOK_WORKER_ENABLED,
    requestLog: requestLogSettingsFromEnv(env),
    webhooks: webhookSettingsFromEnv({ ...env, allowPrivateTargets: resolveAllowPrivateTargets(env) }),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT,
    idempotencyStaleAfterMs: env.IDEMPOTENCY_STALE_AFTER,
    trustProxy: env.TRUST_PROXY,
    metricsPort: env.METRICS_PORT,
    metricsCertificateFiles: fileList(env.METRICS_CERT_FILES),
    metricsDiskPaths: fileList(env.METRICS_DISK_PATHS),
    version: env.APP_VERSION,
  };
}

/** What both APIs' config objects hold: the shared fields and where integrators reach the API. */
export type ApiSettings = ReturnType<typeof apiSettingsFromEnv> & { publicUrl: string };
