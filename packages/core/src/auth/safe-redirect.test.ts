import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './safe-redirect.ts';

const ORIGIN = 'https://devportal.example.test';

describe('safeRedirectPath', () => {
  it.each([
    '/',
    '/payouts',
    '/payouts?status=FAILED&cursor=abc',
    '/payouts/po_123#timeline',
    '/developers/events/evt_1',
    '/search?q=%2Fa%20b',
  ])('when next is the local path %j, then it is kept', (next) => {
    expect(safeRedirectPath(next, '/', ORIGIN)).toBe(new URL(next, ORIGIN).href.slice(ORIGIN.length));
  });

  it.each([
    ['backslash', '/\\evil.example'],
    ['backslash after a segment', '/a/..\\\\evil.example'],
    ['tab', '/\t/evil.example'],
    ['newline', '/\n/evil.example'],
    ['carriage return', '/\r/evil.example'],
    ['NUL', '/\u0000/evil.example'],
    ['DEL', '/\u007f/evil.example'],
    ['C1 control', '/\u0085/evil.example'],
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/login'],
    ['absolute https', 'https://evil.example'],
    ['absolute on our own origin', `${ORIGIN}/payouts`],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,hi'],
    ['relative', 'payouts'],
    ['empty', ''],
    ['encoded backslash', '/%5Cevil.example'],
    ['encoded backslash, lower case', '/%5cevil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['encoded newline', '/%0a/evil.example'],
    ['encoded slash making //', '/%2Fevil.example'],
    ['dot segment making //', '/.//evil.example'],
    ['dot-dot segment making //', '/a/..//evil.example'],
    ['malformed escape', '/%E0%A4%A'],
    ['too long', `/${'a'.repeat(3000)}`],
  ])('when next is %s (%j), then it falls back to /', (_what, next) => {
    expect(safeRedirectPath(next, '/', ORIGIN)).toBe('/');
  });

  it('when next is not a string, then it falls back', () => {
    expect(safeRedirectPath(undefined)).toBe('/');
    expect(safeRedirectPath(null, '/home')).toBe('/home');
    expect(safeRedirectPath(['/payouts'])).toBe('/');
  });

  it('when a kept value is resolved by a browser against the portal, then it stays on the portal origin', () => {
    for (const next of ['/payouts', '/a/../b', '/./c?x=1', '/%2e%2e/d']) {
      const kept = safeRedirectPath(next, '/', ORIGIN);
      expect(new URL(kept, ORIGIN).origin).toBe(ORIGIN);
      expect(kept.startsWith('//')).toBe(false);
    }
  });
});
