import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool, parseDatabaseUrl } from '@mypay/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-db.ts';
import { migrate } from '../migrate-runner.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
const INIT = '20261121000000_init';

// Migration 20261202130000_exact_client_identities on a database that already holds records
// written under the case-insensitive collation: they stay, and from then on identities are exact.
describe('migration 20261202130000_exact_client_identities', () => {
  let scratch: ScratchDatabase;
  let pool: Pool;
  let initOnly: string;

  beforeEach(async () => {
    scratch = await createScratchDatabase('scratch');
    initOnly = await mkdtemp(join(tmpdir(), 'mypay-migrations-'));
    await cp(join(MIGRATIONS_DIR, INIT), join(initOnly, INIT), { recursive: true });
    await migrate({ databaseUrl: scratch.url, migrationsDir: initOnly });
    pool = createPool(parseDatabaseUrl(scratch.url), { connectionLimit: 2 });
    await pool.query(
      "INSERT INTO Merchant (id, name, email, passwordHash, updatedAt) VALUES ('mer_old', 'Old', 'old@example.test', 'x', NOW(3))",
    );
    await pool.query(
      `INSERT INTO IdempotencyRecord (merchantId, \`key\`, endpoint, requestHash, state, responseStatus, responseBody, createdAt, expiresAt)
       VALUES ('mer_old', 'Key-A', 'POST /api/v1/payouts', REPEAT('a', 64), 'COMPLETED', 201, '{"id":"po_old"}', NOW(3), NOW(3) + INTERVAL 1 DAY),
              ('mer_old', 'running', 'POST /api/v1/payouts', REPEAT('b', 64), 'IN_PROGRESS', NULL, NULL, NOW(3), NOW(3) + INTERVAL 1 DAY)`,
    );
    await pool.query(
      `INSERT INTO Payout (id, merchantId, amount, destinationType, provider, accountNumber, reference, status, scenario, updatedAt)
       VALUES ('po_old', 'mer_old', 100, 'wallet', 'JAZZCASH', '03001234567', 'INV-1', 'COMPLETED', 'SUCCESS', NOW(3))`,
    );
  });

  afterEach(async () => {
    await pool?.end();
    await scratch.drop();
    await rm(initOnly, { recursive: true, force: true });
  });

  it('when applied over existing records, then they stay and keys and references compare exactly from then on', async () => {
    const result = await migrate({ databaseUrl: scratch.url, migrationsDir: MIGRATIONS_DIR });
    expect(result.applied).toContain('20261202130000_exact_client_identities');

    const records = (await pool.query(
      'SELECT `key`, state, owner, responseBody FROM IdempotencyRecord ORDER BY id',
    )) as { key: string; state: string; owner: string; responseBody: unknown }[];
    expect(records.map((r) => [r.key, r.state])).toEqual([
      ['Key-A', 'COMPLETED'],
      ['running', 'IN_PROGRESS'],
    ]);
    // Every record has an owner; none a running request knows, so an old IN_PROGRESS one can
    // only be taken over once stale.
    for (const r of records) expect(r.owner).toMatch(/^[0-9a-f]{32}$/);
    expect(records[0]!.owner).not.toBe(records[1]!.owner);

    // Another case is another key and another reference now (both were duplicates before).
    await pool.query(
      `INSERT INTO IdempotencyRecord (merchantId, \`key\`, endpoint, requestHash, state, owner, createdAt, expiresAt)
       VALUES ('mer_old', 'key-a', 'POST /api/v1/payouts', REPEAT('c', 64), 'IN_PROGRESS', REPEAT('0', 32), NOW(3), NOW(3) + INTERVAL 1 DAY)`,
    );
    await pool.query(
      `INSERT INTO Payout (id, merchantId, amount, destinationType, provider, accountNumber, reference, status, scenario, updatedAt)
       VALUES ('po_new', 'mer_old', 100, 'wallet', 'JAZZCASH', '03001234567', 'inv-1', 'COMPLETED', 'SUCCESS', NOW(3))`,
    );
    const [found] = (await pool.query("SELECT COUNT(*) AS n FROM Payout WHERE reference = 'INV-1'")) as { n: number }[];
    expect(Number(found!.n)).toBe(1);
    // The same bytes are still one identity.
    await expect(
      pool.query(
        `INSERT INTO Payout (id, merchantId, amount, destinationType, provider, accountNumber, reference, status, scenario, updatedAt)
         VALUES ('po_dup', 'mer_old', 100, 'wallet', 'JAZZCASH', '03001234567', 'INV-1', 'COMPLETED', 'SUCCESS', NOW(3))`,
      ),
    ).rejects.toMatchObject({ errno: 1062 });
  });
});
