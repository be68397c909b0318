import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@mypay/db';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface PrepareDatabaseOptions {
  /** Drop the database first (default: keep an existing one and bring it up to date). */
  recreate?: boolean;
  /** NODE_ENV of the migrate and seed commands (default `test`). */
  nodeEnv?: 'test' | 'development';
  /** Let the commands' stderr through (default: quiet). */
  showErrors?: boolean;
}

/**
 * A database ready to use, for tests, bench and scripts that want one of their own: created
 * (utf8mb4, createDatabase), migrated and seeded by `pnpm db:migrate` and `pnpm db:seed`, as a
 * developer would.
 */
export async function prepareDatabase(databaseUrl: string, options: PrepareDatabaseOptions = {}): Promise<void> {
  await createDatabase(databaseUrl, { recreate: options.recreate });
  const env = { ...process.env, NODE_ENV: options.nodeEnv ?? 'test', DATABASE_URL: databaseUrl };
  const stdio = ['ignore', 'ignore', options.showErrors ? 'inherit' : 'ignore'] as const;
  execFileSync('pnpm', ['--silent', 'db:migrate'], { cwd: REPO_ROOT, env, stdio: [...stdio] });
  execFileSync('pnpm', ['--silent', 'db:seed'], { cwd: REPO_ROOT, env, stdio: [...stdio] });
}
