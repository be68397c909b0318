import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: `MyPay-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp is inside the signed string, so a
 * captured delivery cannot be replayed later with a fresh `t`. Several `v1=` values may appear
 * (one per active secret while a secret is being rotated); any one matching is enough.
 *
 * Pure functions with no database or config: part of the contract, the SDK and core reuse them.
 */

export const SIGNATURE_HEADER = 'MyPay-Signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for `rawBody`, signed at `now` with every secret given (first = current). */
export function signPayload(rawBody: string | Buffer, secrets: string | string[], now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return [`t=${t}`, ...list.map((s) => `v1=${computeSignature(s, t, rawBody)}`)].join(',');
}

export interface ParsedSignatureHeader {
  timestamp: number;
  v1: string[];
}

/** Parses `t=…,v1=…[,v1=…]`; unknown schemes (e.g. a future v2) are ignored. Null when malformed. */
export function parseSignatureHeader(header: string | undefined | null): ParsedSignatureHeader | null {
  if (!header) return null;
  let timestamp: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase());
  }
  if (timestamp === undefined || v1.length === 0) return null;
  return { timestamp, v1 };
}

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

export interface VerifySignatureOptions {
  /** Largest accepted distance between `t` and now, either way. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  now?: Date;
}

/** Like verifySignature, but says why a signature is refused. */
export function checkSignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secret: string,
  options: VerifySignatureOptions = {},
): SignatureCheck {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, rawBody), 'hex');
  // Compare against every v1 without stopping early, each in constant time.
  let match = false;
  for (const candidate of parsed.v1) {
    const given = Buffer.from(candidate, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'mismatch' };
}

/**
 * True when `header` carries a v1 signature of `rawBody` (the exact bytes received, before any
 * JSON parsing) made with `secret`, and its timestamp is within the tolerance.
 */
export function verifySignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secret: string,
  options: VerifySignatureOptions = {},
): boolean {
  return checkSignature(rawBody, header, secret, options).valid;
}
