import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScratchDatabase } from '../support/scratch-db.ts';
import { createOpsDatabase, freePort, query, REPO, run } from './support/ops.ts';

/** schema-check.sh against two freshly migrated scratch databases. */

const script = path.join(REPO, 'scripts/schema-check.sh');
let first: ScratchDatabase;
let second: ScratchDatabase;

beforeAll(async () => {
  [first, second] = await Promise.all([createOpsDatabase(false), createOpsDatabase(false)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([first?.drop(), second?.drop()]);
});

describe('schema-check.sh', () => {
  it('when both databases ran the same migrations, then it reports no drift and exits 0', async () => {
    const res = await run(script, [first.url, second.url]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stderr).toContain('no drift');
  });

  it('when a column was added by hand to one database, then it exits 1 and shows the column', async () => {
    await query(second.url, 'ALTER TABLE Payout ADD COLUMN hotfixNote VARCHAR(64) NULL');
    const res = await run(script, [first.url, second.url]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^\+column \| Payout \| hotfixNote \| \d+ \| varchar\(64\) \| YES/m);
    expect(res.stderr).toContain('schema drift');
    await query(second.url, 'ALTER TABLE Payout DROP COLUMN hotfixNote');
  });

  it('when an index differs, then it exits 1 and shows the index', async () => {
    await query(first.url, 'CREATE INDEX Payout_reference_ops_idx ON Payout (reference)');
    const res = await run(script, [first.url, second.url]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^-index \| Payout \| Payout_reference_ops_idx/m);
    await query(first.url, 'DROP INDEX Payout_reference_ops_idx ON Payout');
  });

  it('when the applied migrations differ, then it exits 1 and names the migration', async () => {
    const [row] = await query<{ name: string }>(
      second.url,
      'SELECT migration_name AS name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1',
    );
    await query(
      second.url,
      `UPDATE _prisma_migrations SET rolled_back_at = NOW(3) WHERE migration_name = '${row!.name}'`,
    );
    const res = await run(script, [first.url, second.url]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`+migration | ${row!.name}`);
    await query(
      second.url,
      `UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = '${row!.name}'`,
    );
    expect((await run(script, [first.url, second.url])).code).toBe(0);
  });

  it('when a database cannot be reached, then it exits 2 (an error, not "drift")', async () => {
    const res = await run(script, [`mysql://root@127.0.0.1:${await freePort()}/nothing`, second.url]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('cannot read the schema');
  });
});
