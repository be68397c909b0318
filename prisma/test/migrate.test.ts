import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool, parseDatabaseUrl } from '@mypay/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-db.ts';
import { expectedTables, loadDataModel } from '../drift.ts';
import { MigrationError, migrate, sha256Hex } from '../migrate-runner.ts';
import { runScript } from './cli.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
const INIT = '20261121000000_init';
/** Every migration of the repository, in order (the first is INIT). */
const ALL = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface LedgerRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

describe('db:migrate', () => {
  let scratch: ScratchDatabase;
  let pool: Pool | undefined;
  let migrationsCopy: string | undefined;

  beforeEach(async () => {
    // A name on the test server that does not exist yet: the runner must create the database.
    scratch = await createScratchDatabase('scratch');
    await scratch.drop();
  });

  afterEach(async () => {
    await pool?.end();
    pool = undefined;
    await scratch.drop();
    if (migrationsCopy) await rm(migrationsCopy, { recursive: true, force: true });
    migrationsCopy = undefined;
  });

  function query<T>(sql: string, values: unknown[] = []): Promise<T> {
    pool ??= createPool(parseDatabaseUrl(scratch.url), { connectionLimit: 1 });
    return pool.query(sql, values);
  }

  const ledger = () => query<LedgerRow[]>('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name');

  /** A private copy of the migrations folder that a test may edit. */
  async function copyMigrations(): Promise<string> {
    migrationsCopy = await mkdtemp(join(tmpdir(), 'mypay-migrations-'));
    await cp(MIGRATIONS_DIR, migrationsCopy, { recursive: true });
    return migrationsCopy;
  }

  async function addMigration(dir: string, name: string, sql: string): Promise<void> {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }

  function refusalOf(promise: Promise<unknown>): Promise<string> {
    return promise.then(
      () => {
        throw new Error('expected the migration run to be refused');
      },
      (error: unknown) => {
        if (!(error instanceof MigrationError)) throw error;
        return error.message;
      },
    );
  }

  it('when the database does not exist, then it is created with every table and one Prisma ledger row', async () => {
    const result = await migrate({ databaseUrl: scratch.url, migrationsDir: MIGRATIONS_DIR });

    expect(result).toMatchObject({ createdDatabase: true, applied: ALL });
    const tables = await query<{ name: string }[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [scratch.name],
    );
    const models = expectedTables(await loadDataModel()).map((t) => t.name);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([...models, '_prisma_migrations']));
    const fileBytes = await readFile(join(MIGRATIONS_DIR, INIT, 'migration.sql'));
    const [row, ...others] = await ledger();
    expect(others.map((r) => r.migration_name)).toEqual(ALL.slice(1));
    expect(row).toMatchObject({
      migration_name: INIT,
      checksum: sha256Hex(fileBytes),
      logs: null,
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(row?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
  });

  it('when run again, then nothing is applied and it says already up to date', async () => {
    const first = await runScript('prisma/migrate.ts', { DATABASE_URL: scratch.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`applied ${INIT}`);
    expect(first.stdout).toContain(`${ALL.length} applied`);

    const second = await runScript('prisma/migrate.ts', { DATABASE_URL: scratch.url });

    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('already up to date');
    expect(second.stdout).not.toContain('applied 2026');
    expect(await ledger()).toHaveLength(ALL.length);
  });

  it('when a new migration is added later, then only it is applied and recorded after the first', async () => {
    const dir = await copyMigrations();
    await migrate({ databaseUrl: scratch.url, migrationsDir: dir });
    await addMigration(dir, '20291201000000_add_note', 'ALTER TABLE `Bank` ADD COLUMN `note` VARCHAR(20) NULL;\n');

    const result = await migrate({ databaseUrl: scratch.url, migrationsDir: dir });

    expect(result.applied).toEqual(['20291201000000_add_note']);
    expect((await ledger()).map((r) => r.migration_name)).toEqual([...ALL, '20291201000000_add_note']);
  });

  it('when an applied migration file was edited, then it refuses, names it, and applies nothing more', async () => {
    const dir = await copyMigrations();
    await migrate({ databaseUrl: scratch.url, migrationsDir: dir });
    const initFile = join(dir, INIT, 'migration.sql');
    await writeFile(initFile, `${await readFile(initFile, 'utf8')}\n-- a harmless-looking edit\n`);
    await addMigration(dir, '20291201000000_next', 'CREATE TABLE `Next` (`id` INT NOT NULL PRIMARY KEY);\n');

    const message = await refusalOf(migrate({ databaseUrl: scratch.url, migrationsDir: dir }));

    expect(message).toMatch(new RegExp(`migration ${INIT} was edited after it was applied`));
    expect(await ledger()).toHaveLength(ALL.length);
    const next = await query<unknown[]>(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'Next'",
      [scratch.name],
    );
    expect(next).toHaveLength(0);
  });

  it('when the CLI meets an edited migration, then it exits non-zero with the reason and no stack', async () => {
    const dir = await copyMigrations();
    await migrate({ databaseUrl: scratch.url, migrationsDir: dir });
    // The CLI reads the real folder; make the ledger disagree with it instead of editing the file.
    await query("UPDATE _prisma_migrations SET checksum = REPEAT('0', 64) WHERE migration_name = ?", [INIT]);

    const result = await runScript('prisma/migrate.ts', { DATABASE_URL: scratch.url });

    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      `db:migrate: migration ${INIT} was edited after it was applied (checksum 000000000000… recorded, ` +
        `${sha256Hex(await readFile(join(MIGRATIONS_DIR, INIT, 'migration.sql'))).slice(0, 12)}… now): ` +
        'restore the file and put the change in a new migration',
    );
  });

  it('when an applied migration folder is missing, then it refuses', async () => {
    const dir = await copyMigrations();
    await migrate({ databaseUrl: scratch.url, migrationsDir: dir });
    await rm(join(dir, INIT), { recursive: true });

    const message = await refusalOf(migrate({ databaseUrl: scratch.url, migrationsDir: dir }));

    expect(message).toMatch(new RegExp(`migration ${INIT} is recorded as applied but its folder is missing`));
  });

  it('when a migration fails half-way, then it is recorded unfinished with its error and later runs refuse', async () => {
    const dir = await copyMigrations();
    await addMigration(
      dir,
      '20261201000000_broken',
      'CREATE TABLE `Half` (`id` INT NOT NULL PRIMARY KEY);\nALTER TABLE `NoSuchTable` ADD COLUMN `x` INT;\n',
    );

    const failure = await refusalOf(migrate({ databaseUrl: scratch.url, migrationsDir: dir }));
    expect(failure).toMatch(/migration 20261201000000_broken failed at statement 2 of 2: .*NoSuchTable/);
    const broken = (await ledger()).find((r) => r.migration_name === '20261201000000_broken');
    expect(broken).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(broken?.logs).toMatch(/NoSuchTable/);

    const again = await refusalOf(migrate({ databaseUrl: scratch.url, migrationsDir: dir }));
    expect(again).toMatch(/migration 20261201000000_broken failed earlier/);
  });

  it('when two runners start at once, then both succeed and each migration is recorded once', async () => {
    const [a, b] = await Promise.all([
      runScript('prisma/migrate.ts', { DATABASE_URL: scratch.url }),
      runScript('prisma/migrate.ts', { DATABASE_URL: scratch.url }),
    ]);

    expect(a?.code, a?.stderr).toBe(0);
    expect(b?.code, b?.stderr).toBe(0);
    const rows = await ledger();
    expect(rows.map((r) => r.migration_name)).toEqual(ALL);
    const outputs = [a?.stdout ?? '', b?.stdout ?? ''];
    expect(outputs.filter((out) => out.includes(`${ALL.length} applied`))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('already up to date'))).toHaveLength(1);
  });

  it('when the database server is unreachable, then one line names host and database, exit non-zero', async () => {
    const result = await runScript('prisma/migrate.ts', { DATABASE_URL: `mysql://root@127.0.0.1:1/${scratch.name}` });

    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('127.0.0.1:1');
    expect(lines[0]).toContain(scratch.name);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('when NODE_ENV=production and DATABASE_URL is unset, then it refuses to guess a database', async () => {
    const result = await runScript('prisma/migrate.ts', { NODE_ENV: 'production', DATABASE_URL: '' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_URL: required in production');
  });
});
