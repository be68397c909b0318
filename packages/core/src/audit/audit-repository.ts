import type { Db } from '@mypay/db';

/**
 * The audit trail's data access: one INSERT, on whatever the change it describes runs on. There
 * is no update or delete: the trail is append-only.
 */

/** Anything that can run `query(sql, params)` (mariadb pool or connection), a Db, or a Prisma client/transaction. */
export type AuditWriter =
  | Pick<Db, 'pool'>
  | { query: (sql: string, values?: unknown[]) => Promise<unknown> }
  | { $executeRawUnsafe: (sql: string, ...values: unknown[]) => Promise<number> };

/** actorType, actorId, action, targetType, targetId, merchantId, ip, userAgent, before, after, requestId. */
export type AuditRowValues = [
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

const INSERT_AUDIT = `INSERT INTO AuditLog
  (actorType, actorId, action, targetType, targetId, merchantId, ip, userAgent, \`before\`, \`after\`, requestId, createdAt)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`;

export async function insertAuditRow(writer: AuditWriter, values: AuditRowValues): Promise<void> {
  if ('pool' in writer) {
    await writer.pool.query(INSERT_AUDIT, values);
  } else if ('$executeRawUnsafe' in writer) {
    await writer.$executeRawUnsafe(INSERT_AUDIT, ...values);
  } else {
    await writer.query(INSERT_AUDIT, values);
  }
}
