import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/**
 * The client's address is the one the last trusted proxy saw, never what the client wrote:
 * nginx appends the address it accepted the connection from to `X-Forwarded-For`
 * (`$proxy_add_x_forwarded_for`), so every entry left of it is the client's own text.
 * `TRUST_PROXY` says which hops are trusted, with Express's `trust proxy` values (and the same
 * `proxy-addr` semantics): a hop count (`1` behind one nginx), `loopback`, `uniquelocal`, a list
 * of addresses/subnets, `true` or `false`. Both APIs hand it to Express; the portals, which run
 * under Next.js, read the header through clientIpFromForwardedFor.
 */
export type TrustProxySetting = boolean | number | string;

export type TrustFunction = (address: string, hop: number) => boolean;

/** `"1"` → 1, `"true"`/`"false"` → booleans, else a proxy-addr list (refused when it does not compile). */
export function parseTrustProxy(text: string): TrustProxySetting {
  const value = text.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  compileTrust(value);
  return value;
}

/** The env field every process that records client addresses reads (default: loopback). */
export const trustProxyField = z
  .string()
  .default('loopback')
  .transform((text, ctx) => {
    try {
      return parseTrustProxy(text);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${(error as Error).message} (use a hop count, loopback, uniquelocal, or addresses/subnets)`,
      });
      return z.NEVER;
    }
  });

/** Express's own compileTrust: the same setting means the same thing in the APIs and the portals. */
export function compileTrust(setting: TrustProxySetting): TrustFunction {
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  if (setting === false || setting === '') return () => false;
  return proxyaddr.compile(setting.split(',').map((part) => part.trim()));
}

/**
 * The client address from an `X-Forwarded-For` value, for a server that cannot see its socket's
 * peer (Next.js route handlers and server actions). Next's server writes the peer there itself
 * only when the header is absent, and otherwise passes the proxy's header on as it came; so the
 * peer is taken to be the trusted proxy that wrote the right-most entry (the portals are only
 * reachable through nginx in production: only nginx publishes ports), and the hops are walked
 * from the right exactly as proxy-addr does: the first untrusted address, else the left-most.
 * With `TRUST_PROXY=1` this is the right-most entry — what nginx saw — however many entries the
 * client wrote before it. A value that is not an IP address gives null.
 */
export function clientIpFromForwardedFor(
  forwardedFor: string | null | undefined,
  setting: TrustProxySetting,
): string | null {
  const entries = (forwardedFor ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (entries.length === 0) return null;
  const trust = compileTrust(setting);
  // proxy-addr's list: the peer first, then the header from right to left. The peer (hop 0)
  // is the proxy in front, trusted by construction; its value is never returned.
  const request = { headers: { 'x-forwarded-for': entries.join(', ') }, socket: { remoteAddress: '0.0.0.0' } };
  const addresses = proxyaddr.all(request as never, (address, hop) => hop === 0 || trust(address, hop));
  const client = addresses[addresses.length - 1];
  if (client === undefined || addresses.length < 2) return null;
  return isIP(client) ? client : null;
}
