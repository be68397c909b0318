import { describe, expect, it } from 'vitest';
import { isCheckoutPayable } from '../checkouts/cancel-checkout.ts';
import { type ApiKeyStanding, assertApiKeyAllowed, isApiKeyLive } from './api-key-access.ts';

const key = (changes: Partial<ApiKeyStanding> = {}): ApiKeyStanding => ({
  id: 'key_1',
  merchantId: 'mer_1',
  scope: 'payout',
  revoked: false,
  merchantSuspended: false,
  ...changes,
});

const codeOf = (run: () => void) => {
  try {
    run();
    return 'ALLOWED';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('an API key is live', () => {
  it.each([
    [{}, true],
    [{ revoked: true }, false],
    [{ merchantSuspended: true }, false],
  ])('when the key is %o, then live is %s', (changes, live) => {
    expect(isApiKeyLive(key(changes))).toBe(live);
  });

  it.each([
    ['an unknown key', null, 'UNAUTHENTICATED'],
    ['a revoked key', key({ revoked: true }), 'UNAUTHENTICATED'],
    ["another API's key", key({ scope: 'payment' }), 'FORBIDDEN'],
    ["a suspended merchant's key", key({ merchantSuspended: true }), 'FORBIDDEN'],
    ['a live key of this API', key(), 'ALLOWED'],
    ['a live key of scope all', key({ scope: 'all' }), 'ALLOWED'],
  ])('when the payout API sees %s, then it answers %s', (_what, standing, code) => {
    expect(codeOf(() => assertApiKeyAllowed(standing, 'payout'))).toBe(code);
  });
});

describe('a checkout is payable', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it.each([
    ['OPEN', '2026-01-01T12:00:01Z', true],
    ['OPEN', '2026-01-01T12:00:00Z', false],
    ['EXPIRED', '2026-01-02T00:00:00Z', false],
    ['COMPLETED', '2026-01-02T00:00:00Z', false],
  ])('when it is %s with expiresAt %s, then payable is %s', (status, expiresAt, payable) => {
    expect(isCheckoutPayable({ status: status as 'OPEN', expiresAt: new Date(expiresAt) }, now)).toBe(payable);
  });
});
