import { fileURLToPath } from 'node:url';
import { createPool, parseDatabaseUrl } from '@mypay/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-db.ts';
import { checkDrift } from '../drift.ts';
import { migrate } from '../migrate-runner.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

// Proves the hand-written migrations build exactly what schema.prisma declares, and that the
// checker would notice if they did not (each "fails" test breaks one thing by hand).
describe('drift between schema.prisma and a migrated database', () => {
  let scratch: ScratchDatabase;

  beforeEach(async () => {
    scratch = await createScratchDatabase('scratch');
    await migrate({ databaseUrl: scratch.url, migrationsDir: MIGRATIONS_DIR });
  });

  afterEach(async () => {
    await scratch.drop();
  });

  async function alter(sql: string): Promise<void> {
    const pool = createPool(parseDatabaseUrl(scratch.url), { connectionLimit: 1 });
    try {
      await pool.query(sql);
    } finally {
      await pool.end();
    }
  }

  it('when the database is freshly migrated, then there is no drift', async () => {
    expect(await checkDrift(scratch.url)).toEqual([]);
  });

  it('when a column is dropped by hand, then the drift names the column', async () => {
    await alter('ALTER TABLE `Payout` DROP COLUMN `description`');

    expect(await checkDrift(scratch.url)).toEqual(['column Payout.description is missing']);
  });

  it('when an index is dropped by hand, then the drift names the index and its columns', async () => {
    await alter('ALTER TABLE `Payout` DROP INDEX `Payout_nextTransitionAt_idx`');

    expect(await checkDrift(scratch.url)).toEqual([
      'index Payout_nextTransitionAt_idx on Payout(nextTransitionAt) is missing',
    ]);
  });

  it('when a unique index becomes a plain one, then the drift says it is not unique', async () => {
    await alter(
      'ALTER TABLE `Payout` DROP INDEX `Payout_merchantId_reference_key`, ' +
        'ADD INDEX `Payout_merchantId_reference_key` (`merchantId`, `reference`)',
    );

    expect(await checkDrift(scratch.url)).toEqual([
      'index Payout_merchantId_reference_key is not unique, schema.prisma disagrees',
    ]);
  });

  it('when a column changes type or nullability, then the drift says what the schema wants', async () => {
    await alter('ALTER TABLE `Payout` MODIFY `reference` VARCHAR(100) NULL');

    expect(await checkDrift(scratch.url)).toEqual([
      'column Payout.reference has type varchar(100), schema.prisma wants varchar(191)',
      'column Payout.reference is NULL, schema.prisma wants NOT NULL',
    ]);
  });

  it('when an enum loses a value, then the drift shows both value lists', async () => {
    await alter("ALTER TABLE `Payout` MODIFY `status` ENUM('PENDING', 'COMPLETED') NOT NULL DEFAULT 'PENDING'");

    expect(await checkDrift(scratch.url)).toEqual([
      "column Payout.status has type enum('PENDING','COMPLETED'), " +
        "schema.prisma wants enum('PENDING','PROCESSING','COMPLETED','FAILED','REVERSED')",
    ]);
  });

  it('when a foreign key is dropped or its ON DELETE changes, then the drift names it', async () => {
    await alter('ALTER TABLE `PayoutEvent` DROP FOREIGN KEY `PayoutEvent_payoutId_fkey`');
    await alter('ALTER TABLE `LedgerEntry` DROP FOREIGN KEY `LedgerEntry_payoutId_fkey`');
    await alter(
      'ALTER TABLE `LedgerEntry` ADD CONSTRAINT `LedgerEntry_payoutId_fkey` FOREIGN KEY (`payoutId`) REFERENCES `Payout`(`id`) ' +
        'ON DELETE CASCADE ON UPDATE CASCADE',
    );

    expect(await checkDrift(scratch.url)).toEqual([
      'foreign key LedgerEntry(payoutId) → Payout(id) has ON DELETE CASCADE, schema.prisma wants SET NULL',
      'foreign key PayoutEvent(payoutId) → Payout(id) is missing',
    ]);
  });

  it('when a table is missing, then the drift names it', async () => {
    await alter('DROP TABLE `LoginAttempt`');

    expect(await checkDrift(scratch.url)).toEqual(['table LoginAttempt is missing']);
  });
});
