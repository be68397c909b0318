import {
  booleanFromEnv,
  checkProductionSecrets,
  commonEnvShape,
  durationFromEnv,
  loadConfigOrExit,
  parseConfig,
  payoutLimitsEnvShape,
  payoutLimitsFromEnv,
  port,
  readPackageVersion,
  requestLogEnvShape,
  requestLogSettingsFromEnv,
  resolveAllowPrivateTargets,
  resolveDatabaseUrl,
  trustProxyField,
  webhookEnvShape,
  webhookSettingsFromEnv,
} from '@mypay/core';
import { z } from 'zod';

const packageVersion = readPackageVersion(new URL('../package.json', import.meta.url));

/** The Payout API's environment: one schema, parsed once at start. */
export const payoutApiEnv = z
  .object({
    ...commonEnvShape,
    ...webhookEnvShape,
    ...requestLogEnvShape,
    ...payoutLimitsEnvShape,
    PORT: port(4001),
    /** Requests per minute per API key (across replicas with REDIS_URL, else per replica). Generous by default: a sandbox, and benchmarks. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
    /** Run the scenario worker in this process (turn off to run it elsewhere). */
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
    /** Concurrent `GET /events/stream` connections per API key and per merchant (per process). */
    EVENT_STREAM_MAX_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(5),
    EVENT_STREAM_MAX_PER_MERCHANT: z.coerce.number().int().min(1).max(10_000).default(10),
    APP_VERSION: z.string().max(64).default(packageVersion),
    /** The largest single advance of a test clock (docs/test-clocks.md). */
    TEST_CLOCK_MAX_ADVANCE: durationFromEnv.prefault('30d'),
    /** Where integrators reach this API (the OpenAPI `servers`); default PUBLIC_SANDBOX_URL, else this process. */
    PUBLIC_PAYOUT_API_URL: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    checkProductionSecrets(env, ctx, []);
    if (env.NODE_ENV === 'production' && env.SCENARIO_DELAY_SCALE === 0) {
      ctx.addIssue({ code: 'custom', path: ['SCENARIO_DELAY_SCALE'], message: 'must be above 0 in production' });
    }
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    publicUrl: (env.PUBLIC_PAYOUT_API_URL ?? env.PUBLIC_SANDBOX_URL ?? `http://127.0.0.1:${env.PORT}`).replace(
      /\/+$/,
      '',
    ),
    /** The Payment API's base (`checkoutUrl` of the checkouts a test clock advance expires). */
    checkoutPublicUrl: (env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4002').replace(/\/+$/, ''),
    testClockMaxAdvanceMs: env.TEST_CLOCK_MAX_ADVANCE,
    databaseUrl: resolveDatabaseUrl(env),
    dbPoolSize: env.DB_POOL_SIZE,
    logLevel: env.LOG_LEVEL,
    scenarioDelayScale: env.SCENARIO_DELAY_SCALE,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    /** Shared rate-limit store (Redis) and this service's prefix in it; null: counted per process. */
    rateLimitStore: env.REDIS_URL
      ? { redisUrl: env.REDIS_URL, prefix: `${env.RATE_LIMIT_REDIS_PREFIX}payout-api:` }
      : null,
    payoutLimits: payoutLimitsFromEnv(env),
    workerEnabled: env.WORKER_ENABLED,
    workerPollIntervalMs: env.WORKER_POLL_INTERVAL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT,
    idempotencyStaleAfterMs: env.IDEMPOTENCY_STALE_AFTER,
    trustProxy: env.TRUST_PROXY,
    metricsPort: env.METRICS_PORT,
    metricsCertificateFiles: env.METRICS_CERT_FILES.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    metricsDiskPaths: env.METRICS_DISK_PATHS.split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    eventStreams: { maxPerKey: env.EVENT_STREAM_MAX_PER_KEY, maxPerMerchant: env.EVENT_STREAM_MAX_PER_MERCHANT },
    version: env.APP_VERSION,
    webhookWorkerEnabled: env.WEBHOOK_WORKER_ENABLED,
    requestLog: requestLogSettingsFromEnv(env),
    webhooks: webhookSettingsFromEnv({ ...env, allowPrivateTargets: resolveAllowPrivateTargets(env) }),
  }));

export type PayoutApiConfig = z.output<typeof payoutApiEnv>;

export const parsePayoutApiConfig = (env: Record<string, string | undefined>) => parseConfig(payoutApiEnv, env);
export const loadPayoutApiConfig = () => loadConfigOrExit(payoutApiEnv, 'payout-api');
