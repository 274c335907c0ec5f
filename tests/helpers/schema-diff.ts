// Compares a live PostgreSQL/PGlite database with schema.prisma, as Prisma's datamodel (DMMF) sees
// it: tables, columns (type, nullability, default), enums, primary keys, unique and plain indexes,
// and foreign keys with their referential actions. Returns the differences as sentences.
import fs from 'node:fs';
import path from 'node:path';
import wasm from '@prisma/prisma-schema-wasm';
import type { SqlConnection } from '../../lib/db/sql-driver';

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  isUpdatedAt: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfIndex = { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; dbName?: string | null; name?: string | null; fields: { name: string }[] };
type Dmmf = { datamodel: { models: DmmfModel[]; enums: { name: string; dbName?: string | null; values: { name: string }[] }[]; indexes: DmmfIndex[] } };

export function readDatamodel(schemaPath = path.resolve(import.meta.dirname, '../../prisma/schema.prisma')): Dmmf['datamodel'] {
  const schema = fs.readFileSync(schemaPath, 'utf8');
  return (JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf).datamodel;
}

const SCALAR_TO_PG: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Boolean: 'bool',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Float: 'float8',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};

function expectedType(field: DmmfField): string {
  if (field.kind === 'enum') return `enum:${field.type}`;
  const native = field.nativeType;
  if (!native) return SCALAR_TO_PG[field.type] ?? `unknown:${field.type}`;
  const [name, args] = native;
  switch (name) {
    case 'Uuid': return 'uuid';
    case 'Text': return 'text';
    case 'Char': return `bpchar(${args[0] ?? 1})`;
    case 'VarChar': return args[0] ? `varchar(${args[0]})` : 'varchar';
    case 'Timestamptz': return `timestamptz(${args[0] ?? 6})`;
    case 'Timestamp': return `timestamp(${args[0] ?? 6})`;
    case 'Integer': return 'int4';
    case 'BigInt': return 'int8';
    case 'SmallInt': return 'int2';
    case 'JsonB': return 'jsonb';
    default: return `native:${name}(${args.join(',')})`;
  }
}

function expectedDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default as { name?: string } | string | number | boolean | undefined;
  if (typeof value === 'object' && value !== null && 'name' in value) {
    if (value.name === 'autoincrement') return 'nextval';
    if (value.name === 'now') return 'CURRENT_TIMESTAMP';
    return null; // uuid(), cuid(): filled in by the client, not the database
  }
  if (field.kind === 'enum') return `'${String(value)}'::"${field.type}"`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function normaliseDefault(text: string | null): string | null {
  if (text === null) return null;
  if (text.startsWith('nextval(')) return 'nextval';
  return text.replace(/::(text|bpchar|character varying)$/, '');
}

type ColumnRow = { table_name: string; column_name: string; is_nullable: string; udt_name: string; character_maximum_length: number | null; datetime_precision: number | null; column_default: string | null; data_type: string };
type IndexRow = { table_name: string; index_name: string; is_unique: boolean; is_primary: boolean; columns: string };
type ForeignKeyRow = { name: string; table_name: string; columns: string; ref_table: string; ref_columns: string; on_delete: string; on_update: string };

const ACTION_CODES: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

function actualType(row: ColumnRow): string {
  if (row.data_type === 'USER-DEFINED') return `enum:${row.udt_name}`;
  if (row.udt_name === 'bpchar' || row.udt_name === 'varchar') return row.character_maximum_length ? `${row.udt_name}(${row.character_maximum_length})` : row.udt_name;
  if (row.udt_name === 'timestamptz' || row.udt_name === 'timestamp') return `${row.udt_name}(${row.datetime_precision})`;
  return row.udt_name;
}

