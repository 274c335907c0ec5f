import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { applyMigrations, MigrationError, readMigrationFolders } from '../../lib/db/migrate';
import { openSqlConnection } from '../../lib/db/sql-driver';
import { DATABASE_KIND, freshDatabase, MIGRATIONS_DIR } from '../helpers/db';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

test(`npm run db:migrate on a fresh ${DATABASE_KIND} database applies every migration, and a second run applies none`, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-cli-'));
  const database = DATABASE_KIND === 'postgres' ? await freshDatabase('cli') : ({ kind: 'pglite', dir: path.join(dataDir, 'db') } as const);
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: database.kind === 'postgres' ? database.url : '' };
  const first = await run('npm', ['run', '--silent', 'db:migrate'], { cwd: root, env });
  assert.match(first.stdout, /Applying migration 20261125000000_init/);
  assert.match(first.stdout, database.kind === 'postgres' ? /Applied \d+ migration\(s\) to the PostgreSQL database\./ : /Applied \d+ migration\(s\) to the embedded database/);
  const second = await run('npm', ['run', '--silent', 'db:migrate'], { cwd: root, env });
  assert.doesNotMatch(second.stdout, /Applying/);
  assert.match(second.stdout, /is up to date/);

  const connection = await openSqlConnection(database);
  try {
    const rows = await connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null; id: string }>(
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const folders = readMigrationFolders(MIGRATIONS_DIR);
    assert.deepEqual(rows.map((r) => r.migration_name), folders.map((f) => f.name));
    for (const row of rows) {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'), 'checksum is sha256 of migration.sql, as Prisma computes it');
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
      assert.equal(row.logs, null);
      assert.match(row.id, /^[0-9a-f-]{36}$/);
    }
  } finally {
    await connection.close();
  }
});

test('a failing migration is rolled back whole, is not recorded, and stops the run with a sentence', async () => {
  const migrations = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-migrations-'));
  fs.cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
  fs.mkdirSync(path.join(migrations, '29990101000000_broken'));
  fs.writeFileSync(
    path.join(migrations, '29990101000000_broken', 'migration.sql'),
    'CREATE TABLE "Half" ("id" INTEGER);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;\n',
  );
  const connection = await openSqlConnection(await freshDatabase('broken'));
  try {
    await assert.rejects(applyMigrations(connection, migrations), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /The migration 29990101000000_broken failed and was rolled back: .*NoSuchTable/);
      return true;
    });
    const half = await connection.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'Half'`);
    assert.equal(half[0]?.n, 0, 'the first statement of the failed migration was rolled back');
    const recorded = await connection.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    assert.deepEqual(recorded.map((r) => r.migration_name), readMigrationFolders(MIGRATIONS_DIR).map((f) => f.name));

    // Once the broken folder is fixed, the run continues from where it stopped.
    fs.writeFileSync(path.join(migrations, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" ("id" INTEGER);\n');
    const result = await applyMigrations(connection, migrations);
    assert.deepEqual(result.applied, ['29990101000000_broken']);
  } finally {
    await connection.close();
  }
});

test('an unresolved failed migration recorded by Prisma blocks the runner', async () => {
  const connection = await openSqlConnection(await freshDatabase('failed'));
  try {
    await applyMigrations(connection, MIGRATIONS_DIR);
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, 'x', '20990101000000_manual', now(), 0)`,
      ['00000000-0000-4000-8000-000000000001'],
    );
    await assert.rejects(applyMigrations(connection, MIGRATIONS_DIR), /20990101000000_manual failed earlier and was never resolved/);
  } finally {
    await connection.close();
  }
});

test('several shop processes migrating one PostgreSQL database at once apply each migration once', { skip: DATABASE_KIND !== 'postgres' && 'PostgreSQL only (the embedded database is single-process; see the next test)' }, async () => {
  const database = await freshDatabase('concurrent');
  if (database.kind !== 'postgres') return;
  const env = { ...process.env, DATABASE_URL: database.url };
  const runs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', path.join(root, 'prisma', 'migrate.ts')], { cwd: root, env })));
  const applied = runs.map((r) => (r.stdout.match(/Applying migration/g) ?? []).length);
  assert.equal(applied.reduce((a, b) => a + b, 0), readMigrationFolders(MIGRATIONS_DIR).length, 'each migration applied by exactly one runner');
  const connection = await openSqlConnection(database);
  try {
    const rows = await connection.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    assert.equal(rows[0]?.n, readMigrationFolders(MIGRATIONS_DIR).length);
  } finally {
    await connection.close();
  }
});

test('a second process cannot open the same embedded database: it exits with a sentence', { skip: DATABASE_KIND !== 'pglite' && 'embedded database only' }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-lock-'));
  const connection = await openSqlConnection({ kind: 'pglite', dir: path.join(dataDir, 'db') });
  try {
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', path.join(root, 'prisma', 'migrate.ts')], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      }),
      (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr ?? '', new RegExp(`is in use by process ${process.pid}\\. Stop that process first`));
        return true;
      },
    );
  } finally {
    await connection.close();
  }
});
