import {
  type PayoutLimits,
  type PortalAuthConfig,
  parseConfig,
  payoutLimitsEnvShape,
  payoutLimitsFromEnv,
  portalEnvSchema,
  resolveAllowPrivateTargets,
  resolveDatabaseUrl,
  resolvePortalAuthConfig,
  type TrustProxySetting,
  trustProxyField,
  type WebhookSettings,
  webhookSettingsFromEnv,
} from '@mypay/core';
import { z } from 'zod';

const schema = portalEnvSchema('MERCHANT').and(
  z.object({
    // Which hops of X-Forwarded-For to trust for the client address (behind one nginx: 1).
    TRUST_PROXY: trustProxyField,
    // Shown on the Developers page and used by "create test checkout".
    PUBLIC_SANDBOX_URL: z.url().optional(),
    PUBLIC_PAYOUT_API_URL: z.url().optional(),
    ...payoutLimitsEnvShape,
  }),
);

export interface PortalConfig {
  nodeEnv: string;
  databaseUrl: string;
  auth: PortalAuthConfig;
  trustProxy: TrustProxySetting;
  payoutApiBaseUrl: string;
  paymentApiBaseUrl: string;
  scenarioDelayScale: number;
  payoutLimits: PayoutLimits;
  webhooks: WebhookSettings;
}

let cached: PortalConfig | undefined;

/** Parsed once per process, on first use (not at build time). */
export function getConfig(): PortalConfig {
  if (cached) return cached;
  // Next's server forces NODE_ENV=production; scripts/start.mjs keeps the one it was started
  // with in MYPAY_NODE_ENV, so a local or test run keeps its dev defaults.
  const env = parseConfig(schema, { ...process.env, NODE_ENV: process.env.MYPAY_NODE_ENV ?? process.env.NODE_ENV });
  cached = {
    nodeEnv: env.NODE_ENV,
    databaseUrl: resolveDatabaseUrl(env),
    trustProxy: env.TRUST_PROXY,
    auth: resolvePortalAuthConfig('MERCHANT', env),
    payoutApiBaseUrl: `${(env.PUBLIC_PAYOUT_API_URL ?? env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4001').replace(/\/$/, '')}/api/v1`,
    paymentApiBaseUrl: (env.PUBLIC_SANDBOX_URL ?? 'http://127.0.0.1:4002').replace(/\/$/, ''),
    scenarioDelayScale: env.SCENARIO_DELAY_SCALE,
    payoutLimits: payoutLimitsFromEnv(env),
    webhooks: webhookSettingsFromEnv({
      WEBHOOK_RETRY_SCHEDULE: env.WEBHOOK_RETRY_SCHEDULE,
      allowPrivateTargets: resolveAllowPrivateTargets(env),
    }),
  };
  return cached;
}
