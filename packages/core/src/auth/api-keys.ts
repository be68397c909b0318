import type { PoolConnection } from '@mypay/db';
import { apiKeyPrefix, sha256Hex } from '../crypto.ts';
import { newId, randomHex } from '../ids.ts';

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
  await conn.query(
    'INSERT INTO ApiKey (id, merchantId, name, prefix, hash, scope, createdAt) VALUES (?, ?, ?, ?, ?, ?, NOW(3))',
    [id, input.merchantId, input.name, prefix, sha256Hex(key), input.scope],
  );
  return { id, key, prefix, scope: input.scope, name: input.name };
}
