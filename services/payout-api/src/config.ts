import {
  checkProductionSecrets,
  durationFromEnv,
  loadConfigOrExit,
  parseConfig,
  payoutLimitsEnvShape,
  payoutLimitsFromEnv,
  readPackageVersion,
} from '@mypay/core';
import { apiEnvShape, apiSettingsFromEnv, checkApiEnv } from '@mypay/http';
import { z } from 'zod';

const packageVersion = readPackageVersion(new URL('../package.json', import.meta.url));

/** The Payout API's environment: one schema, parsed once at start (what both APIs read: `apiEnvShape`). */
export const payoutApiEnv = z
  .object({
    ...apiEnvShape({ port: 4001, version: packageVersion }),
    ...payoutLimitsEnvShape,
    /** Concurrent `GET /events/stream` connections per API key and per merchant (per process). */
    EVENT_STREAM_MAX_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(5),
    EVENT_STREAM_MAX_PER_MERCHANT: z.coerce.number().int().min(1).max(10_000).default(10),
    /** The largest single advance of a test clock (docs/test-clocks.md). */
    TEST_CLOCK_MAX_ADVANCE: durationFromEnv.prefault('30d'),
    /** Where integrators reach this API (the OpenAPI `servers`); default PUBLIC_SANDBOX_URL, else this process. */
    PUBLIC_PAYOUT_API_URL: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    checkProductionSecrets(env, ctx, []);
    checkApiEnv(env, ctx);
  })
  .transform((env) => ({
    ...apiSettingsFromEnv(env, 'payout-api'),
    publicUrl: (env.PUBLIC_PAYOUT_API_URL ?? env.PUBLIC_SANDBOX_URL ?? `http://127.0.0.1:${env.PORT}`).replace(
      /\/+$/,
      '',
    ),
    /** The Payment API's base (`checkoutUrl` of the checkouts a test clock advance expires). */
    checkoutPublicUrl: (env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4002').replace(/\/+$/, ''),
    testClockMaxAdvanceMs: env.TEST_CLOCK_MAX_ADVANCE,
    payoutLimits: payoutLimitsFromEnv(env),
    eventStreams: { maxPerKey: env.EVENT_STREAM_MAX_PER_KEY, maxPerMerchant: env.EVENT_STREAM_MAX_PER_MERCHANT },
  }));

export type PayoutApiConfig = z.output<typeof payoutApiEnv>;

export const parsePayoutApiConfig = (env: Record<string, string | undefined>) => parseConfig(payoutApiEnv, env);
export const loadPayoutApiConfig = () => loadConfigOrExit(payoutApiEnv, 'payout-api');
