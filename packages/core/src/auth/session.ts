import type { Db } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { findAdminAccount, findMerchantAccount, incrementSessionVersion } from './account-repository.ts';
import type { PortalPrincipal } from './login.ts';
import type { PortalAuthConfig, SessionRealm } from './portal-auth-config.ts';
import type { RequestContext } from './request-context.ts';
import { signSessionToken, verifySessionToken } from './session-token.ts';

export interface SessionCookie {
  name: string;
  value: string;
  options: {
    httpOnly: true;
    sameSite: 'lax';
    secure: boolean;
    path: '/';
    maxAge: number;
  };
}

/**
 * The cookie that carries a new session for `principal` (httpOnly, SameSite=Lax, Secure per
 * config). The token carries the account's session version (0 for an account that never
 * ended its sessions).
 */
export async function createSessionCookie(
  config: PortalAuthConfig,
  principal: Pick<PortalPrincipal, 'id' | 'email'> & Partial<PortalPrincipal>,
): Promise<SessionCookie> {
  const value = await signSessionToken(config.secret, {
    realm: config.realm,
    subject: principal.id,
    email: principal.email,
    sessionVersion: principal.sessionVersion ?? 0,
    ttlSeconds: config.sessionTtlSeconds,
  });
  return {
    name: config.cookieName,
    value,
    options: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      path: '/',
      maxAge: config.sessionTtlSeconds,
    },
  };
}

/**
 * The principal behind a session token, re-read from the database on every request, so that a
 * merchant suspended (or deleted) after logging in loses access at once, and a session issued
 * before the account's last logout, password change or reset (its session version moved on)
 * is refused. Null when the token is missing, invalid, expired, of the other realm, revoked, or
 * its account can no longer log in.
 */
export async function getSessionPrincipal(
  db: Db,
  config: PortalAuthConfig,
  token: string | undefined | null,
): Promise<PortalPrincipal | null> {
  const claims = await verifySessionToken(config.secret, config.realm, token);
  if (!claims) return null;
  const principal = await findActivePrincipal(db, config.realm, claims.subject);
  return principal && principal.sessionVersion === claims.sessionVersion ? principal : null;
}

export async function findActivePrincipal(db: Db, realm: SessionRealm, id: string): Promise<PortalPrincipal | null> {
  if (realm === 'MERCHANT') {
    const m = await findMerchantAccount(db, id);
    if (m?.status !== 'ACTIVE') return null;
    const { status: _status, ...principal } = m;
    return { realm, ...principal };
  }
  const a = await findAdminAccount(db, id);
  if (!a || a.disabledAt !== null) return null;
  const { disabledAt: _disabledAt, ...principal } = a;
  return { realm, ...principal };
}

/**
 * Ends every session of the account: its session version moves on, so every token issued
 * before (on any device, copied or not) stops resolving. Returns the new version.
 */
export async function endAllSessions(db: Db, realm: SessionRealm, id: string): Promise<number> {
  return incrementSessionVersion(db, realm, id);
}

/**
 * Logout: ends the account's sessions (every device: the session version is per account, so
 * a copied cookie dies with the one logged out) and audits it; the caller deletes the cookie.
 */
export async function recordLogout(db: Db, principal: PortalPrincipal, context: RequestContext = {}): Promise<void> {
  await endAllSessions(db, principal.realm, principal.id);
  await recordAudit(db, {
    actorType: principal.realm,
    actorId: principal.id,
    action: 'logout.succeeded',
    targetType: principal.realm === 'MERCHANT' ? 'merchant' : 'admin_user',
    targetId: principal.id,
    merchantId: principal.realm === 'MERCHANT' ? principal.id : null,
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
  });
}
