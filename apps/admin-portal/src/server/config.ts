import {
  type PortalAuthConfig,
  parseConfig,
  portalEnvSchema,
  resolveDatabaseUrl,
  resolvePortalAuthConfig,
  type TrustProxySetting,
  trustProxyField,
} from '@mypay/core';
import { z } from 'zod';

const schema = portalEnvSchema('ADMIN').and(
  z.object({
    // Which hops of X-Forwarded-For to trust for the client address (behind one nginx: 1).
    TRUST_PROXY: trustProxyField,
    // Where the system page checks each API's /health (the internal addresses, not the public host).
    PAYOUT_API_URL: z.url().default('http://127.0.0.1:4001'),
    PAYMENT_API_URL: z.url().default('http://127.0.0.1:4002'),
  }),
);

export interface AdminPortalConfig {
  nodeEnv: string;
  databaseUrl: string;
  auth: PortalAuthConfig;
  trustProxy: TrustProxySetting;
  payoutApiUrl: string;
  paymentApiUrl: string;
}

let cached: AdminPortalConfig | undefined;

/** Parsed once per process, on first use (not at build time). */
export function getConfig(): AdminPortalConfig {
  if (cached) return cached;
  // Next's server forces NODE_ENV=production; scripts/start.mjs keeps the one it was started
  // with in MYPAY_NODE_ENV, so a local or test run keeps its dev defaults.
  const env = parseConfig(schema, { ...process.env, NODE_ENV: process.env.MYPAY_NODE_ENV ?? process.env.NODE_ENV });
  cached = {
    nodeEnv: env.NODE_ENV,
    databaseUrl: resolveDatabaseUrl(env),
    trustProxy: env.TRUST_PROXY,
    auth: resolvePortalAuthConfig('ADMIN', env),
    payoutApiUrl: env.PAYOUT_API_URL.replace(/\/$/, ''),
    paymentApiUrl: env.PAYMENT_API_URL.replace(/\/$/, ''),
  };
  return cached;
}
