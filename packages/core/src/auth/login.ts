import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { hashPassword, verifyPassword } from '../crypto.ts';
import { LOCKOUT_LOOKBACK_MS, lockedUntil } from './lockout.ts';
import {
  findAdminLogin,
  findLoginAttemptsSince,
  findMerchantLogin,
  insertFailedLoginAttempt,
  lockLoginThrottle,
  markLoginAttemptSucceeded,
} from './login-repository.ts';
import type { SessionRealm } from './portal-auth-config.ts';
import type { RequestContext } from './request-context.ts';

export interface PortalPrincipal {
  realm: SessionRealm;
  /** Merchant id or admin user id. */
  id: string;
  email: string;
  name: string;
  /** The account's current session version: sessions issued under another one are ended. */
  sessionVersion: number;
  /** Someone else chose the password (seed, admin reset): only a password change is allowed. */
  mustChangePassword: boolean;
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
  sessionVersion: number;
  mustChangePassword: boolean;
  suspended: boolean;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

async function findAccount(db: Db, realm: SessionRealm, email: string): Promise<Account | null> {
  if (realm === 'MERCHANT') {
    const m = await findMerchantLogin(db, email);
    return m && { ...m, suspended: m.status !== 'ACTIVE' };
  }
  const a = await findAdminLogin(db, email);
  // A disabled admin is refused like a suspended merchant.
  return a && { ...a, suspended: a.disabledAt !== null };
}

// Compared against when the email is unknown, so both cases cost one bcrypt comparison
// and response time does not tell which emails have accounts.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  return dummyHash;
};

const attemptsSince = (runner: Pick<PoolConnection, 'query'>, realm: SessionRealm, email: string, now: Date) =>
  findLoginAttemptsSince(runner, realm, email, new Date(now.getTime() - LOCKOUT_LOOKBACK_MS));

type Gate = { locked: Date } | { attemptId: bigint; locksIfFails: boolean };

/**
 * Check and record in one step, per account: the (realm, email) LoginThrottle row is locked
 * (INSERT … ON DUPLICATE KEY UPDATE takes its exclusive lock, creating it on first use), the
 * lockout is decided from the attempts so far, and — if not locked — this attempt is recorded
 * as a failure before the password is checked (it becomes a success afterwards if the password
 * is right). Concurrent attempts for one account therefore queue on the row and each sees every
 * earlier one: with 5 failures recorded the next is refused without a bcrypt comparison. The
 * transaction is short; the bcrypt comparison runs after it, holding no lock.
 */
async function passGate(db: Db, realm: SessionRealm, email: string, context: RequestContext, now: Date): Promise<Gate> {
  return withSqlTransaction(
    db.pool,
    async (conn) => {
      await lockLoginThrottle(conn, realm, email, now);
      const attempts = await attemptsSince(conn, realm, email, now);
      const lock = lockedUntil(attempts, now);
      if (lock) return { locked: lock };
      const attemptId = await insertFailedLoginAttempt(conn, {
        realm,
        email,
        ip: context.ip?.slice(0, 64) ?? null,
        userAgent: context.userAgent?.slice(0, 500) ?? null,
        at: now,
      });
      const locksIfFails = lockedUntil([...attempts, { success: false, at: now }], now) !== null;
      return { attemptId, locksIfFails };
    },
    // READ COMMITTED: the attempts read after the lock include every earlier holder's. The first
    // attempts for a new email race to create its row; InnoDB may answer one with a deadlock,
    // which is retried.
    { attempts: 8, isolation: 'READ COMMITTED' },
  );
}

async function currentLock(db: Db, realm: SessionRealm, email: string, now: Date): Promise<Date | null> {
  return lockedUntil(await attemptsSince(db.pool, realm, email, now), now);
}

/**
 * Portal login for either realm: bcrypt check, lockout (see lockout.ts), suspended merchants
 * refused. Every outcome is audited with IP and user agent; only real password checks are
 * recorded as login attempts (passGate: check and record are one step per account). The
 * caller turns a success into a session (signSessionToken).
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

  const gate = await passGate(db, realm, email, context, now);
  if ('locked' in gate) {
    await audit('login.failed', account, { reason: 'LOCKED', lockedUntil: gate.locked.toISOString() });
    return {
      ok: false,
      reason: 'LOCKED',
      retryAfterSeconds: Math.ceil((gate.locked.getTime() - now.getTime()) / 1000),
    };
  }

  const valid = await verifyPassword(input.password, account?.passwordHash ?? (await getDummyHash()));
  if (!account || !valid) {
    // Already recorded as a failure by passGate.
    await audit('login.failed', account, { reason: account ? 'WRONG_PASSWORD' : 'UNKNOWN_EMAIL' });
    const lockNow = await currentLock(db, realm, email, now);
    if (lockNow) {
      // Only the attempt that made the lock audits it, however many ran beside it.
      if (gate.locksIfFails) await audit('login.locked_out', account, { lockedUntil: lockNow.toISOString() });
      return {
        ok: false,
        reason: 'LOCKED',
        retryAfterSeconds: Math.ceil((lockNow.getTime() - now.getTime()) / 1000),
      };
    }
    return { ok: false, reason: 'INVALID_CREDENTIALS' };
  }

  // The right password: the attempt counts as a success (which resets the failure count).
  await markLoginAttemptSucceeded(db, gate.attemptId);

  if (account.suspended) {
    await audit('login.failed', account, { reason: 'SUSPENDED' });
    return { ok: false, reason: 'SUSPENDED' };
  }

  await audit('login.succeeded', account, {});
  return {
    ok: true,
    principal: {
      realm,
      id: account.id,
      email: account.email,
      name: account.name,
      sessionVersion: account.sessionVersion,
      mustChangePassword: account.mustChangePassword,
    },
  };
}
