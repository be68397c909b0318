import { describe, expect, it } from 'vitest';
import { clientIpFromForwardedFor, parseTrustProxy } from './client-ip.ts';

// What the portals see behind nginx: nginx appends the address it accepted the connection from,
// so the header is "<whatever the client wrote>, <what nginx saw>".
const SPOOFED = '6.6.6.6, 10.0.0.1, 203.0.113.7';

describe('clientIpFromForwardedFor', () => {
  it('when one proxy is trusted, then the right-most entry wins, never the spoofed first one', () => {
    expect(clientIpFromForwardedFor(SPOOFED, 1)).toBe('203.0.113.7');
    expect(clientIpFromForwardedFor('203.0.113.7', 1)).toBe('203.0.113.7');
  });

  it('when two proxies are trusted, then the entry the outer one saw wins', () => {
    expect(clientIpFromForwardedFor(SPOOFED, 2)).toBe('10.0.0.1');
  });

  it('when the trust is by address, then trusted hops are skipped from the right up to the first untrusted one', () => {
    expect(clientIpFromForwardedFor('6.6.6.6, 203.0.113.7, 127.0.0.1', 'loopback')).toBe('203.0.113.7');
    expect(clientIpFromForwardedFor('6.6.6.6, 203.0.113.7, 10.1.2.3', '10.0.0.0/8')).toBe('203.0.113.7');
    expect(clientIpFromForwardedFor(SPOOFED, 'loopback')).toBe('203.0.113.7');
  });

  it('when nothing is trusted, then the entry of the proxy in front still counts (its own)', () => {
    expect(clientIpFromForwardedFor(SPOOFED, false)).toBe('203.0.113.7');
    expect(clientIpFromForwardedFor(SPOOFED, 0)).toBe('203.0.113.7');
  });

  it('when every hop is trusted, then the left-most entry is taken (the documented meaning of true)', () => {
    expect(clientIpFromForwardedFor(SPOOFED, true)).toBe('6.6.6.6');
  });

  it('when the header is missing, empty or not an address, then there is no client address', () => {
    expect(clientIpFromForwardedFor(null, 1)).toBeNull();
    expect(clientIpFromForwardedFor(' , ', 1)).toBeNull();
    expect(clientIpFromForwardedFor('not-an-ip', 1)).toBeNull();
    expect(clientIpFromForwardedFor('203.0.113.7, <script>', 1)).toBeNull();
  });

  it('when IPv6 addresses come through, then they are kept as written', () => {
    expect(clientIpFromForwardedFor('6.6.6.6, 2001:db8::7', 1)).toBe('2001:db8::7');
  });
});

describe('parseTrustProxy', () => {
  it('when given Express trust proxy values, then it keeps their meaning', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });

  it('when the value is not an address, subnet or preset, then it is refused', () => {
    expect(() => parseTrustProxy('nginx')).toThrow();
  });
});
