import { readFileSync } from 'node:fs';
import { commonEnvShape, loadConfigOrExit, resolveDatabaseUrl, SEED_ADMIN } from '@mypay/core';
import { createDb, pingDatabase } from '@mypay/db';
import { z } from 'zod';
import { runSeed } from './seed-runner.ts';

const seedEnv = z
  .object({
    NODE_ENV: commonEnvShape.NODE_ENV,
    DATABASE_URL: commonEnvShape.DATABASE_URL,
    SEED_ADMIN_PASSWORD: z.string().optional(),
    // A file holding the admin password (Compose mounts a secret there): nothing of it stays in
    // the exited migrate container's environment, which `docker inspect` shows.
    SEED_ADMIN_PASSWORD_FILE: z.string().optional(),
    // The public demo merchant (test@mycodigital.io, key test-api-key-123): always outside
    // production; in production only on this explicit opt-in.
    SEED_DEMO_MERCHANT: z.enum(['true', 'false', '']).optional(),
    SEED_PAYOUT_API_KEY: z
      .string()
      .regex(/^[\x21-\x7e]{16,128}$/, 'must be 16–128 printable characters without spaces')
      .optional(),
    SEED_ALL_API_KEY: z
      .string()
      .regex(/^[\x21-\x7e]{16,128}$/, 'must be 16–128 printable characters without spaces')
      .optional(),
  })
  .transform((env, ctx) => {
    if (!env.SEED_ADMIN_PASSWORD_FILE) return env;
    try {
      // One trailing newline (echo, editors) is not part of the password.
      return { ...env, SEED_ADMIN_PASSWORD: readFileSync(env.SEED_ADMIN_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '') };
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEED_ADMIN_PASSWORD_FILE'],
        message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return z.NEVER;
    }
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production' });
    const password = env.SEED_ADMIN_PASSWORD;
    if (!password) {
      ctx.addIssue({ code: 'custom', path: ['SEED_ADMIN_PASSWORD'], message: 'required in production' });
    } else if (password.length < 12) {
      ctx.addIssue({ code: 'custom', path: ['SEED_ADMIN_PASSWORD'], message: 'must be at least 12 characters' });
    } else if (password === SEED_ADMIN.devPassword || /CHANGE_ME/i.test(password)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEED_ADMIN_PASSWORD'],
        message: 'must not be the default or a placeholder',
      });
    }
  });

async function main(): Promise<void> {
  const env = loadConfigOrExit(seedEnv, 'seed');
  const db = createDb(resolveDatabaseUrl(env), { connectionLimit: 2 });
  try {
    // Fails with one line naming host and database when the server is away.
    await pingDatabase(db);
    const report = await runSeed(db, {
      production: env.NODE_ENV === 'production',
      adminPassword: env.SEED_ADMIN_PASSWORD,
      payoutApiKey: env.SEED_PAYOUT_API_KEY,
      newPayoutKey: process.argv.includes('--new-payout-key'),
      demoMerchant: env.NODE_ENV !== 'production' || env.SEED_DEMO_MERCHANT === 'true',
      allApiKey: env.SEED_ALL_API_KEY,
      newAllKey: process.argv.includes('--new-all-key'),
    });
    if (
      report.created.length === 0 &&
      report.updated.length === 0 &&
      !report.generatedPayoutKey &&
      !report.generatedAllKey
    ) {
      console.log('seed: nothing to do, the database already holds the seed data');
    } else {
      for (const line of report.created) console.log(`seed: created ${line}`);
      for (const line of report.updated) console.log(`seed: updated ${line}`);
    }
    for (const note of report.notes) console.log(`seed: ${note}`);
    if (report.generatedPayoutKey) {
      console.log(`\nPayout API key (scope payout, shown once): ${report.generatedPayoutKey}\n`);
    }
    if (report.generatedAllKey) {
      console.log(
        `\nAPI key of scope all, for the CLI and the docs' walkthroughs (both APIs; shown once): ${report.generatedAllKey}\n`,
      );
    }
  } catch (error) {
    console.error(`seed: ${(error as Error).message.split('\n')[0]}`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

await main();
