import type { Db } from '@mypay/db';
import type { SessionRealm } from './portal-auth-config.ts';

/**
 * The portal accounts' data access for sessions (Prisma): merchants log in to the merchant portal,
 * admin users to the admin portal; each account carries the session version every token names.
 */

/** What a merchant's session is checked against; null when there is no such merchant. */
export function findMerchantAccount(db: Pick<Db, 'prisma'>, id: string) {
  return db.prisma.merchant.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, status: true, sessionVersion: true, mustChangePassword: true },
  });
}

/** What an admin user's session is checked against; null when there is no such admin user. */
export function findAdminAccount(db: Pick<Db, 'prisma'>, id: string) {
  return db.prisma.adminUser.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, sessionVersion: true, mustChangePassword: true, disabledAt: true },
  });
}

/** Moves the account's session version on; returns the new one. */
export async function incrementSessionVersion(
  db: Pick<Db, 'prisma'>,
  realm: SessionRealm,
  id: string,
): Promise<number> {
  const args = { where: { id }, data: { sessionVersion: { increment: 1 } }, select: { sessionVersion: true } };
  const row = realm === 'MERCHANT' ? await db.prisma.merchant.update(args) : await db.prisma.adminUser.update(args);
  return row.sessionVersion;
}

/** The account's password hash and email; null when there is no such account. */
export function findPasswordHash(db: Pick<Db, 'prisma'>, realm: SessionRealm, id: string) {
  const select = { passwordHash: true, email: true } as const;
  return realm === 'MERCHANT'
    ? db.prisma.merchant.findUnique({ where: { id }, select })
    : db.prisma.adminUser.findUnique({ where: { id }, select });
}

/** Stores a new password hash and ends every session (the version moves on); returns the new version. */
export async function setPasswordHash(
  db: Pick<Db, 'prisma'>,
  realm: SessionRealm,
  id: string,
  passwordHash: string,
  mustChangePassword: boolean,
): Promise<number> {
  const args = {
    where: { id },
    data: { passwordHash, mustChangePassword, sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  };
  const row = realm === 'MERCHANT' ? await db.prisma.merchant.update(args) : await db.prisma.adminUser.update(args);
  return row.sessionVersion;
}

/** Disables the admin user (ending its sessions) unless it is disabled already; false when nothing changed. */
export async function disableAdminAccount(db: Pick<Db, 'prisma'>, id: string, at: Date): Promise<boolean> {
  const updated = await db.prisma.adminUser.updateMany({
    where: { id, disabledAt: null },
    data: { disabledAt: at, sessionVersion: { increment: 1 } },
  });
  return updated.count > 0;
}

export async function adminAccountExists(db: Pick<Db, 'prisma'>, id: string): Promise<boolean> {
  return (await db.prisma.adminUser.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** Admin users, newest first (at most 500). */
export function findAdminAccounts(db: Pick<Db, 'prisma'>) {
  return db.prisma.adminUser.findMany({
    orderBy: { createdAt: 'desc' },
    select: { id: true, email: true, name: true, createdAt: true, disabledAt: true, mustChangePassword: true },
    take: 500,
  });
}
