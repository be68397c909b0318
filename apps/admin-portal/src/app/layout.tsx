import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import '@mypay/portal-ui/globals.css';
import './admin.css';

export const metadata: Metadata = {
  title: { default: 'MyPay Sandbox — admin', template: '%s · MyPay admin' },
  robots: { index: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
