import type { Db } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { hashPassword, verifyPassword } from '../crypto.ts';
import { LOCKOUT_LOOKBACK_MS, lockedUntil } from './lockout.ts';
import type { SessionRealm } from './portal-auth-config.ts';
import type { RequestContext } from './request-context.ts';

export interface PortalPrincipal {
  realm: SessionRealm;
  /** Merchant id or admin user id. */
  id: string;
  email: string;
  name: string;
}

export type LoginResult =
  | { ok: true; principal: PortalPrincipal }
  | { ok: false; reason: 'INVALID_CREDENTIALS' }
  | { ok: false; reason: 'LOCKED'; retryAfterSeconds: number }
  | { ok: false; reason: 'SUSPENDED' };

interface Account {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  suspended: boolean;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

async function findAccount(db: Db, realm: SessionRealm, email: string): Promise<Account | null> {
  if (realm === 'MERCHANT') {
    const m = await db.prisma.merchant.findUnique({
      where: { email },
      select: { id: true, email: true, name: true, passwordHash: true, status: true },
    });
    return (
      m && { id: m.id, email: m.email, name: m.name, passwordHash: m.passwordHash, suspended: m.status !== 'ACTIVE' }
    );
  }
  const a = await db.prisma.adminUser.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  return a && { ...a, suspended: false };
}

// Compared against when the email is unknown, so both cases cost one bcrypt comparison
// and response time does not tell which emails have accounts.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  return dummyHash;
};

async function currentLock(db: Db, realm: SessionRealm, email: string, now: Date): Promise<Date | null> {
  const attempts = await db.prisma.loginAttempt.findMany({
    where: { realm, email, createdAt: { gte: new Date(now.getTime() - LOCKOUT_LOOKBACK_MS) } },
    select: { success: true, createdAt: true },
    orderBy: { id: 'asc' },
  });
  return lockedUntil(
    attempts.map((a) => ({ success: a.success, at: a.createdAt })),
    now,
  );
}

/**
 * Portal login for either realm: bcrypt check, lockout (see lockout.ts), suspended merchants
 * refused. Every outcome is audited with IP and user agent; only real password checks are
 * recorded as login attempts. The caller turns a success into a session (signSessionToken).
 */
export async function loginWithPassword(
  db: Db,
  input: { realm: SessionRealm; email: string; password: string; context?: RequestContext },
): Promise<LoginResult> {
  const { realm } = input;
  const email = normalizeEmail(input.email).slice(0, 191);
  const context = input.context ?? {};
  const now = new Date();
  const audit = (action: string, account: Account | null, after: Record<string, unknown>) =>
    recordAudit(db, {
      actorType: realm,
      actorId: account?.id ?? null,
      action,
      targetType: realm === 'MERCHANT' ? 'merchant' : 'admin_user',
      targetId: account?.id ?? null,
      merchantId: realm === 'MERCHANT' ? (account?.id ?? null) : null,
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      after: { email, ...after },
    });

  const account = await findAccount(db, realm, email);

  const lock = await currentLock(db, realm, email, now);
  if (lock) {
    await audit('login.failed', account, { reason: 'LOCKED', lockedUntil: lock.toISOString() });
    return { ok: false, reason: 'LOCKED', retryAfterSeconds: Math.ceil((lock.getTime() - now.getTime()) / 1000) };
  }

  const valid = await verifyPassword(input.password, account?.passwordHash ?? (await getDummyHash()));
  if (!account || !valid) {
    await db.prisma.loginAttempt.create({
      data: {
        realm,
        email,
        success: false,
        ip: context.ip?.slice(0, 64) ?? null,
        userAgent: context.userAgent?.slice(0, 500) ?? null,
        createdAt: now,
      },
    });
    await audit('login.failed', account, { reason: account ? 'WRONG_PASSWORD' : 'UNKNOWN_EMAIL' });
    const lockNow = await currentLock(db, realm, email, now);
    if (lockNow) {
      await audit('login.locked_out', account, { lockedUntil: lockNow.toISOString() });
      return {
        ok: false,
        reason: 'LOCKED',
        retryAfterSeconds: Math.ceil((lockNow.getTime() - now.getTime()) / 1000),
      };
    }
    return { ok: false, reason: 'INVALID_CREDENTIALS' };
  }

  if (account.suspended) {
    await audit('login.failed', account, { reason: 'SUSPENDED' });
    return { ok: false, reason: 'SUSPENDED' };
  }

  await db.prisma.loginAttempt.create({
    data: {
      realm,
      email,
      success: true,
      ip: context.ip?.slice(0, 64) ?? null,
      userAgent: context.userAgent?.slice(0, 500) ?? null,
      createdAt: now,
    },
  });
  await audit('login.succeeded', account, {});
  return { ok: true, principal: { realm, id: account.id, email: account.email, name: account.name } };
}
