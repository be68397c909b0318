import { jwtVerify, SignJWT } from 'jose';
import type { SessionRealm } from './portal-auth-config.ts';

const ISSUER = 'mypay-sandbox';
// The audience names the realm: a merchant token never verifies as an admin token, even if
// someone configured the same secret for both portals.
const audience = (realm: SessionRealm) => `mypay-${realm.toLowerCase()}-portal`;

export interface SessionClaims {
  realm: SessionRealm;
  /** Merchant id or admin user id. */
  subject: string;
  email: string;
  /** The account's session version when the token was issued (see getSessionPrincipal). */
  sessionVersion: number;
  issuedAt: Date;
  expiresAt: Date;
}

export async function signSessionToken(
  secret: Uint8Array,
  input: { realm: SessionRealm; subject: string; email: string; sessionVersion: number; ttlSeconds: number },
  now: Date = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ email: input.email, sv: input.sessionVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(audience(input.realm))
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + input.ttlSeconds)
    .sign(secret);
}

/** The claims of a valid, unexpired token of this realm; null for anything else (never throws). */
export async function verifySessionToken(
  secret: Uint8Array,
  realm: SessionRealm,
  token: string | undefined | null,
  now: Date = new Date(),
): Promise<SessionClaims | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: audience(realm),
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') return null;
    if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') return null;
    // A token without a session version predates revocation: it cannot be ended, so it is refused.
    if (typeof payload.sv !== 'number' || !Number.isSafeInteger(payload.sv)) return null;
    return {
      realm,
      subject: payload.sub,
      email: payload.email,
      sessionVersion: payload.sv,
      issuedAt: new Date(payload.iat * 1000),
      expiresAt: new Date(payload.exp * 1000),
    };
  } catch {
    return null;
  }
}
