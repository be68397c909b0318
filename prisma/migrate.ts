import { fileURLToPath } from 'node:url';
// The config module alone: the runner must not depend on domain code that may not load yet.
import { checkProductionSecrets, commonEnvShape, loadConfigOrExit, resolveDatabaseUrl } from '@mypay/core/config';
import { z } from 'zod';
import { MigrationError, migrate } from './migrate-runner.ts';

/** `pnpm db:migrate`: applies pending migrations to DATABASE_URL. */

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export const migrateEnv = z
  .object({ NODE_ENV: commonEnvShape.NODE_ENV, DATABASE_URL: commonEnvShape.DATABASE_URL })
  .superRefine((env, ctx) => checkProductionSecrets(env, ctx, []));

/** Prints a failure as its own lines and exits non-zero: operators need the reason, not a stack. */
export function exitWithError(processName: string, error: unknown): never {
  const lines =
    error instanceof MigrationError ? error.problems : [(error as Error)?.message?.split('\n')[0] ?? String(error)];
  for (const line of lines) process.stderr.write(`${processName}: ${line}\n`);
  process.exit(1);
}

export async function runMigrate(databaseUrl: string): Promise<string[]> {
  const result = await migrate({
    databaseUrl,
    migrationsDir: MIGRATIONS_DIR,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const summary = result.applied.length > 0 ? `${result.applied.length} applied` : 'already up to date';
  process.stdout.write(`${summary} (database ${result.database})\n`);
  return result.applied;
}

async function main(): Promise<void> {
  const env = loadConfigOrExit(migrateEnv, 'db:migrate');
  await runMigrate(resolveDatabaseUrl(env));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => exitWithError('db:migrate', error));
}
