import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDatabaseSql,
  type DatabaseLocation,
  describeConnectionError,
  mariadb,
  parseDatabaseUrl,
  quoteIdentifier,
} from '@mypay/db';

/**
 * Applies prisma/migrations/<name>/migration.sql files the way `prisma migrate deploy` does,
 * without Prisma's schema engine (which cannot be downloaded everywhere we run). The ledger
 * rows in `_prisma_migrations` are written exactly as Prisma writes them, so a machine that
 * has the engine sees the same history and finds nothing to do.
 */

export const MIGRATIONS_TABLE = '_prisma_migrations';

/** Prisma's own advisory lock name: our runner and `prisma migrate deploy` exclude each other. */
export const MIGRATION_LOCK_NAME = 'prisma_migrate';

// Prisma's DDL for MySQL, byte for byte in meaning, so `prisma migrate` accepts the table.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS \`${MIGRATIONS_TABLE}\` (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** A refusal or failure the CLI prints as-is (one line per problem), never with a stack. */
export class MigrationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  migrationName: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir: string;
  log?: (line: string) => void;
  /**
   * How long to wait for another runner. Prisma waits 10 s; we wait longer because
   * GET_LOCK names are server-wide, so runners on other databases of the same server
   * (parallel test files, CI) queue behind each other too.
   */
  lockTimeoutSeconds?: number;
}

export interface MigrateResult {
  database: string;
  createdDatabase: boolean;
  applied: string[];
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Backtick-quoting of identifiers (database names come from DATABASE_URL) lives with createDatabaseSql.
export { quoteIdentifier };

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const location = parseLocation(options.databaseUrl);
  const files = await readMigrationFiles(options.migrationsDir);
  const conn = await connectToServer(location);
  try {
    const createdDatabase = await ensureDatabase(conn, location.database);
    if (createdDatabase) log(`created database ${location.database}`);
    await conn.query(`USE ${quoteIdentifier(location.database)}`);
    const applied = await withAdvisoryLock(conn, options.lockTimeoutSeconds ?? 60, async () => {
      await conn.query(CREATE_MIGRATIONS_TABLE);
      const pending = planMigrations(files, await readHistory(conn));
      for (const migration of pending) {
        await applyMigration(conn, migration);
        log(`applied ${migration.name}`);
      }
      return pending.map((m) => m.name);
    });
    return { database: location.database, createdDatabase, applied };
  } finally {
    await conn.end().catch(() => {});
  }
}

function parseLocation(databaseUrl: string): DatabaseLocation {
  try {
    return parseDatabaseUrl(databaseUrl);
  } catch (error) {
    throw new MigrationError([(error as Error).message]);
  }
}

/** Connects to the server without choosing a database, so a missing database can be created. */
export async function connectToServer(location: DatabaseLocation): Promise<mariadb.Connection> {
  try {
    return await mariadb.createConnection({
      host: location.host,
      port: location.port,
      user: location.user,
      password: location.password,
      connectTimeout: 3_000,
      bigIntAsNumber: true,
      insertIdAsNumber: true,
    });
  } catch (error) {
    throw new MigrationError([describeConnectionError(location, error)]);
  }
}

async function ensureDatabase(conn: mariadb.Connection, database: string): Promise<boolean> {
  // Checked first so an account without CREATE privilege can still migrate an existing database.
  const rows: unknown[] = await conn.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
    database,
  ]);
  if (rows.length > 0) return false;
  await conn.query(createDatabaseSql(database, { ifNotExists: true }));
  return true;
}

/** The migration folders in apply order (Prisma sorts folder names bytewise). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch {
    throw new MigrationError([`migrations folder ${migrationsDir} cannot be read`]);
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(names.map((name) => readMigrationFile(migrationsDir, name)));
}

async function readMigrationFile(migrationsDir: string, name: string): Promise<MigrationFile> {
  const path = join(migrationsDir, name, 'migration.sql');
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new MigrationError([`migration folder ${name} has no migration.sql`]);
  }
  // Prisma's checksum: SHA-256 of the file's bytes, lowercase hex.
  return { name, sql: bytes.toString('utf8'), checksum: sha256Hex(bytes) };
}

async function readHistory(conn: mariadb.Connection): Promise<AppliedMigration[]> {
  return conn.query(
    `SELECT migration_name AS migrationName, checksum, finished_at AS finishedAt, rolled_back_at AS rolledBackAt
       FROM ${MIGRATIONS_TABLE} ORDER BY started_at, migration_name`,
  );
}

/** Prisma also accepts a file whose only change is CRLF line endings (git autocrlf checkouts). */
function checksumMatches(file: MigrationFile, recorded: string): boolean {
  return file.checksum === recorded || sha256Hex(file.sql.replaceAll('\r\n', '\n')) === recorded;
}

/**
 * Decides what to apply, or refuses: history that does not match the files means someone
 * changed an applied migration or a migration broke half-way, and applying more on top
 * would only bury the problem.
 */
export function planMigrations(files: MigrationFile[], history: AppliedMigration[]): MigrationFile[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  // Rows marked rolled back (prisma migrate resolve --rolled-back) are ignored, as Prisma does.
  const live = history.filter((row) => row.rolledBackAt === null);
  const problems = live.flatMap((row) => problemsWithRow(row, byName.get(row.migrationName)));
  if (problems.length > 0) throw new MigrationError(problems);
  const done = new Set(live.map((row) => row.migrationName));
  return files.filter((f) => !done.has(f.name));
}

