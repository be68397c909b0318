import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import '@mypay/portal-ui/globals.css';
import './admin.css';

export const metadata: Metadata = {
  title: { default: 'MyPay Sandbox — admin', template: '%s · MyPay admin' },
  robots: { index: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read per request: every page is rendered with this request's CSP nonce (src/proxy.ts);
  // a page prerendered at build time would carry scripts without one, which the policy blocks.
  await headers();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
