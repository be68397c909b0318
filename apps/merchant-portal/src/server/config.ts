import {
  parseDuration,
  payoutLimitsEnvShape,
  payoutLimitsFromEnv,
  resolveAllowPrivateTargets,
  webhookSettingsFromEnv,
} from '@mypay/core';
import { definePortalConfig } from '@mypay/portal-server/config';
import { z } from 'zod';

/** The merchant portal's settings: the common portal ones (packages/portal-server) and these. */
export const getConfig = definePortalConfig(
  'MERCHANT',
  {
    // Shown on the Developers page and used by "create test checkout".
    PUBLIC_SANDBOX_URL: z.url().optional(),
    PUBLIC_PAYOUT_API_URL: z.url().optional(),
    ...payoutLimitsEnvShape,
    // The largest step of one test clock advance, as in the Payout API (docs/test-clocks.md).
    TEST_CLOCK_MAX_ADVANCE: z
      .string()
      .default('30d')
      .transform((text, ctx) => {
        try {
          return parseDuration(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  },
  (env) => ({
    payoutApiBaseUrl: `${(env.PUBLIC_PAYOUT_API_URL ?? env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4001').replace(/\/$/, '')}/api/v1`,
    paymentApiBaseUrl: (env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4002').replace(/\/$/, ''),
    scenarioDelayScale: env.SCENARIO_DELAY_SCALE,
    payoutLimits: payoutLimitsFromEnv(env),
    testClockMaxAdvanceMs: env.TEST_CLOCK_MAX_ADVANCE,
    webhooks: webhookSettingsFromEnv({
      WEBHOOK_RETRY_SCHEDULE: env.WEBHOOK_RETRY_SCHEDULE,
      allowPrivateTargets: resolveAllowPrivateTargets(env),
    }),
  }),
);
