import {
  booleanFromEnv,
  checkProductionSecrets,
  durationFromEnv,
  loadConfigOrExit,
  parseConfig,
  readPackageVersion,
  secretField,
} from '@mypay/core';
import { apiEnvShape, apiSettingsFromEnv, checkApiEnv } from '@mypay/http';
import { z } from 'zod';

const packageVersion = readPackageVersion(new URL('../package.json', import.meta.url));

export const DEFAULT_PUBLIC_SANDBOX_URL = 'http://127.0.0.1:4002';
// Outside production only, so a developer can run the API with no set-up; production refuses it.
const DEV_CSRF_SECRET = 'dev-only-checkout-csrf-secret-not-for-production';

/**
 * The Payment API's environment: one schema, parsed once at start. What both APIs read is
 * `apiEnvShape` (packages/http); the hosted page is rate-limited per client IP, not per key.
 */
export const paymentApiEnv = z
  .object({
    ...apiEnvShape({ port: 4002, version: packageVersion }),
    /** Test events per minute per merchant (counted in the database): each one goes to every endpoint. */
    WEBHOOK_TEST_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Signs the hosted page's CSRF tokens; ≥ 32 characters in production. */
    CHECKOUT_CSRF_SECRET: secretField,
    /** Secure flag on the hosted page's CSRF cookie (default: on in production). */
    COOKIE_SECURE: booleanFromEnv.optional(),
    /** How long the hosted page shows a successful outcome before sending the customer back. */
    CHECKOUT_REDIRECT_DELAY: durationFromEnv.prefault('2s'),
  })
  .superRefine((env, ctx) => {
    checkProductionSecrets(env, ctx, ['CHECKOUT_CSRF_SECRET']);
    if (env.NODE_ENV === 'production' && !env.PUBLIC_SANDBOX_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_SANDBOX_URL'], message: 'required in production (checkoutUrl)' });
    }
    checkApiEnv(env, ctx);
  })
  .transform((env) => ({
    ...apiSettingsFromEnv(env, 'payment-api'),
    publicUrl: (env.PUBLIC_SANDBOX_URL ?? DEFAULT_PUBLIC_SANDBOX_URL).replace(/\/+$/, ''),
    webhookTestLimitPerMinute: env.WEBHOOK_TEST_LIMIT_PER_MINUTE,
    csrfSecret: env.CHECKOUT_CSRF_SECRET ?? DEV_CSRF_SECRET,
    cookieSecure: env.COOKIE_SECURE ?? env.NODE_ENV === 'production',
    redirectDelayMs: env.CHECKOUT_REDIRECT_DELAY,
  }));

export type PaymentApiConfig = z.output<typeof paymentApiEnv>;

export const parsePaymentApiConfig = (env: Record<string, string | undefined>) => parseConfig(paymentApiEnv, env);
export const loadPaymentApiConfig = () => loadConfigOrExit(paymentApiEnv, 'payment-api');
