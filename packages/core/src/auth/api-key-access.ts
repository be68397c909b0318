import { AppError } from '../errors.ts';
import type { ApiKeyScope } from './api-keys.ts';

// A key's standing is read by the repository (one indexed join on every API request).
export { findApiKeyByHash, findApiKeysByIds } from './api-key-repository.ts';

/**
 * "An API key is live": the one rule for every place that lets a key in — the API middleware
 * on each request and the event stream's re-checks while a stream stays open. A key is live
 * when it is not revoked and its merchant is not suspended; it is allowed on an API when it is
 * also scoped to it (or `all`).
 */
export interface ApiKeyStanding {
  id: string;
  merchantId: string;
  scope: ApiKeyScope;
  revoked: boolean;
  merchantSuspended: boolean;
}

export const isApiKeyLive = (key: ApiKeyStanding): boolean => !key.revoked && !key.merchantSuspended;

/**
 * Throws unless `key` may call the API of `scope`: UNAUTHENTICATED for an unknown or revoked key,
 * FORBIDDEN for another API's key or a suspended merchant's.
 */
export function assertApiKeyAllowed(
  key: ApiKeyStanding | null,
  scope: Exclude<ApiKeyScope, 'all'>,
): asserts key is ApiKeyStanding {
  if (!key || key.revoked) throw new AppError('UNAUTHENTICATED', 'the API key is unknown or revoked');
  if (key.scope !== 'all' && key.scope !== scope) {
    // Says exactly which scope is missing and which one the key has (details[0] for programs).
    const api = scope === 'payout' ? 'the Payout API' : 'the Payment API';
    throw new AppError(
      'FORBIDDEN',
      `this API key has scope "${key.scope}"; ${api} needs a key of scope "${scope}" or "all"`,
      [
        {
          field: 'scope',
          message: `missing scope "${scope}" (the key has "${key.scope}")`,
          keyScope: key.scope,
          requiredScope: scope,
        },
      ],
    );
  }
  // Not revoked (above): live unless the merchant is suspended.
  if (!isApiKeyLive(key)) throw new AppError('FORBIDDEN', 'the merchant account is suspended');
}
