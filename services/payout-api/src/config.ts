import { readFileSync } from 'node:fs';
import {
  checkProductionSecrets,
  commonEnvShape,
  loadConfigOrExit,
  parseConfig,
  parseDuration,
  payoutLimitsEnvShape,
  payoutLimitsFromEnv,
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

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const packageVersion = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
})();

/** The Payout API's environment: one schema, parsed once at start. */
export const payoutApiEnv = z
  .object({
    ...commonEnvShape,
    ...webhookEnvShape,
    ...requestLogEnvShape,
    ...payoutLimitsEnvShape,
    PORT: port(4001),
    /** Requests per minute per API key (per replica). Generous by default: a sandbox, and benchmarks. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
    /** Run the scenario worker in this process (turn off to run it elsewhere). */
    WORKER_ENABLED: flag.default(true),
    WORKER_POLL_INTERVAL: duration.prefault('250ms'),
    /** Grace period for in-flight requests on SIGTERM before the process exits anyway. */
    /**
     * An Idempotency-Key whose request has run this long may be taken over by a retry (safe: the
     * first request can no longer commit). The chaos run shortens it to exercise takeovers.
     */
    IDEMPOTENCY_STALE_AFTER: duration.prefault('60s'),
    SHUTDOWN_TIMEOUT: duration.prefault('10s'),
    /** Express `trust proxy`: hops of proxies in front (nginx → 1). */
    TRUST_PROXY: trustProxyField,
    /** Concurrent `GET /events/stream` connections per API key and per merchant (per process). */
    EVENT_STREAM_MAX_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(5),
    EVENT_STREAM_MAX_PER_MERCHANT: z.coerce.number().int().min(1).max(10_000).default(10),
    APP_VERSION: z.string().max(64).default(packageVersion),
    /** The largest single advance of a test clock (docs/test-clocks.md). */
    TEST_CLOCK_MAX_ADVANCE: duration.prefault('30d'),
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
    payoutLimits: payoutLimitsFromEnv(env),
    workerEnabled: env.WORKER_ENABLED,
    workerPollIntervalMs: env.WORKER_POLL_INTERVAL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT,
    idempotencyStaleAfterMs: env.IDEMPOTENCY_STALE_AFTER,
    trustProxy: env.TRUST_PROXY,
    eventStreams: { maxPerKey: env.EVENT_STREAM_MAX_PER_KEY, maxPerMerchant: env.EVENT_STREAM_MAX_PER_MERCHANT },
    version: env.APP_VERSION,
    webhookWorkerEnabled: env.WEBHOOK_WORKER_ENABLED,
    requestLog: requestLogSettingsFromEnv(env),
    webhooks: webhookSettingsFromEnv({ ...env, allowPrivateTargets: resolveAllowPrivateTargets(env) }),
  }));

export type PayoutApiConfig = z.output<typeof payoutApiEnv>;

export const parsePayoutApiConfig = (env: Record<string, string | undefined>) => parseConfig(payoutApiEnv, env);
export const loadPayoutApiConfig = () => loadConfigOrExit(payoutApiEnv, 'payout-api');
