import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection for the hosted page's form POSTs: a signed double-submit token bound to the
 * checkout. The page sets a random nonce in a cookie (HttpOnly, SameSite=Strict, path of this
 * checkout) and puts HMAC(secret, checkoutId + nonce) in the form. A POST must carry both and
 * they must match: another site cannot read the cookie or compute the HMAC, a token taken from
 * one checkout does not work on another, and SameSite keeps the cookie off cross-site requests.
 */

export const CSRF_COOKIE = 'mypay_checkout_csrf';
const NONCE_SHAPE = /^[A-Za-z0-9_-]{22,64}$/;

export const newCsrfNonce = () => randomBytes(18).toString('base64url');

export const isCsrfNonce = (value: string | undefined): value is string => !!value && NONCE_SHAPE.test(value);

export function csrfToken(secret: string, checkoutId: string, nonce: string): string {
  return createHmac('sha256', secret).update(`checkout-csrf\n${checkoutId}\n${nonce}`).digest('base64url');
}

export function verifyCsrf(secret: string, checkoutId: string, nonce: string | undefined, token: unknown): boolean {
  if (!isCsrfNonce(nonce) || typeof token !== 'string' || token.length > 100) return false;
  const expected = Buffer.from(csrfToken(secret, checkoutId, nonce));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The value of one cookie from a Cookie header (no dependency for one cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export function csrfCookie(nonce: string, checkoutId: string, options: { secure: boolean; maxAgeSeconds: number }) {
  return [
    `${CSRF_COOKIE}=${nonce}`,
    `Path=/checkout/${encodeURIComponent(checkoutId)}`,
    `Max-Age=${Math.max(60, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
