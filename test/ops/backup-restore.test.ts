import { existsSync } from 'node:fs';
import { readdir, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScratchDatabase } from '../support/scratch-db.ts';
import { createOpsDatabase, query, REPO, removeDir, run, tableChecksums, tempDir } from './support/ops.ts';

/** backup.sh and rollback.sh --restore-db, run for real against a scratch database. */

const backupScript = path.join(REPO, 'scripts/backup.sh');
const rollbackScript = path.join(REPO, 'scripts/rollback.sh');

let database: ScratchDatabase;
let backupDir: string;

beforeAll(async () => {
  database = await createOpsDatabase(true);
  backupDir = await tempDir('backups');
}, 120_000);

afterAll(async () => {
  await database?.drop();
  await removeDir(backupDir);
});

const env = () => ({ DATABASE_URL: database.url });

async function archives(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.sql.gz')).sort();
}

async function backup(): Promise<string> {
  const res = await run(backupScript, ['--local', '--dir', backupDir], { env: env() });
  expect(res.code, res.stderr).toBe(0);
  return res.stdout.trim();
}

async function mutate(): Promise<void> {
  await query(database.url, "UPDATE Merchant SET name = CONCAT(name, ' (changed)')");
  await query(database.url, "INSERT INTO Bank (code, name) VALUES ('OPSTEST', 'Ops Test Bank')");
  await query(database.url, 'DELETE FROM Scenario WHERE `key` = "TIMEOUT"');
  await query(database.url, 'CREATE TABLE StrayTable (id INT PRIMARY KEY)');
}

describe('backup.sh --local', () => {
  it('when it runs six times, then each archive verifies and only the newest five are kept', async () => {
    const made: string[] = [];
    for (let i = 0; i < 6; i += 1) made.push(await backup());
    const kept = await archives(backupDir);
    expect(kept).toEqual(made.slice(1).map((file) => path.basename(file)));
    expect(existsSync(made[0]!)).toBe(false);
    for (const name of kept) {
      expect(name).toMatch(new RegExp(`^mypay-${database.name}-\\d{8}T\\d{9}Z\\.sql\\.gz$`));
      const gz = await run('gzip', ['-t', path.join(backupDir, name)]);
      expect(gz.code).toBe(0);
    }
  });

  it('when the database cannot be dumped, then it fails and leaves no archive behind', async () => {
    const before = await archives(backupDir);
    const res = await run(backupScript, ['--local', '--dir', backupDir], {
      env: { DATABASE_URL: `mysql://root@127.0.0.1:3306/${database.name}_missing` },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('dump of');
    expect(await readdir(backupDir)).toEqual(expect.arrayContaining(before));
    expect((await readdir(backupDir)).filter((n) => n.includes('_missing'))).toEqual([]);
  });
});

describe('rollback.sh --restore-db --local', () => {
  it('when data changed after a backup, then restoring the newest backup brings back exactly that data', async () => {
    await backup();
    const saved = await tableChecksums(database.url);
    await mutate();
    expect(await tableChecksums(database.url)).not.toEqual(saved);

    const res = await run(rollbackScript, ['--restore-db', '--local', '--yes', '--dir', backupDir], { env: env() });
    expect(res.code, res.stderr).toBe(0);

    expect(await tableChecksums(database.url)).toEqual(saved);
    expect(await archives(backupDir)).toHaveLength(5);
    // The data just replaced was kept first.
    const safety = await archives(path.join(backupDir, 'pre-restore'));
    expect(safety).toHaveLength(1);
    const content = await run('sh', ['-c', `gzip -dc "${path.join(backupDir, 'pre-restore', safety[0]!)}"`]);
    expect(content.stdout).toContain('CREATE TABLE `StrayTable`');
    expect(content.stdout).toContain('Ops Test Bank');
  });

  it('when a specific FILE is given, then that archive is restored', async () => {
    const file = await backup();
    const saved = await tableChecksums(database.url);
    await query(database.url, "UPDATE Merchant SET name = 'renamed again'");
    const res = await run(rollbackScript, ['--restore-db', file, '--local', '--yes', '--dir', backupDir], {
      env: env(),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(await tableChecksums(database.url)).toEqual(saved);
  });

  it('when the archive is damaged, then nothing is touched', async () => {
    const file = await backup();
    await truncate(file, 200);
    await query(database.url, "UPDATE Merchant SET name = 'after the damaged backup'");
    const current = await tableChecksums(database.url);
    const res = await run(rollbackScript, ['--restore-db', file, '--local', '--yes', '--dir', backupDir], {
      env: env(),
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('refusing to restore from a damaged archive');
    expect(await tableChecksums(database.url)).toEqual(current);
  });

  it('when nobody confirms (no terminal, no --yes), then nothing is restored', async () => {
    await backup();
    await query(database.url, "UPDATE Merchant SET name = 'not confirmed'");
    const current = await tableChecksums(database.url);
    const res = await run(rollbackScript, ['--restore-db', '--local', '--dir', backupDir], { env: env() });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('restore cancelled');
    expect(await tableChecksums(database.url)).toEqual(current);
  });
});
