import { randomBytes } from 'node:crypto';
import { type AdminActor, createMerchant, hashPassword, newId } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';

export const testDatabaseUrl = () => process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test';
export const openTestDb = (): Db => createDb(testDatabaseUrl(), { connectionLimit: 8 });
export const suffix = () => randomBytes(5).toString('hex');

/** A fresh admin user of its own, so lockouts and audit rows never touch the seeded admin. */
export async function createTestAdmin(db: Db, password = `admin-pw-${suffix()}`) {
  const id = newId('adm');
  const email = `admin-${suffix()}@example.test`;
  await db.prisma.adminUser.create({
    data: { id, email, name: `Test admin ${suffix()}`, passwordHash: await hashPassword(password) },
  });
  const actor: AdminActor = { adminId: id, ip: '203.0.113.7', userAgent: 'vitest', requestId: `req-${suffix()}` };
  return { id, email, password, actor };
}

export async function createTestMerchant(db: Db, openingBalance = 1_000_000) {
  const email = `admin-test-${suffix()}@example.test`;
  const password = `merchant-pw-${suffix()}`;
  const { id } = await createMerchant(db, { name: `Admin test ${suffix()}`, email, password, openingBalance });
  return { id, email, password };
}

export interface AuditRow {
  id: number;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  merchantId: string | null;
  ip: string | null;
  userAgent: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

/** Audit rows matching a WHERE clause, oldest first, JSON columns parsed. */
export async function auditRows(db: Db, where: string, params: unknown[]): Promise<AuditRow[]> {
  const rows = (await db.pool.query(`SELECT * FROM AuditLog WHERE ${where} ORDER BY id`, params)) as AuditRow[];
  return rows.map((r) => ({ ...r, id: Number(r.id), before: parse(r.before), after: parse(r.after) }));
}
