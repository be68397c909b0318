import { defineConfig } from 'vitest/config';

// One run for the whole workspace. Tests share one throwaway database (DATABASE_URL,
// migrated and seeded once by the global setup) and create their own merchants with
// unique suffixes; tests that need an empty database make a scratch one and drop it.
//
// Two groups, one after the other: the suite, then the container stack test alone
// (it builds images and runs the whole Docker Compose stack, so it shares the two cores
// with nothing else).
const DOCKER_STACK_TEST = 'test/ops/docker-stack.test.ts';

// `pnpm test:quick` (MYPAY_TEST_QUICK=1): the fast local loop, without the chaos run, the
// operations/stack suites (nginx, Docker, backups), the browser suites and the built-portal suite.
const SLOW_SUITES =
  process.env.MYPAY_TEST_QUICK === '1'
    ? ['test/chaos/**', 'test/ops/**', '**/*.browser.test.ts', 'apps/*/test/**', 'test/portal/portal-security.test.ts']
    : [];

const shared = {
  exclude: ['**/node_modules/**', '**/.next/**'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        test: {
          ...shared,
          name: 'suite',
          include: ['{packages,services,apps,prisma,test,scripts,bench}/**/*.test.ts'],
          exclude: [...shared.exclude, DOCKER_STACK_TEST, ...SLOW_SUITES],
          globalSetup: ['./test/support/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'docker-stack',
          include: [DOCKER_STACK_TEST],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
