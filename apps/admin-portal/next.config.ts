import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const config: NextConfig = {
  // A self-contained server in .next/standalone (what scripts/start.mjs and the Docker image run).
  output: 'standalone',
  outputFileTracingRoot: root,
  // The workspace packages ship TypeScript source.
  transpilePackages: ['@mypay/contracts', '@mypay/core', '@mypay/db', '@mypay/portal-ui'],
  // Native addons and the database driver stay plain Node modules.
  serverExternalPackages: ['bcrypt', 'mariadb', '@prisma/client', '@prisma/adapter-mariadb', 'pino'],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { tsconfigPath: 'tsconfig.json' },
  turbopack: { root },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
