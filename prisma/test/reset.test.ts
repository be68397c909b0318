import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createPool, parseDatabaseUrl } from '@mypay/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-db.ts';
import { runScript } from './cli.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

describe('db:reset', () => {
  let scratch: ScratchDatabase;

  beforeEach(async () => {
    scratch = await createScratchDatabase('scratch');
  });

  afterEach(async () => {
    await scratch.drop();
  });

  async function query<T>(sql: string): Promise<T> {
    const pool = createPool(parseDatabaseUrl(scratch.url), { connectionLimit: 1 });
    try {
      return await pool.query(sql);
    } finally {
      await pool.end();
    }
  }

  it('when NODE_ENV=production, then it refuses and leaves the database alone', async () => {
    await query('CREATE TABLE `Keep` (`id` INT PRIMARY KEY)');

    const result = await runScript('prisma/reset.ts', { NODE_ENV: 'production', DATABASE_URL: scratch.url });

    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('db:reset: refused under NODE_ENV=production: db:reset drops the whole database');
    expect(await query<unknown[]>('SELECT * FROM `Keep`')).toEqual([]);
  });

  it('when run, then the database is rebuilt from scratch: old tables gone, migrated and seeded', async () => {
    await query('CREATE TABLE `Leftover` (`id` INT PRIMARY KEY)');

    const result = await runScript('prisma/reset.ts', { DATABASE_URL: scratch.url });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`dropped database ${scratch.name}`);
    const tables = await query<{ name: string }[]>(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${scratch.name}'`,
    );
    expect(tables.map((t) => t.name)).not.toContain('Leftover');
    const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    expect(await query<unknown[]>('SELECT * FROM _prisma_migrations')).toHaveLength(folders.length);
    const [banks] = await query<{ n: number }[]>('SELECT COUNT(*) AS n FROM `Bank`');
    expect(Number(banks?.n)).toBeGreaterThan(0);
  });
});
