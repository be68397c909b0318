import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { commonEnvShape, loadConfigOrExit, resolveDatabaseUrl } from '@mypay/core/config';
import { parseDatabaseUrl } from '@mypay/db';
import { z } from 'zod';
import { exitWithError, runMigrate } from './migrate.ts';
import { connectToServer, MigrationError, quoteIdentifier } from './migrate-runner.ts';

/** `pnpm db:reset`: drop the database, create it, migrate, seed. Never in production. */

const SEED_SCRIPT = fileURLToPath(new URL('./seed.ts', import.meta.url));

// No production rule for DATABASE_URL here: production is refused outright, whatever the URL.
const resetEnv = z.object({ NODE_ENV: commonEnvShape.NODE_ENV, DATABASE_URL: commonEnvShape.DATABASE_URL });

async function dropDatabase(databaseUrl: string): Promise<void> {
  const location = parseDatabaseUrl(databaseUrl);
  const conn = await connectToServer(location);
  try {
    await conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(location.database)}`);
    process.stdout.write(`dropped database ${location.database}\n`);
  } finally {
    await conn.end().catch(() => {});
  }
}

/** Runs the seed in its own process, as `pnpm db:seed` would, so it reads the same environment. */
function runSeed(databaseUrl: string): void {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const result = spawnSync(process.execPath, [tsxCli, SEED_SCRIPT], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  if (result.status !== 0) {
    throw new MigrationError([`seed failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`]);
  }
}

async function main(): Promise<void> {
  const env = loadConfigOrExit(resetEnv, 'db:reset');
  if (env.NODE_ENV === 'production') {
    throw new MigrationError(['refused under NODE_ENV=production: db:reset drops the whole database']);
  }
  const databaseUrl = resolveDatabaseUrl(env);
  await dropDatabase(databaseUrl);
  await runMigrate(databaseUrl);
  runSeed(databaseUrl);
}

main().catch((error) => exitWithError('db:reset', error));
