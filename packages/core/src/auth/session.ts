import type { Db } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
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

/** The cookie that carries a new session for `principal` (httpOnly, SameSite=Lax, Secure per config). */
export async function createSessionCookie(
  config: PortalAuthConfig,
  principal: PortalPrincipal,
): Promise<SessionCookie> {
  const value = await signSessionToken(config.secret, {
    realm: config.realm,
    subject: principal.id,
    email: principal.email,
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
 * The principal behind a session token, re-read from the database on every request so that a
 * merchant suspended (or deleted) after logging in loses access at once. Null when the token is
 * missing, invalid, expired, of the other realm, or its account can no longer log in.
 */
export async function getSessionPrincipal(
  db: Db,
  config: PortalAuthConfig,
  token: string | undefined | null,
): Promise<PortalPrincipal | null> {
  const claims = await verifySessionToken(config.secret, config.realm, token);
  if (!claims) return null;
  return findActivePrincipal(db, config.realm, claims.subject);
}

export async function findActivePrincipal(db: Db, realm: SessionRealm, id: string): Promise<PortalPrincipal | null> {
  if (realm === 'MERCHANT') {
    const m = await db.prisma.merchant.findUnique({
      where: { id },
      select: { id: true, email: true, name: true, status: true },
    });
    if (m?.status !== 'ACTIVE') return null;
    return { realm, id: m.id, email: m.email, name: m.name };
  }
  const a = await db.prisma.adminUser.findUnique({ where: { id }, select: { id: true, email: true, name: true } });
  return a ? { realm, id: a.id, email: a.email, name: a.name } : null;
}

/** Audits a logout; the caller deletes the cookie. */
export async function recordLogout(db: Db, principal: PortalPrincipal, context: RequestContext = {}): Promise<void> {
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
