import { describe, expect, it } from 'vitest';
import {
  type AppliedMigration,
  MigrationError,
  type MigrationFile,
  planMigrations,
  sha256Hex,
} from '../migrate-runner.ts';

function file(name: string, sql = `CREATE TABLE \`${name}\` (id INT);\n`): MigrationFile {
  return { name, sql, checksum: sha256Hex(sql) };
}

function applied(f: MigrationFile, overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return { migrationName: f.name, checksum: f.checksum, finishedAt: new Date(), rolledBackAt: null, ...overrides };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof MigrationError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a MigrationError');
}

describe('planMigrations', () => {
  const a = file('20260101000000_a');
  const b = file('20260102000000_b');

  it('when some migrations are applied, then only the others are pending, in order', () => {
    expect(planMigrations([a, b], [applied(a)]).map((m) => m.name)).toEqual([b.name]);
    expect(planMigrations([a, b], []).map((m) => m.name)).toEqual([a.name, b.name]);
  });

  it('when an applied file was edited, then it refuses naming the migration', () => {
    const edited = { ...a, sql: `${a.sql}-- edit\n`, checksum: sha256Hex(`${a.sql}-- edit\n`) };
    expect(refusal(() => planMigrations([edited, b], [applied(a)]))).toMatch(/migration 20260101000000_a was edited/);
  });

  it('when the only change is CRLF line endings, then it is the same migration (as Prisma treats it)', () => {
    const crlf = { ...a, sql: a.sql.replaceAll('\n', '\r\n'), checksum: sha256Hex(a.sql.replaceAll('\n', '\r\n')) };
    expect(planMigrations([crlf], [applied(a)])).toEqual([]);
  });

  it('when an applied migration has no folder, then it refuses', () => {
    expect(refusal(() => planMigrations([b], [applied(a)]))).toMatch(/20260101000000_a .* folder is missing/);
  });

  it('when a migration failed earlier, then it refuses and says how to recover', () => {
    expect(refusal(() => planMigrations([a, b], [applied(a, { finishedAt: null })]))).toMatch(
      /failed earlier.*rolled_back_at/,
    );
  });

  it('when a failed migration was marked rolled back, then it is pending again', () => {
    const history = [applied(a, { finishedAt: null, rolledBackAt: new Date() })];
    expect(planMigrations([a, b], history).map((m) => m.name)).toEqual([a.name, b.name]);
  });

  it('when several rows are wrong, then every problem is listed', () => {
    const problems = refusal(() => planMigrations([], [applied(a), applied(b)]));
    expect(problems.split('\n')).toHaveLength(2);
  });
});
