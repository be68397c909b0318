import type { Db, Pool, PoolConnection } from '@mypay/db';
import type { ApiKeyStanding } from './api-key-access.ts';
import type { ApiKeyScope, ApiKeySummary } from './api-keys.ts';

/**
 * The API keys' data access: a key's standing (what "live" is decided on, read on every API
 * request: plain SQL, one indexed join), the merchant's keys, and the writes of create and revoke.
 */

type Runner = Pick<PoolConnection, 'query'>;

const STANDING = `SELECT k.id, k.merchantId, k.scope, k.revokedAt IS NOT NULL AS revoked, m.status = 'SUSPENDED' AS merchantSuspended
  FROM ApiKey k JOIN Merchant m ON m.id = k.merchantId`;

const toStanding = (raw: Record<string, unknown>): ApiKeyStanding => ({
  id: String(raw.id),
  merchantId: String(raw.merchantId),
  scope: raw.scope as ApiKeyScope,
  revoked: Boolean(raw.revoked),
  merchantSuspended: Boolean(raw.merchantSuspended),
});

/** The key with this SHA-256 hash, or null. */
export async function findApiKeyByHash(pool: Pool, hash: string): Promise<ApiKeyStanding | null> {
  const rows = await pool.query(`${STANDING} WHERE k.hash = ?`, [hash]);
  return rows[0] ? toStanding(rows[0]) : null;
}

/** The keys with these ids (unknown ids are missing from the result). */
export async function findApiKeysByIds(pool: Pool, keyIds: string[]): Promise<ApiKeyStanding[]> {
  if (keyIds.length === 0) return [];
  const rows = await pool.query(`${STANDING} WHERE k.id IN (?)`, [keyIds]);
  return rows.map(toStanding);
}

/** Stores a key as its SHA-256 hash plus its visible prefix. */
export async function insertApiKeyRow(
  conn: Runner,
  row: { id: string; merchantId: string; name: string; prefix: string; hash: string; scope: ApiKeyScope },
): Promise<void> {
  await conn.query(
    'INSERT INTO ApiKey (id, merchantId, name, prefix, hash, scope, createdAt) VALUES (?, ?, ?, ?, ?, ?, NOW(3))',
    [row.id, row.merchantId, row.name, row.prefix, row.hash, row.scope],
  );
}

/** A merchant's keys, newest first (revoked ones included). */
export function findApiKeysOfMerchant(db: Pick<Db, 'prisma'>, merchantId: string): Promise<ApiKeySummary[]> {
  return db.prisma.apiKey.findMany({
    where: { merchantId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, name: true, prefix: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Locks one of the merchant's keys for a change; null when the merchant has no such key. */
export async function lockApiKeyOfMerchant(
  conn: Runner,
  merchantId: string,
  keyId: string,
): Promise<ApiKeySummary | null> {
  const rows = (await conn.query(
    'SELECT id, name, prefix, scope, createdAt, lastUsedAt, revokedAt FROM ApiKey WHERE id = ? AND merchantId = ? FOR UPDATE',
    [keyId, merchantId],
  )) as ApiKeySummary[];
  return rows[0] ?? null;
}

export async function setApiKeyRevoked(conn: Runner, keyId: string, revokedAt: Date): Promise<void> {
  await conn.query('UPDATE ApiKey SET revokedAt = ? WHERE id = ?', [revokedAt, keyId]);
}
