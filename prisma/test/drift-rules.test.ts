import { describe, expect, it } from 'vitest';
import {
  compareSchema,
  defaultConstraintName,
  type ExpectedTable,
  expectedTables,
  type LiveTable,
  loadDataModel,
  normalizeType,
} from '../drift.ts';

describe('drift rules', () => {
  it('when MariaDB reports integer display widths, then they are ignored, but tinyint(1) stays boolean', () => {
    expect(normalizeType('int(11)')).toBe('int');
    expect(normalizeType('bigint(20) unsigned')).toBe('bigint unsigned');
    expect(normalizeType('tinyint(1)')).toBe('tinyint(1)');
    expect(normalizeType('VARCHAR(191)')).toBe('varchar(191)');
    expect(normalizeType("ENUM('Active','x')")).toBe("enum('Active','x')");
  });

  it('when a default constraint name exceeds 64 characters, then it is shortened like Prisma does', () => {
    expect(defaultConstraintName('Payout', ['merchantId', 'reference'], 'key')).toBe('Payout_merchantId_reference_key');
    const long = defaultConstraintName('A'.repeat(40), ['b'.repeat(30)], 'idx');
    expect(long).toHaveLength(64);
    expect(long.endsWith('_idx')).toBe(true);
  });

  it('when reading schema.prisma, then types, nullability, indexes and foreign keys come from the DMMF', async () => {
    const tables = expectedTables(await loadDataModel());
    const payout = tables.find((t) => t.name === 'Payout');
    expect(payout?.primaryKey).toEqual(['id']);
    expect(payout?.columns.find((c) => c.name === 'amount')).toEqual({
      name: 'amount',
      type: 'int',
      nullable: false,
      autoIncrement: false,
    });
    expect(payout?.columns.find((c) => c.name === 'metadata')).toMatchObject({ type: 'json', nullable: true });
    expect(payout?.indexes).toContainEqual({
      name: 'Payout_merchantId_reference_key',
      columns: ['merchantId', 'reference'],
      unique: true,
    });
    expect(payout?.foreignKeys).toEqual([
      {
        columns: ['merchantId'],
        referencedTable: 'Merchant',
        referencedColumns: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'CASCADE',
      },
    ]);
    const audit = tables.find((t) => t.name === 'AuditLog');
    expect(audit?.foreignKeys[0]?.onDelete).toBe('SET NULL');
  });

  it('when JSON is a longtext, then it matches only with a json_valid CHECK (MariaDB)', () => {
    const table: ExpectedTable = {
      name: 'T',
      columns: [{ name: 'doc', type: 'json', nullable: true, autoIncrement: false }],
      primaryKey: [],
      indexes: [],
      foreignKeys: [],
    };
    const live = (checked: boolean): LiveTable => ({
      columns: new Map([['doc', { type: 'longtext', nullable: true, autoIncrement: false }]]),
      indexes: new Map(),
      foreignKeys: [],
      jsonChecked: new Set(checked ? ['doc'] : []),
    });
    expect(compareSchema([table], new Map([['T', live(true)]]))).toEqual([]);
    expect(compareSchema([table], new Map([['T', live(false)]]))).toEqual([
      'column T.doc has type longtext, schema.prisma wants json',
    ]);
  });
});
