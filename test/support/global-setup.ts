import { execFileSync } from 'node:child_process';
import { resolveDatabaseUrl } from '@mypay/core';

/**
 * Migrates and seeds the test database once per run. The database itself is created by
 * scripts/test.sh (or CI); here we only bring its schema and reference data up to date.
 */
export default function setup(): void {
  // Unit-only runs (no database at hand) can skip this: MYPAY_SKIP_DB_SETUP=1.
  if (process.env.MYPAY_SKIP_DB_SETUP === '1') return;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: resolveDatabaseUrl({
      DATABASE_URL: process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test',
    }),
  };
  process.env.DATABASE_URL = env.DATABASE_URL;
  process.env.NODE_ENV = 'test';
  execFileSync('pnpm', ['--silent', 'db:migrate'], { env, stdio: 'inherit' });
  execFileSync('pnpm', ['--silent', 'db:seed'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
