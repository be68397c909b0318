import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { apiKeyPrefix, sha256Hex } from '../crypto.ts';
import { AppError, notFound } from '../errors.ts';
import { newId, randomHex } from '../ids.ts';
import {
  findApiKeysOfMerchant,
  insertApiKeyRow,
  lockApiKeyOfMerchant,
  setApiKeyRevoked,
} from './api-key-repository.ts';
import type { PortalActor, RequestContext } from './request-context.ts';

export type ApiKeyScope = 'payout' | 'payment' | 'all';

/** `mp_test_` + 40 hex characters. */
export const generateApiKey = () => `mp_test_${randomHex(20)}`;

export interface CreatedApiKey {
  id: string;
  /** The full key: shown to its owner once, never stored. */
  key: string;
  prefix: string;
  scope: ApiKeyScope;
  name: string;
}

/** Stores a key as its SHA-256 hash plus a visible prefix. `key` defaults to a new random one. */
export async function insertApiKey(
  conn: PoolConnection,
  input: { merchantId: string; name: string; scope: ApiKeyScope; key?: string },
): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey();
  const id = newId('key');
  const prefix = apiKeyPrefix(key);
  await insertApiKeyRow(conn, {
    id,
    merchantId: input.merchantId,
    name: input.name,
    prefix,
    hash: sha256Hex(key),
    scope: input.scope,
  });
  return { id, key, prefix, scope: input.scope, name: input.name };
}

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['payout', 'payment', 'all'];

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * A new key for a merchant, from the merchant portal or the admin portal; audited in the same
 * transaction. The full key is in the result only: show it once.
 */
export async function createApiKey(
  db: Db,
  input: { merchantId: string; name: string; scope: ApiKeyScope; actor: PortalActor; context?: RequestContext },
): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new AppError('VALIDATION_ERROR', 'the key needs a name of 1–100 characters', [
      { field: 'name', message: 'must be 1–100 characters' },
    ]);
  }
  if (!API_KEY_SCOPES.includes(input.scope)) {
    throw new AppError('VALIDATION_ERROR', 'unknown scope', [{ field: 'scope', message: 'payout, payment or all' }]);
  }
  return withSqlTransaction(db.pool, async (conn) => {
    const created = await insertApiKey(conn, { merchantId: input.merchantId, name, scope: input.scope });
    await recordAudit(conn, {
      ...input.actor,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: created.id,
      merchantId: input.merchantId,
      ip: input.context?.ip,
      userAgent: input.context?.userAgent,
      requestId: input.context?.requestId,
      after: { name, prefix: created.prefix, scope: created.scope },
    });
    return created;
  });
}

/** A merchant's keys, newest first (revoked ones included, marked). */
export async function listApiKeys(db: Db, merchantId: string): Promise<ApiKeySummary[]> {
  return findApiKeysOfMerchant(db, merchantId);
}

/**
 * Revokes one of the merchant's keys (NOT_FOUND for another merchant's key). Revoking twice
 * is a no-op that returns the first revocation.
 */
export async function revokeApiKey(
  db: Db,
  input: { merchantId: string; keyId: string; actor: PortalActor; context?: RequestContext },
): Promise<ApiKeySummary> {
  return withSqlTransaction(db.pool, async (conn) => {
    const key = await lockApiKeyOfMerchant(conn, input.merchantId, input.keyId);
    if (!key) throw notFound('API key');
    if (key.revokedAt) return key;
    const revokedAt = new Date();
    await setApiKeyRevoked(conn, key.id, revokedAt);
    await recordAudit(conn, {
      ...input.actor,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: key.id,
      merchantId: input.merchantId,
      ip: input.context?.ip,
      userAgent: input.context?.userAgent,
      requestId: input.context?.requestId,
      before: { name: key.name, prefix: key.prefix, scope: key.scope, revokedAt: null },
      after: { revokedAt: revokedAt.toISOString() },
    });
    return { ...key, revokedAt };
  });
}
