import { type NextRequest, NextResponse } from 'next/server';

/**
 * The portals' Content-Security-Policy: scripts only with this response's nonce ('strict-dynamic'
 * lets those load Next's chunks), never inline without it, never eval outside `next dev`. Styles
 * keep 'unsafe-inline' (React style attributes cannot carry a nonce; styles do not run code).
 * nginx adds a second policy for the portal hosts that never mentions scripts
 * (nginx/templates/portal-csp.conf.template), so this one decides them.
 */
export function portalContentSecurityPolicy(nonce: string, options: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 16 random bytes, base64: unguessable, new for every request. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The body of each portal's `src/proxy.ts` (Next 16's middleware): a fresh nonce per request,
 * put into the request's Content-Security-Policy header (Next reads the nonce from it while
 * rendering and puts it on every script it writes) and into the response's. The pages are
 * rendered per request (the root layouts read headers()), so no cached HTML carries an old nonce.
 */
export function cspProxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = portalContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development' });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}
