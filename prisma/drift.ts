import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type mariadb, parseDatabaseUrl } from '@mypay/db';
// CommonJS bundle whose named exports Node's ESM loader cannot see: import the namespace object.
import prismaInternals from '@prisma/internals';
import { connectToServer } from './migrate-runner.ts';

/**
 * Drift check: does a live database have everything schema.prisma declares? The reference is
 * Prisma's own DMMF (parsed by Prisma's schema wasm), so attribute semantics such as default
 * index names and referential actions are Prisma's, not a re-implementation of its parser.
 * Extra tables, columns or indexes in the database are not reported.
 */

export const SCHEMA_PATH = fileURLToPath(new URL('./schema.prisma', import.meta.url));

type Dmmf = Awaited<ReturnType<typeof prismaInternals.getDMMF>>;
export type DataModel = Dmmf['datamodel'];
type Model = DataModel['models'][number];
type Field = Model['fields'][number];

export interface ExpectedColumn {
  name: string;
  /** Normalized MySQL column type, e.g. `varchar(191)`, `int`, `enum('A','B')`. */
  type: string;
  nullable: boolean;
  autoIncrement: boolean;
}

export interface ExpectedIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ExpectedForeignKey {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface ExpectedTable {
  name: string;
  columns: ExpectedColumn[];
  primaryKey: string[];
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
}

export interface LiveColumn {
  type: string;
  nullable: boolean;
  autoIncrement: boolean;
}

export interface LiveTable {
  columns: Map<string, LiveColumn>;
  /** Index name → columns in order; PRIMARY is the primary key. */
  indexes: Map<string, { columns: string[]; unique: boolean }>;
  foreignKeys: ExpectedForeignKey[];
  /** Column names guarded by a json_valid() CHECK (how MariaDB stores JSON). */
  jsonChecked: Set<string>;
}

export type LiveSchema = Map<string, LiveTable>;

export async function loadDataModel(schemaPath = SCHEMA_PATH): Promise<DataModel> {
  const datamodel = await readFile(schemaPath, 'utf8');
  const dmmf = await prismaInternals.getDMMF({ datamodel });
  return dmmf.datamodel;
}

/** Checks the database named in `databaseUrl`; returns one readable line per problem (empty: no drift). */
export async function checkDrift(databaseUrl: string, schemaPath = SCHEMA_PATH): Promise<string[]> {
  const expected = expectedTables(await loadDataModel(schemaPath));
  const location = parseDatabaseUrl(databaseUrl);
  const conn = await connectToServer(location);
  try {
    const live = await readLiveSchema(conn, location.database);
    return compareSchema(expected, live);
  } finally {
    await conn.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// What the schema wants

// Prisma's column types for MySQL when a field has no @db attribute.
const DEFAULT_COLUMN_TYPES: Record<string, string> = {
  String: 'varchar(191)',
  Int: 'int',
  BigInt: 'bigint',
  Boolean: 'tinyint(1)',
  DateTime: 'datetime(3)',
  Float: 'double',
  Decimal: 'decimal(65,30)',
  Json: 'json',
  Bytes: 'longblob',
};

const withLength = (type: string) => (args: string[]) => (args[0] ? `${type}(${args[0]})` : type);

// @db.<Native>(args) → MySQL column type as information_schema spells it (after normalizeType).
const NATIVE_COLUMN_TYPES: Record<string, (args: string[]) => string> = {
  VarChar: withLength('varchar'),
  Char: withLength('char'),
  Text: () => 'text',
  TinyText: () => 'tinytext',
  MediumText: () => 'mediumtext',
  LongText: () => 'longtext',
  DateTime: withLength('datetime'),
  Timestamp: withLength('timestamp'),
  Time: withLength('time'),
  Date: () => 'date',
  Year: () => 'year',
  Int: () => 'int',
  UnsignedInt: () => 'int unsigned',
  SmallInt: () => 'smallint',
  UnsignedSmallInt: () => 'smallint unsigned',
  MediumInt: () => 'mediumint',
  UnsignedMediumInt: () => 'mediumint unsigned',
  TinyInt: () => 'tinyint',
  UnsignedTinyInt: () => 'tinyint unsigned',
  BigInt: () => 'bigint',
  UnsignedBigInt: () => 'bigint unsigned',
  Decimal: (args) => `decimal(${args.join(',')})`,
  Double: () => 'double',
  Float: () => 'float',
  Json: () => 'json',
  Bit: withLength('bit'),
  Binary: withLength('binary'),
  VarBinary: withLength('varbinary'),
  TinyBlob: () => 'tinyblob',
  Blob: () => 'blob',
  MediumBlob: () => 'mediumblob',
  LongBlob: () => 'longblob',
};

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetDefault: 'SET DEFAULT',
};

// MySQL's identifier limit; Prisma shortens longer default constraint names to fit.
const MAX_IDENTIFIER_LENGTH = 64;

export function expectedTables(datamodel: DataModel): ExpectedTable[] {
  return datamodel.models.map((model) => expectedTable(datamodel, model));
}

function tableName(model: Model): string {
  return model.dbName ?? model.name;
}

function columnName(model: Model, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  return field?.dbName ?? fieldName;
}

function expectedTable(datamodel: DataModel, model: Model): ExpectedTable {
  const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
  return {
    name: tableName(model),
    columns: scalars.map((f) => ({
      name: f.dbName ?? f.name,
      type: expectedColumnType(datamodel, f),
      nullable: !f.isRequired,
      autoIncrement: isAutoIncrement(f),
    })),
    primaryKey: primaryKeyColumns(model),
    indexes: expectedIndexes(datamodel, model),
    foreignKeys: model.fields.flatMap((f) => expectedForeignKey(datamodel, model, f)),
  };
}

function isAutoIncrement(field: Field): boolean {
  const fieldDefault = field.default as { name?: string } | undefined;
  return fieldDefault?.name === 'autoincrement';
}

export function expectedColumnType(datamodel: DataModel, field: Field): string {
  if (field.kind === 'enum') {
    const values = datamodel.enums.find((e) => e.name === field.type)?.values ?? [];
    return `enum(${values.map((v) => `'${(v.dbName ?? v.name).replaceAll("'", "''")}'`).join(',')})`;
  }
  if (field.nativeType) {
    const [native, args] = field.nativeType;
    const toType = NATIVE_COLUMN_TYPES[native];
    return toType ? toType([...args]) : native.toLowerCase();
  }
  return DEFAULT_COLUMN_TYPES[field.type] ?? field.type.toLowerCase();
}

function primaryKeyColumns(model: Model): string[] {
  if (model.primaryKey) return model.primaryKey.fields.map((name) => columnName(model, name));
  return model.fields.filter((f) => f.isId).map((f) => f.dbName ?? f.name);
}

/** Prisma's default constraint name: `Table_col1_col2_suffix`, shortened to MySQL's limit. */
export function defaultConstraintName(table: string, columns: readonly string[], suffix: string): string {
  const base = [table, ...columns].join('_');
  const name = `${base}_${suffix}`;
  if (name.length <= MAX_IDENTIFIER_LENGTH) return name;
  return `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 1)}_${suffix}`;
}

function expectedIndexes(datamodel: DataModel, model: Model): ExpectedIndex[] {
  const indexes = datamodel.indexes.filter((index) => index.model === model.name && index.type !== 'id');
  return indexes.map((index) => {
    const columns = index.fields.map((f) => columnName(model, f.name));
    const unique = index.type === 'unique';
    const name = index.dbName ?? defaultConstraintName(tableName(model), columns, unique ? 'key' : 'idx');
    return { name, columns, unique };
  });
}

function expectedForeignKey(datamodel: DataModel, model: Model, field: Field): ExpectedForeignKey[] {
  const fromFields = field.relationFromFields ?? [];
  if (field.kind !== 'object' || fromFields.length === 0) return [];
  const target = datamodel.models.find((m) => m.name === field.type);
  if (!target) return [];
  // Prisma's defaults: Restrict when the relation is required, SetNull when optional; Cascade on update.
  const required = fromFields.every((name) => model.fields.find((f) => f.name === name)?.isRequired);
  const onDelete = field.relationOnDelete ?? (required ? 'Restrict' : 'SetNull');
  const onUpdate = field.relationOnUpdate ?? 'Cascade';
  return [
    {
      columns: fromFields.map((name) => columnName(model, name)),
      referencedTable: tableName(target),
      referencedColumns: (field.relationToFields ?? []).map((name) => columnName(target, name)),
      onDelete: REFERENTIAL_ACTIONS[onDelete] ?? onDelete,
      onUpdate: REFERENTIAL_ACTIONS[onUpdate] ?? onUpdate,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// What the database has

/**
 * Lowercases and drops integer display widths (MariaDB reports `int(11)`, MySQL 8 `int`),
 * keeping `tinyint(1)`, which both use to mean boolean. Enum values keep their case: they are data.
 */
export function normalizeType(columnType: string): string {
  const enumMatch = /^\s*(enum|set)\s*(\(.*\))\s*$/is.exec(columnType);
  if (enumMatch) return `${enumMatch[1]?.toLowerCase()}${enumMatch[2]}`;
  const type = columnType
    .toLowerCase()
    .replace(/\s+zerofill/, '')
    .trim();
  if (type.startsWith('tinyint(1)')) return type;
  return type.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1');
}

function tableOf(live: LiveSchema, name: string): LiveTable {
  let table = live.get(name);
  if (!table) {
    table = { columns: new Map(), indexes: new Map(), foreignKeys: [], jsonChecked: new Set() };
    live.set(name, table);
  }
  return table;
}

export async function readLiveSchema(conn: mariadb.Connection, database: string): Promise<LiveSchema> {
  const live: LiveSchema = new Map();
  await readTables(conn, database, live);
  await readColumns(conn, database, live);
  await readIndexes(conn, database, live);
  await readForeignKeys(conn, database, live);
  await readJsonChecks(conn, database, live);
  return live;
}

async function readTables(conn: mariadb.Connection, database: string, live: LiveSchema): Promise<void> {
  const rows: { tableName: string }[] = await conn.query(
    `SELECT TABLE_NAME AS tableName FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
    [database],
  );
  for (const row of rows) tableOf(live, row.tableName);
}

async function readColumns(conn: mariadb.Connection, database: string, live: LiveSchema): Promise<void> {
  const rows: { tableName: string; columnName: string; columnType: string; isNullable: string; extra: string }[] =
    await conn.query(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, COLUMN_TYPE AS columnType,
              IS_NULLABLE AS isNullable, EXTRA AS extra
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`,
      [database],
    );
  for (const row of rows) {
    tableOf(live, row.tableName).columns.set(row.columnName, {
      type: normalizeType(String(row.columnType)),
      nullable: row.isNullable === 'YES',
      autoIncrement: /auto_increment/i.test(String(row.extra)),
    });
  }
}

async function readIndexes(conn: mariadb.Connection, database: string, live: LiveSchema): Promise<void> {
  const rows: { tableName: string; indexName: string; nonUnique: number | string; columnName: string }[] =
    await conn.query(
      `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique, COLUMN_NAME AS columnName
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
        ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [database],
    );
  for (const row of rows) {
    const indexes = tableOf(live, row.tableName).indexes;
    const index = indexes.get(row.indexName) ?? { columns: [], unique: Number(row.nonUnique) === 0 };
    index.columns.push(row.columnName);
    indexes.set(row.indexName, index);
  }
}

async function readForeignKeys(conn: mariadb.Connection, database: string, live: LiveSchema): Promise<void> {
  const rows: {
    tableName: string;
    constraintName: string;
    columnName: string;
    referencedTable: string;
    referencedColumn: string;
    onDelete: string;
    onUpdate: string;
  }[] = await conn.query(
    `SELECT k.TABLE_NAME AS tableName, k.CONSTRAINT_NAME AS constraintName, k.COLUMN_NAME AS columnName,
            k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
            r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [database],
  );
  const byConstraint = new Map<string, ExpectedForeignKey>();
  for (const row of rows) {
    const key = `${row.tableName}\u0000${row.constraintName}`;
    let fk = byConstraint.get(key);
    if (!fk) {
      fk = {
        columns: [],
        referencedTable: row.referencedTable,
        referencedColumns: [],
        onDelete: row.onDelete,
        onUpdate: row.onUpdate,
      };
      byConstraint.set(key, fk);
      tableOf(live, row.tableName).foreignKeys.push(fk);
    }
    fk.columns.push(row.columnName);
    fk.referencedColumns.push(row.referencedColumn);
  }
}

/** MariaDB stores JSON as LONGTEXT plus a json_valid(`col`) CHECK; MySQL 8 has a real JSON type. */
async function readJsonChecks(conn: mariadb.Connection, database: string, live: LiveSchema): Promise<void> {
  const [version] = await conn.query<{ version: string }[]>('SELECT VERSION() AS version');
  if (!/mariadb/i.test(version?.version ?? '')) return;
  // MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (MySQL's does not, which is why this is MariaDB-only).
  const rows: { tableName: string; clause: string }[] = await conn.query(
    `SELECT TABLE_NAME AS tableName, CHECK_CLAUSE AS clause
       FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
    [database],
  );
  for (const row of rows) {
    const match = /^\s*json_valid\(\s*`?([^`)]+)`?\s*\)\s*$/i.exec(String(row.clause));
    if (match?.[1]) tableOf(live, row.tableName).jsonChecked.add(match[1]);
  }
}

// ---------------------------------------------------------------------------------------------
// The comparison

export function compareSchema(expected: ExpectedTable[], live: LiveSchema): string[] {
  return expected.flatMap((table) => {
    const liveTable = live.get(table.name);
    if (!liveTable) return [`table ${table.name} is missing`];
    return [
      ...table.columns.flatMap((column) => compareColumn(table.name, column, liveTable)),
      ...comparePrimaryKey(table, liveTable),
      ...table.indexes.flatMap((index) => compareIndex(table.name, index, liveTable)),
      ...table.foreignKeys.flatMap((fk) => compareForeignKey(table.name, fk, liveTable)),
    ];
  });
}

function typeMatches(expected: ExpectedColumn, live: LiveColumn, liveTable: LiveTable): boolean {
  if (live.type === expected.type) return true;
  return expected.type === 'json' && live.type === 'longtext' && liveTable.jsonChecked.has(expected.name);
}

function compareColumn(table: string, column: ExpectedColumn, liveTable: LiveTable): string[] {
  const where = `column ${table}.${column.name}`;
  const live = liveTable.columns.get(column.name);
  if (!live) return [`${where} is missing`];
  const problems: string[] = [];
  if (!typeMatches(column, live, liveTable)) {
    problems.push(`${where} has type ${live.type}, schema.prisma wants ${column.type}`);
  }
  if (live.nullable !== column.nullable) {
    problems.push(`${where} is ${live.nullable ? 'NULL' : 'NOT NULL'}, schema.prisma wants ${nullText(column)}`);
  }
  if (live.autoIncrement !== column.autoIncrement) {
    problems.push(`${where} ${live.autoIncrement ? 'is' : 'is not'} AUTO_INCREMENT, schema.prisma disagrees`);
  }
  return problems;
}

function nullText(column: ExpectedColumn): string {
  return column.nullable ? 'NULL' : 'NOT NULL';
}

function list(columns: readonly string[]): string {
  return `(${columns.join(', ')})`;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, i) => column === b[i]);
}

function comparePrimaryKey(table: ExpectedTable, liveTable: LiveTable): string[] {
  const live = liveTable.indexes.get('PRIMARY')?.columns ?? [];
  if (sameColumns(live, table.primaryKey)) return [];
  if (live.length === 0) return [`primary key ${table.name}${list(table.primaryKey)} is missing`];
  return [`primary key of ${table.name} is ${list(live)}, schema.prisma wants ${list(table.primaryKey)}`];
}

function compareIndex(table: string, index: ExpectedIndex, liveTable: LiveTable): string[] {
  const kind = index.unique ? 'unique index' : 'index';
  const live = liveTable.indexes.get(index.name);
  if (!live) {
    const twin = [...liveTable.indexes].find(
      ([, other]) => other.unique === index.unique && sameColumns(other.columns, index.columns),
    );
    const hint = twin ? ` (an index ${twin[0]} has these columns: rename it)` : '';
    return [`${kind} ${index.name} on ${table}${list(index.columns)} is missing${hint}`];
  }
  const problems: string[] = [];
  if (!sameColumns(live.columns, index.columns)) {
    problems.push(`${kind} ${index.name} covers ${list(live.columns)}, schema.prisma wants ${list(index.columns)}`);
  }
  if (live.unique !== index.unique) {
    problems.push(`index ${index.name} is ${live.unique ? '' : 'not '}unique, schema.prisma disagrees`);
  }
  return problems;
}

// MySQL treats RESTRICT and NO ACTION alike (InnoDB checks immediately either way).
function sameAction(a: string, b: string): boolean {
  const canonical = (action: string) => (action === 'NO ACTION' ? 'RESTRICT' : action);
  return canonical(a) === canonical(b);
}

function compareForeignKey(table: string, fk: ExpectedForeignKey, liveTable: LiveTable): string[] {
  const target = `${fk.referencedTable}${list(fk.referencedColumns)}`;
  const where = `foreign key ${table}${list(fk.columns)} → ${target}`;
  const live = liveTable.foreignKeys.find((other) => sameColumns(other.columns, fk.columns));
  if (!live) return [`${where} is missing`];
  const problems: string[] = [];
  if (live.referencedTable !== fk.referencedTable || !sameColumns(live.referencedColumns, fk.referencedColumns)) {
    problems.push(`${where} references ${live.referencedTable}${list(live.referencedColumns)} instead`);
  }
  if (!sameAction(live.onDelete, fk.onDelete)) {
    problems.push(`${where} has ON DELETE ${live.onDelete}, schema.prisma wants ${fk.onDelete}`);
  }
  if (!sameAction(live.onUpdate, fk.onUpdate)) {
    problems.push(`${where} has ON UPDATE ${live.onUpdate}, schema.prisma wants ${fk.onUpdate}`);
  }
  return problems;
}
