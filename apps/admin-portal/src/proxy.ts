import { cspProxy } from '@mypay/portal-ui/csp';
import type { NextRequest } from 'next/server';

// Next 16's middleware: a per-request script nonce in the Content-Security-Policy (see cspProxy).
export function proxy(request: NextRequest) {
  return cspProxy(request);
}

export const config = {
  matcher: [
    {
      // Pages and actions; static files and prefetches carry no scripts to allow.
      source: '/((?!_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
