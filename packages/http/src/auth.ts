import {
  type ApiKeyScope,
  type ApiKeyStanding,
  AppError,
  type AuditContext,
  assertApiKeyAllowed,
  findApiKeyByHash,
  sha256Hex,
} from '@mypay/core';
import type { Pool } from '@mypay/db';
import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from './request-id.ts';

export interface ApiKeyPrincipal {
  keyId: string;
  merchantId: string;
  scope: ApiKeyScope;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by apiKeyAuth once the key is known, live and allowed here. */
      principal?: ApiKeyPrincipal;
    }
  }
}

export interface ApiKeyAuthOptions {
  pool: Pool;
  /** The API this middleware guards; keys with scope `all` pass everywhere. */
  scope: Exclude<ApiKeyScope, 'all'>;
  /**
   * How long a lookup (hit or miss) is reused. Short, so a revoked key stops working within
   * about this long; 0 disables the cache.
   */
  cacheTtlMs?: number;
  /** lastUsedAt is written at most this often per key (one UPDATE per key per interval, not per request). */
  touchIntervalMs?: number;
  onTouchError?: (error: unknown) => void;
}

const MAX_CACHE_ENTRIES = 10_000;
// Keys are printable ASCII; anything else is not a key we could have issued.
const KEY_SHAPE = /^[\x21-\x7e]{1,256}$/;

/** `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function readApiKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1]?.trim();
  }
  return req.get('x-api-key')?.trim() || undefined;
}

export function apiKeyAuth(options: ApiKeyAuthOptions) {
  const ttl = options.cacheTtlMs ?? 1_000;
  const touchInterval = options.touchIntervalMs ?? 60_000;
  const cache = new Map<string, { row: ApiKeyStanding | null; expiresAt: number }>();
  const lastTouched = new Map<string, number>();

  async function lookup(hash: string): Promise<ApiKeyStanding | null> {
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.expiresAt > now) return hit.row;
    const row = await findApiKeyByHash(options.pool, hash);
    if (ttl > 0) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
      cache.set(hash, { row, expiresAt: now + ttl });
    }
    return row;
  }

  function touch(keyId: string): void {
    const now = Date.now();
    if ((lastTouched.get(keyId) ?? 0) > now - touchInterval) return;
    if (lastTouched.size >= MAX_CACHE_ENTRIES) lastTouched.clear();
    lastTouched.set(keyId, now);
    options.pool
      .query('UPDATE ApiKey SET lastUsedAt = NOW(3) WHERE id = ?', [keyId])
      .catch((error) => options.onTouchError?.(error));
  }

  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const key = readApiKey(req);
      if (!key) {
        throw new AppError('UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>" or "X-API-Key"');
      }
      const row = KEY_SHAPE.test(key) ? await lookup(sha256Hex(key)) : null;
      assertApiKeyAllowed(row, options.scope);
      req.principal = { keyId: row.id, merchantId: row.merchantId, scope: row.scope };
      touch(row.id);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The authenticated principal; only call it behind apiKeyAuth. */
export function principalOf(req: Request): ApiKeyPrincipal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return req.principal;
}

/** Who acted and from where, for use-cases that write audit entries: the API key behind the request. */
export function auditContextOf(req: Request): AuditContext {
  return {
    actorType: 'API_KEY',
    actorId: principalOf(req).keyId,
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
    requestId: requestIdOf(req),
  };
}