function problemsWithRow(row: AppliedMigration, file: MigrationFile | undefined): string[] {
  const name = row.migrationName;
  if (row.finishedAt === null) {
    return [
      `migration ${name} failed earlier and was never finished: fix the database by hand, then mark it ` +
        `rolled back (UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = NOW(3) WHERE migration_name = '${name}', ` +
        `or prisma migrate resolve --rolled-back ${name}) and run again`,
    ];
  }
  if (!file) {
    return [`migration ${name} is recorded as applied but its folder is missing: restore it from git`];
  }
  if (!checksumMatches(file, row.checksum)) {
    return [
      `migration ${name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… recorded, ` +
        `${file.checksum.slice(0, 12)}… now): restore the file and put the change in a new migration`,
    ];
  }
  return [];
}

/**
 * Holds Prisma's named lock for the duration of `fn`, so two runners started at once apply
 * each migration once: the second reads the history only after the first has finished.
 */
async function withAdvisoryLock<T>(conn: mariadb.Connection, timeoutSeconds: number, fn: () => Promise<T>): Promise<T> {
  const [row] = await conn.query<{ locked: number | null }[]>('SELECT GET_LOCK(?, ?) AS locked', [
    MIGRATION_LOCK_NAME,
    timeoutSeconds,
  ]);
  if (row?.locked !== 1) {
    throw new MigrationError([
      `another migration run held the lock "${MIGRATION_LOCK_NAME}" for more than ${timeoutSeconds}s; try again`,
    ]);
  }
  try {
    return await fn();
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK_NAME]).catch(() => {});
  }
}

/**
 * Records the start, runs the statements one by one (MySQL commits DDL implicitly, so there is
 * no transaction to roll back), then records the finish — the same three steps Prisma takes.
 */
async function applyMigration(conn: mariadb.Connection, migration: MigrationFile): Promise<void> {
  const statements = splitStatementsOrRefuse(migration);
  const id = randomUUID();
  await conn.query(
    `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES (?, ?, ?, CURRENT_TIMESTAMP(3), 0)`,
    [id, migration.checksum, migration.name],
  );
  for (const [index, statement] of statements.entries()) {
    try {
      await conn.query(statement);
    } catch (error) {
      const reason = sqlErrorText(error);
      await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = ? WHERE id = ?`, [reason, id]).catch(() => {});
      throw new MigrationError([
        `migration ${migration.name} failed at statement ${index + 1} of ${statements.length}: ${reason}`,
      ]);
    }
  }
  await conn.query(
    `UPDATE ${MIGRATIONS_TABLE} SET finished_at = CURRENT_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?`,
    [id],
  );
}

function splitStatementsOrRefuse(migration: MigrationFile): string[] {
  try {
    return splitSqlStatements(migration.sql);
  } catch (error) {
    throw new MigrationError([`migration ${migration.name}: ${(error as Error).message}`]);
  }
}

function sqlErrorText(error: unknown): string {
  const e = error as { sqlMessage?: string; text?: string; message?: string; errno?: number };
  const text = e.sqlMessage ?? e.text ?? e.message?.split('\n')[0] ?? String(error);
  return e.errno ? `${text} (errno ${e.errno})` : text;
}

/**
 * Splits a MySQL script into statements on `;`, ignoring semicolons inside quotes, backticks
 * and comments. Comments are dropped, except MySQL's executable `/*! … *\/` form. Like MySQL,
 * `--` starts a comment only when followed by whitespace (so `1--1` stays arithmetic).
 * DELIMITER is a client command, not SQL, and is not supported (Prisma does not support it either).
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const end = skipComment(sql, i);
    if (end !== i) {
      // Keep a separator so tokens on either side of a comment do not fuse.
      current += ' ';
      i = end;
      continue;
    }
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = findClosingQuote(sql, i);
      current += sql.slice(i, close + 1);
      i = close + 1;
    } else if (ch === ';') {
      pushStatement(statements, current);
      current = '';
      i++;
    } else {
      current += ch;
      i++;
    }
  }
  pushStatement(statements, current);
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  const trimmed = text.trim();
  if (trimmed) statements.push(trimmed);
}

/** If a comment starts at `i`, returns the index just after it; otherwise `i`. */
function skipComment(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  const isDashComment = ch === '-' && next === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2] as string));
  if (isDashComment || ch === '#') {
    const newline = sql.indexOf('\n', i);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (ch === '/' && next === '*' && sql[i + 2] !== '!') {
    const close = sql.indexOf('*/', i + 2);
    if (close === -1) throw new Error(`unterminated /* comment at line ${lineOf(sql, i)}`);
    return close + 2;
  }
  return i;
}

/** Index of the quote closing the one at `start`; handles doubled quotes and backslash escapes. */
function findClosingQuote(sql: string, start: number): number {
  const quote = sql[start];
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j];
    // Backslash escapes exist in string literals only, not in backtick identifiers.
    if (ch === '\\' && quote !== '`') {
      j += 2;
    } else if (ch === quote) {
      if (sql[j + 1] !== quote) return j;
      j += 2;
    } else {
      j++;
    }
  }
  throw new Error(`unterminated ${quote} quote starting at line ${lineOf(sql, start)}`);
}

function lineOf(sql: string, index: number): number {
  return sql.slice(0, index).split('\n').length;
}
