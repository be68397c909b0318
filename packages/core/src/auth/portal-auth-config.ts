import { z } from 'zod';
import { booleanFromEnv, checkProductionSecrets, commonEnvShape, durationFromEnv, secretField } from '../config.ts';

/** The two portals. Each has its own cookie and signing secret, so a session of one never opens the other. */
export type SessionRealm = 'MERCHANT' | 'ADMIN';

// Outside production only: a fixed secret so a developer can run a portal with no set-up.
// Production refuses to start without a real secret (checkProductionSecrets).
const DEV_SECRETS: Record<SessionRealm, string> = {
  MERCHANT: 'dev-only-merchant-portal-session-secret-not-for-production',
  ADMIN: 'dev-only-admin-portal-session-secret-not-for-production',
};

const SECRET_VARIABLE: Record<SessionRealm, 'MERCHANT_JWT_SECRET' | 'ADMIN_JWT_SECRET'> = {
  MERCHANT: 'MERCHANT_JWT_SECRET',
  ADMIN: 'ADMIN_JWT_SECRET',
};

export const SESSION_COOKIE_NAME: Record<SessionRealm, string> = {
  MERCHANT: 'mypay_merchant_session',
  ADMIN: 'mypay_admin_session',
};

/** The env schema of a portal process: common fields plus its session settings. */
export function portalEnvSchema(realm: SessionRealm) {
  const secretName = SECRET_VARIABLE[realm];
  return z
    .object({
      ...commonEnvShape,
      [secretName]: secretField,
      COOKIE_SECURE: booleanFromEnv.optional(),
      /** Serve /metrics on this port instead of the portal's own (docs/operations.md). */
      METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
      SESSION_TTL: durationFromEnv.prefault('8h').pipe(
        z
          .number()
          .min(60_000, 'at least 1 minute')
          .max(7 * 86_400_000, 'at most 7 days'),
      ),
    })
    .superRefine((env, ctx) => checkProductionSecrets(env, ctx, [secretName]));
}

export interface PortalAuthConfig {
  realm: SessionRealm;
  cookieName: string;
  /** HS256 key for the session JWT. */
  secret: Uint8Array;
  /** `Secure` flag on the cookie: COOKIE_SECURE, else true in production. */
  cookieSecure: boolean;
  sessionTtlSeconds: number;
}

/** Session settings from a parsed portal env (see portalEnvSchema). */
export function resolvePortalAuthConfig(
  realm: SessionRealm,
  env: { NODE_ENV: string; COOKIE_SECURE?: boolean | undefined; SESSION_TTL: number } & Record<string, unknown>,
): PortalAuthConfig {
  const given = env[SECRET_VARIABLE[realm]];
  const secret = typeof given === 'string' && given.length > 0 ? given : DEV_SECRETS[realm];
  return {
    realm,
    cookieName: SESSION_COOKIE_NAME[realm],
    secret: new TextEncoder().encode(secret),
    cookieSecure: env.COOKIE_SECURE ?? env.NODE_ENV === 'production',
    sessionTtlSeconds: Math.floor(env.SESSION_TTL / 1000),
  };
}
