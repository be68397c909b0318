import type { Db, PoolConnection } from '@mypay/db';
import type { SessionRealm } from './portal-auth-config.ts';

/**
 * Portal login's data access: the account an email names (either realm) and the per-account
 * throttle — the LoginThrottle row every attempt locks, and the LoginAttempt rows the lockout
 * is decided from.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** What login checks of an account, in either realm. */
const LOGIN_FIELDS = {
  id: true,
  email: true,
  name: true,
  passwordHash: true,
  sessionVersion: true,
  mustChangePassword: true,
} as const;

/** The merchant with this (normalised) email, with what login checks; null if none. */
export function findMerchantLogin(db: Pick<Db, 'prisma'>, email: string) {
  return db.prisma.merchant.findUnique({ where: { email }, select: { ...LOGIN_FIELDS, status: true } });
}

/** The admin user with this (normalised) email, with what login checks; null if none. */
export function findAdminLogin(db: Pick<Db, 'prisma'>, email: string) {
  return db.prisma.adminUser.findUnique({ where: { email }, select: { ...LOGIN_FIELDS, disabledAt: true } });
}

/**
 * Locks the account's throttle row until commit (INSERT … ON DUPLICATE KEY UPDATE takes its
 * exclusive lock, creating it on first use), so concurrent attempts for one account queue.
 */
export async function lockLoginThrottle(conn: Runner, realm: SessionRealm, email: string, now: Date): Promise<void> {
  await conn.query(
    'INSERT INTO `LoginThrottle` (`realm`, `email`, `lastAttemptAt`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `lastAttemptAt` = ?',
    [realm, email, now, now],
  );
}

/** The account's attempts since `since`, oldest first. */
export async function findLoginAttemptsSince(
  runner: Runner,
  realm: SessionRealm,
  email: string,
  since: Date,
): Promise<{ success: boolean; at: Date }[]> {
  const rows = (await runner.query(
    'SELECT `success`, `createdAt` FROM `LoginAttempt` WHERE `realm` = ? AND `email` = ? AND `createdAt` >= ? ORDER BY `id`',
    [realm, email, since],
  )) as { success: number | boolean; createdAt: Date }[];
  return rows.map((a) => ({ success: Boolean(a.success), at: a.createdAt }));
}

/** Records an attempt as failed (before the password is checked); returns its id. */
export async function insertFailedLoginAttempt(
  conn: Runner,
  attempt: { realm: SessionRealm; email: string; ip: string | null; userAgent: string | null; at: Date },
): Promise<bigint> {
  const inserted = (await conn.query(
    'INSERT INTO `LoginAttempt` (`realm`, `email`, `success`, `ip`, `userAgent`, `createdAt`) VALUES (?, ?, FALSE, ?, ?, ?)',
    [attempt.realm, attempt.email, attempt.ip, attempt.userAgent, attempt.at],
  )) as { insertId: bigint | number };
  return BigInt(inserted.insertId);
}

export async function markLoginAttemptSucceeded(db: Pick<Db, 'prisma'>, attemptId: bigint): Promise<void> {
  await db.prisma.loginAttempt.update({ where: { id: attemptId }, data: { success: true } });
}
