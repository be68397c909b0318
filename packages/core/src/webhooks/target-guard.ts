import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors.ts';

/**
 * SSRF guard for webhook targets. Outside development the platform must not be usable to reach
 * its own network: URLs whose host is, or resolves to, a loopback, private, link-local (incl. the
 * cloud metadata address 169.254.169.254), CGNAT, unspecified, multicast or reserved address are
 * refused, IPv6 forms included (IPv4-compatible, IPv4-mapped, NAT64, site-local). Checked at registration and again at delivery, on the address actually connected to
 * (the HTTP client's DNS lookup goes through guardedLookup), so DNS rebinding does not get past it.
 */

const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. 255.255.255.255
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
// The IANA special-purpose IPv6 ranges a host may route somewhere inside (RFC 6890 registry).
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d (::127.0.0.1)
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

// IPv4-mapped ::ffff:0:0/96, refused whatever the IPv4 address (a stack may connect to it as
// IPv4). A list of its own: BlockList matches IPv4 addresses against this rule too.
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/** IPv4 addresses hidden inside IPv6 forms that a host may route to (NAT64, 6to4). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const nat64 = /^64:ff9b::(?:ffff:)?(.+)$/.exec(lower);
  const tail = nat64?.[1];
  if (tail) {
    if (isIP(tail) === 4) return tail;
    const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
    if (m?.[1] && m[2]) return hexPairToIpv4(m[1], m[2]);
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour?.[1] && sixToFour[2]) return hexPairToIpv4(sixToFour[1], sixToFour[2]);
  return null;
}

function hexPairToIpv4(hi: string, lo: string): string {
  const a = Number.parseInt(hi, 16);
  const b = Number.parseInt(lo, 16);
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

/** True for an address webhooks must never be sent to (unless private targets are allowed). */
export function isBlockedAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(host);
  if (family === 4) return BLOCKED.check(host, 'ipv4');
  if (family === 6) {
    // BlockList also matches IPv4-mapped addresses (::ffff:127.0.0.1) against the IPv4 rules.
    if (BLOCKED.check(host, 'ipv6') || IPV4_MAPPED.check(host, 'ipv6')) return true;
    const v4 = embeddedIpv4(host);
    return v4 !== null && BLOCKED.check(v4, 'ipv4');
  }
  // Not an IP literal: refuse rather than guess.
  return true;
}

export function blockedTargetError(url: string, address?: string): AppError {
  const message =
    address === undefined
      ? 'url must point to a public address'
      : `url resolves to ${address}, which is not a public address`;
  return new AppError('VALIDATION_ERROR', 'webhook endpoint url is not allowed', [{ field: 'url', message, url }]);
}

export interface WebhookTargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: skip the guard (development, tests, a sandbox on a LAN). */
  allowPrivateTargets: boolean;
  /** Injectable for tests; defaults to the system resolver. */
  resolve?: (hostname: string) => Promise<string[]>;
}

const defaultResolve = (hostname: string) =>
  new Promise<string[]>((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });

/** Validates the shape of a webhook URL: absolute http(s), at most 2048 characters, has a host. */
export function parseWebhookUrl(url: string): URL {
  const invalid = (message: string) =>
    new AppError('VALIDATION_ERROR', 'invalid webhook url', [{ field: 'url', message }]);
  if (url.length > 2048) throw invalid('must be at most 2048 characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('must use http or https');
  if (!parsed.hostname) throw invalid('must name a host');
  return parsed;
}

/**
 * Registration-time check: the URL's host (an IP literal, or every address its name resolves to)
 * must be public. A name that does not resolve is refused too: it cannot be checked.
 */
export async function assertAllowedTarget(url: string, policy: WebhookTargetPolicy): Promise<void> {
  const parsed = parseWebhookUrl(url);
  if (policy.allowPrivateTargets) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (isBlockedAddress(host)) throw blockedTargetError(url, host);
    return;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw blockedTargetError(url, 'localhost');
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? defaultResolve)(host);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'invalid webhook url', [
      { field: 'url', message: `host "${host}" does not resolve` },
    ]);
  }
  if (addresses.length === 0) {
    throw new AppError('VALIDATION_ERROR', 'invalid webhook url', [
      { field: 'url', message: `host "${host}" does not resolve` },
    ]);
  }
  for (const address of addresses) {
    if (isBlockedAddress(address)) throw blockedTargetError(url, address);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request/net.connect that refuses blocked addresses after resolution, so
 * the check applies to the address the socket really connects to.
 */
export function guardedLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, []);
      return;
    }
    const blocked = addresses.find((a) => isBlockedAddress(a.address));
    if (blocked) {
      const refusal = Object.assign(
        new Error(`refused: ${hostname} resolves to non-public address ${blocked.address}`),
        {
          code: 'EBLOCKEDTARGET',
        },
      );
      callback(refusal, []);
      return;
    }
    if ((options as LookupAllOptions).all) {
      callback(null, addresses);
    } else {
      const first = addresses[0];
      if (!first) callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
      else callback(null, first.address, first.family);
    }
  });
}
