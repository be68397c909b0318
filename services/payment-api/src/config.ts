import {
  booleanFromEnv,
  checkProductionSecrets,
  commonEnvShape,
  durationFromEnv,
  loadConfigOrExit,
  parseConfig,
  port,
  readPackageVersion,
  requestLogEnvShape,
  requestLogSettingsFromEnv,
  resolveAllowPrivateTargets,
  resolveDatabaseUrl,
  secretField,
  trustProxyField,
  webhookEnvShape,
  webhookSettingsFromEnv,
} from '@mypay/core';
import { z } from 'zod';

const packageVersion = readPackageVersion(new URL('../package.json', import.meta.url));

export const DEFAULT_PUBLIC_SANDBOX_URL = 'http://127.0.0.1:4002';
// Outside production only, so a developer can run the API with no set-up; production refuses it.
const DEV_CSRF_SECRET = 'dev-only-checkout-csrf-secret-not-for-production';

/** The Payment API's environment: one schema, parsed once at start. */
export const paymentApiEnv = z
  .object({
    ...commonEnvShape,
    ...webhookEnvShape,
    ...requestLogEnvShape,
    PORT: port(4002),
    /** Requests per minute per API key (per replica); the hosted page is limited per client IP. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
    /** Test events per minute per merchant (counted in the database): each one goes to every endpoint. */
    WEBHOOK_TEST_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Run the payment-scenario and checkout-expiry workers in this process. */
    WORKER_ENABLED: booleanFromEnv.default(true),
    WORKER_POLL_INTERVAL: durationFromEnv.prefault('250ms'),
    /** Signs the hosted page's CSRF tokens; ≥ 32 characters in production. */
    CHECKOUT_CSRF_SECRET: secretField,
    /** Secure flag on the hosted page's CSRF cookie (default: on in production). */
    COOKIE_SECURE: booleanFromEnv.optional(),
    /** How long the hosted page shows a successful outcome before sending the customer back. */
    CHECKOUT_REDIRECT_DELAY: durationFromEnv.prefault('2s'),
    /**
     * An Idempotency-Key whose request has run this long may be taken over by a retry (safe: the
     * first request can no longer commit). The chaos run shortens it to exercise takeovers.
     */
    IDEMPOTENCY_STALE_AFTER: durationFromEnv.prefault('60s'),
    SHUTDOWN_TIMEOUT: durationFromEnv.prefault('10s'),
    TRUST_PROXY: trustProxyField,
    /** Serve /metrics on this port instead of PORT (docs/operations.md). */
    METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    /** PEM files whose expiry /metrics exports (comma-separated; Compose: the edge's certificate). */
    METRICS_CERT_FILES: z.string().default(''),
    /** File systems whose free space /metrics exports (comma-separated). */
    METRICS_DISK_PATHS: z.string().default('/'),
    APP_VERSION: z.string().max(64).default(packageVersion),
  })
  .superRefine((env, ctx) => {
    checkProductionSecrets(env, ctx, ['CHECKOUT_CSRF_SECRET']);
    if (env.NODE_ENV === 'production' && !env.PUBLIC_SANDBOX_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_SANDBOX_URL'], message: 'required in production (checkoutUrl)' });
    }
    if (env.NODE_ENV === 'production' && env.SCENARIO_DELAY_SCALE === 0) {
      ctx.addIssue({ code: 'custom', path: ['SCENARIO_DELAY_SCALE'], message: 'must be above 0 in production' });
    }
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: resolveDatabaseUrl(env),
    dbPoolSize: env.DB_POOL_SIZE,
    logLevel: env.LOG_LEVEL,
    publicUrl: (env.PUBLIC_SANDBOX_URL ?? DEFAULT_PUBLIC_SANDBOX_URL).replace(/\/+$/, ''),
    scenarioDelayScale: env.SCENARIO_DELAY_SCALE,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    /** Shared rate-limit store (Redis) and this service's prefix in it; null: counted per process. */
    rateLimitStore: env.REDIS_URL
      ? { redisUrl: env.REDIS_URL, prefix: `${env.RATE_LIMIT_REDIS_PREFIX}payment-api:` }
      : null,
    webhookTestLimitPerMinute: env.WEBHOOK_TEST_LIMIT_PER_MINUTE,
    workerEnabled: env.WORKER_ENABLED,
    workerPollIntervalMs: env.WORKER_POLL_INTERVAL,
    webhookWorkerEnabled: env.WEBHOOK_WORKER_ENABLED,
    requestLog: requestLogSettingsFromEnv(env),
    webhooks: webhookSettingsFromEnv({ ...env, allowPrivateTargets: resolveAllowPrivateTargets(env) }),
    csrfSecret: env.CHECKOUT_CSRF_SECRET ?? DEV_CSRF_SECRET,
    cookieSecure: env.COOKIE_SECURE ?? env.NODE_ENV === 'production',
    redirectDelayMs: env.CHECKOUT_REDIRECT_DELAY,
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
    version: env.APP_VERSION,
  }));

export type PaymentApiConfig = z.output<typeof paymentApiEnv>;

export const parsePaymentApiConfig = (env: Record<string, string | undefined>) => parseConfig(paymentApiEnv, env);
export const loadPaymentApiConfig = () => loadConfigOrExit(paymentApiEnv, 'payment-api');
