import type { Db, PoolConnection } from '@mypay/db';

/**
 * The merchants' data access for their account rows: the Merchant row with its balance row
 * (money then moves only through changeBalance), and its status. Plain SQL on the caller's
 * transaction.
 */

type Runner = Pick<PoolConnection, 'query'>;

export type MerchantStatus = 'ACTIVE' | 'SUSPENDED';

/** An ACTIVE merchant and its PKR balance row at zero. */
export async function insertMerchantWithBalance(
  conn: Runner,
  merchant: { id: string; name: string; email: string; passwordHash: string },
): Promise<void> {
  await conn.query(
    `INSERT INTO Merchant (id, name, email, passwordHash, status, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, 'ACTIVE', NOW(3), NOW(3))`,
    [merchant.id, merchant.name, merchant.email, merchant.passwordHash],
  );
  await conn.query(
    "INSERT INTO MerchantBalance (merchantId, currency, available, pending, version, updatedAt) VALUES (?, 'PKR', 0, 0, 0, NOW(3))",
    [merchant.id],
  );
}

/** Locks the merchant's row for a status change; null when there is no such merchant. */
export async function lockMerchantStatus(
  conn: Runner,
  merchantId: string,
): Promise<{ id: string; status: MerchantStatus } | null> {
  const rows = (await conn.query('SELECT id, status FROM Merchant WHERE id = ? FOR UPDATE', [merchantId])) as {
    id: string;
    status: MerchantStatus;
  }[];
  return rows[0] ?? null;
}

/** The merchant's status, read without a lock; null when there is no such merchant. */
export async function findMerchantStatus(runner: Runner, merchantId: string): Promise<MerchantStatus | null> {
  const rows = (await runner.query('SELECT status FROM Merchant WHERE id = ?', [merchantId])) as {
    status: MerchantStatus;
  }[];
  return rows[0]?.status ?? null;
}

export async function setMerchantStatusRow(conn: Runner, merchantId: string, status: MerchantStatus): Promise<void> {
  await conn.query('UPDATE Merchant SET status = ?, updatedAt = NOW(3) WHERE id = ?', [status, merchantId]);
}

/** Whether a merchant has this (normalised) email already. */
export async function merchantEmailExists(db: Pick<Db, 'prisma'>, email: string): Promise<boolean> {
  return (await db.prisma.merchant.findUnique({ where: { email }, select: { id: true } })) !== null;
}
