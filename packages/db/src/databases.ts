import * as mariadb from 'mariadb';
import { type DatabaseLocation, parseDatabaseUrl } from './index.ts';

/**
 * The one way to make a database: utf8mb4 with the unicode collation, as the schema expects
 * (the migration runner, scratch databases of tests, bench and scripts all come here).
 */
export const DATABASE_CHARSET = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';

/** A database or table name in backticks (embedded backticks doubled). */
export const quoteIdentifier = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

/** `CREATE DATABASE [IF NOT EXISTS] <name> CHARACTER SET utf8mb4 …`. */
export const createDatabaseSql = (name: string, options: { ifNotExists?: boolean } = {}): string =>
  `CREATE DATABASE ${options.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdentifier(name)} ${DATABASE_CHARSET}`;

async function onServer<T>(location: DatabaseLocation, run: (conn: mariadb.Connection) => Promise<T>): Promise<T> {
  // No database chosen: the one named may not exist yet.
  const conn = await mariadb.createConnection({
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
    connectTimeout: 3_000,
  });
  try {
    return await run(conn);
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Creates the database `databaseUrl` names (utf8mb4). An existing one is kept, or dropped first
 * with `recreate` (an empty database either way when it did not exist).
 */
export async function createDatabase(databaseUrl: string, options: { recreate?: boolean } = {}): Promise<void> {
  const location = parseDatabaseUrl(databaseUrl);
  await onServer(location, async (conn) => {
    if (options.recreate) await conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(location.database)}`);
    await conn.query(createDatabaseSql(location.database, { ifNotExists: true }));
  });
}

/** Drops the database `databaseUrl` names, if it exists. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const location = parseDatabaseUrl(databaseUrl);
  await onServer(location, (conn) => conn.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(location.database)}`));
}

/** The same server and account as `databaseUrl`, another database. */
export function withDatabaseName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
