import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

/**
 * Both portals' Next config; `configUrl` is the portal's `next.config.ts` (its `import.meta.url`),
 * two folders below the workspace root. Next loads it through its own TypeScript hook, so this
 * file imports nothing but Node's own modules at run time.
 */
export function createNextConfig(configUrl: string): NextConfig {
  const root = path.resolve(path.dirname(fileURLToPath(configUrl)), '../..');
  return {
    // A self-contained server in .next/standalone (what scripts/start.mjs and the Docker image run).
    output: 'standalone',
    outputFileTracingRoot: root,
    // The workspace packages ship TypeScript source.
    transpilePackages: [
      '@mypay/contracts',
      '@mypay/core',
      '@mypay/db',
      '@mypay/http',
      '@mypay/portal-server',
      '@mypay/portal-ui',
    ],
    // Native addons and the database driver stay plain Node modules.
    serverExternalPackages: ['bcrypt', 'mariadb', '@prisma/client', '@prisma/adapter-mariadb', 'pino', 'prom-client'],
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
}