export async function diffDatabaseAgainstSchema(connection: SqlConnection): Promise<string[]> {
  const datamodel = readDatamodel();
  const problems: string[] = [];
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const columns = await connection.query<ColumnRow>(
    `SELECT table_name, column_name, is_nullable, udt_name, character_maximum_length, datetime_precision, column_default, data_type
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const actualTables = new Set(columns.map((c) => c.table_name));
  const expectedTables = new Set(datamodel.models.map(tableOf));
  for (const table of actualTables) if (!expectedTables.has(table)) problems.push(`table ${table} exists in the database but not in schema.prisma`);

  for (const model of datamodel.models) {
    const table = tableOf(model);
    if (!actualTables.has(table)) {
      problems.push(`table ${table} (model ${model.name}) is missing from the database`);
      continue;
    }
    const scalarFields = model.fields.filter((f) => f.kind !== 'object');
    const actualColumns = new Map(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c]));
    for (const name of actualColumns.keys()) {
      if (!scalarFields.some((f) => (f.dbName ?? f.name) === name)) problems.push(`column ${table}.${name} is not in schema.prisma`);
    }
    for (const field of scalarFields) {
      const name = field.dbName ?? field.name;
      const column = actualColumns.get(name);
      if (!column) {
        problems.push(`column ${table}.${name} is missing from the database`);
        continue;
      }
      const [want, got] = [expectedType(field), actualType(column)];
      if (want !== got) problems.push(`column ${table}.${name} has type ${got}, schema.prisma says ${want}`);
      const nullable = column.is_nullable === 'YES';
      if (nullable === field.isRequired) problems.push(`column ${table}.${name} is ${nullable ? 'nullable' : 'NOT NULL'}, schema.prisma says ${field.isRequired ? 'required' : 'optional'}`);
      const [wantDefault, gotDefault] = [expectedDefault(field), normaliseDefault(column.column_default)];
      if (wantDefault !== gotDefault) problems.push(`column ${table}.${name} has default ${gotDefault ?? 'none'}, schema.prisma says ${wantDefault ?? 'none'}`);
    }
  }

  const enums = await connection.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  for (const expected of datamodel.enums) {
    const name = expected.dbName ?? expected.name;
    const actual = enums.find((e) => e.name === name);
    const want = expected.values.map((v) => v.name).join(',');
    if (!actual) problems.push(`enum ${name} is missing from the database`);
    else if (actual.values.join(',') !== want) problems.push(`enum ${name} has values ${actual.values.join(',')}, schema.prisma says ${want}`);
  }
  for (const actual of enums) if (!datamodel.enums.some((e) => (e.dbName ?? e.name) === actual.name)) problems.push(`enum ${actual.name} exists in the database but not in schema.prisma`);

  const indexes = await connection.query<IndexRow>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            string_agg(a.attname, ',' ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
      GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`,
  );
  const expectedIndexes = datamodel.indexes.map((index) => {
    const model = datamodel.models.find((m) => m.name === index.model)!;
    const table = tableOf(model);
    const cols = index.fields.map((f) => columnOf(model, f.name));
    const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
    const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`);
    return { table, name, columns: cols.join(','), isUnique: index.type !== 'normal', isPrimary: index.type === 'id' };
  });
  const describe = (i: { table: string; name: string; columns: string; isUnique: boolean; isPrimary: boolean }) =>
    `${i.isPrimary ? 'primary key' : i.isUnique ? 'unique index' : 'index'} ${i.name} on ${i.table}(${i.columns})`;
  const actualIndexes = indexes.map((r) => ({ table: r.table_name, name: r.index_name, columns: r.columns, isUnique: r.is_unique, isPrimary: r.is_primary }));
  const actualSet = new Set(actualIndexes.map(describe));
  const expectedSet = new Set(expectedIndexes.map(describe));
  for (const index of expectedSet) if (!actualSet.has(index)) problems.push(`${index} is missing from the database`);
  for (const index of actualSet) if (!expectedSet.has(index)) problems.push(`${index} exists in the database but not in schema.prisma`);

  const foreignKeys = await connection.query<ForeignKeyRow>(
    `SELECT c.conname AS name, t.relname AS table_name, rt.relname AS ref_table,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns,
            c.confdeltype AS on_delete, c.confupdtype AS on_update
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const expectedForeignKeys = datamodel.models.flatMap((model) =>
    model.fields
      .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
      .map((f) => {
        const target = datamodel.models.find((m) => m.name === f.type)!;
        const cols = f.relationFromFields!.map((name) => columnOf(model, name));
        const optional = model.fields.filter((x) => f.relationFromFields!.includes(x.name)).some((x) => !x.isRequired);
        const onDelete = f.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
        const onUpdate = f.relationOnUpdate ?? 'Cascade';
        return `foreign key ${tableOf(model)}_${cols.join('_')}_fkey ${tableOf(model)}(${cols.join(',')}) -> ${tableOf(target)}(${f.relationToFields!.map((n) => columnOf(target, n)).join(',')}) on delete ${onDelete} on update ${onUpdate}`;
      }),
  );
  const actualForeignKeys = foreignKeys.map(
    (fk) => `foreign key ${fk.name} ${fk.table_name}(${fk.columns}) -> ${fk.ref_table}(${fk.ref_columns}) on delete ${ACTION_CODES[fk.on_delete]} on update ${ACTION_CODES[fk.on_update]}`,
  );
  for (const fk of expectedForeignKeys) if (!actualForeignKeys.includes(fk)) problems.push(`${fk} is missing from the database`);
  for (const fk of actualForeignKeys) if (!expectedForeignKeys.includes(fk)) problems.push(`${fk} exists in the database but not in schema.prisma`);

  return problems;
}
