import { defineConfig } from 'vitest/config';

// One run for the whole workspace. Tests share one throwaway database (DATABASE_URL,
// migrated and seeded once by the global setup) and create their own merchants with
// unique suffixes; tests that need an empty database make a scratch one and drop it.
export default defineConfig({
  test: {
    include: ['{packages,services,apps,prisma,test,scripts,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.next/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
