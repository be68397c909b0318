import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, createPool, dropDatabase, parseDatabaseUrl, withDatabaseName } from '../src/index.ts';

const server = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test';
const url = withDatabaseName(server, `mypay_dbprobe_${randomBytes(4).toString('hex')}`);
const name = parseDatabaseUrl(url).database;
const pool = createPool(parseDatabaseUrl(server), { connectionLimit: 1 });

const charsetOf = async () =>
  (
    await pool.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    )
  )[0]?.charset as string | undefined;
const tablesOf = async () =>
  Number((await pool.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [name]))[0].n);

afterAll(async () => {
  await dropDatabase(url).catch(() => {});
  await pool.end();
});

describe('createDatabase', () => {
  it('when a database is created, then it is utf8mb4', async () => {
    await createDatabase(url);
    expect(await charsetOf()).toBe('utf8mb4');
  });

  it('when it is created again, then the existing one is kept', async () => {
    await pool.query(`CREATE TABLE \`${name}\`.kept (id INT PRIMARY KEY)`);
    await createDatabase(url);
    expect(await tablesOf()).toBe(1);
  });

  it('when it is recreated, then it is empty', async () => {
    await createDatabase(url, { recreate: true });
    expect(await tablesOf()).toBe(0);
  });

  it('when it is dropped, then it is gone', async () => {
    await dropDatabase(url);
    expect(await charsetOf()).toBeUndefined();
  });
});
