import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScratchDatabase } from '../support/scratch-db.ts';
import { createOpsDatabase, query, REPO, run } from './support/ops.ts';

/** db-grants.sh on a scratch database and a throwaway user: AuditLog becomes append-only. */

let database: ScratchDatabase;
const user = `ops_${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');

function asAppUser(sql: string) {
  const url = new URL(database.url);
  url.username = user;
  url.password = password;
  return query(url.toString(), sql);
}

beforeAll(async () => {
  database = await createOpsDatabase(false);
  await query(database.url, `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
  // What the mysql image gives MYSQL_USER: everything on the database.
  await query(database.url, `GRANT ALL PRIVILEGES ON \`${database.name}\`.* TO '${user}'@'%'`);
}, 120_000);

afterAll(async () => {
  await query(database.url, `DROP USER IF EXISTS '${user}'@'%'`).catch(() => {});
  await database?.drop();
});

describe('db-grants.sh --local', () => {
  it('when applied, then the app user can write business tables and only append to AuditLog', async () => {
    const res = await run(path.join(REPO, 'scripts/db-grants.sh'), ['--local', '--user', user], {
      env: { DATABASE_URL: database.url },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('AuditLog append-only');

    await asAppUser("INSERT INTO AuditLog (actorType, action) VALUES ('system', 'ops.grants.test')");
    expect(await asAppUser('SELECT COUNT(*) AS n FROM AuditLog')).toEqual([{ n: 1 }]);
    await asAppUser("UPDATE Bank SET name = name WHERE code = 'none'");

    await expect(asAppUser("UPDATE AuditLog SET action = 'tampered'")).rejects.toThrow(/UPDATE command denied/);
    await expect(asAppUser('DELETE FROM AuditLog')).rejects.toThrow(/DELETE command denied/);
    await expect(asAppUser('CREATE TABLE Sneaky (id INT)')).rejects.toThrow(/CREATE command denied/);
    await expect(asAppUser('DROP TABLE Merchant')).rejects.toThrow(/DROP command denied/);
  });
});
