// Applies prisma/migrations the way `prisma migrate deploy` does, for machines where Prisma's
// schema engine cannot run. Each pending folder runs in its own transaction and is recorded in
// _prisma_migrations with Prisma's columns and checksum, so Prisma sees it as applied.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlConnection } from './sql-driver';

// Prisma's own advisory-lock key: our runner and Prisma's never run at the same time.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export type MigrationFolder = { name: string; sql: string; checksum: string };

export type MigrationResult = { applied: string[]; alreadyApplied: string[]; warnings: string[] };

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** The migration folders, in the order Prisma applies them (lexicographic by folder name). */
export function readMigrationFolders(migrationsDir: string): MigrationFolder[] {
  if (!fs.existsSync(migrationsDir)) throw new MigrationError(`The migrations folder ${migrationsDir} does not exist.`);
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new MigrationError(`The migration folder ${name} has no migration.sql.`);
      const bytes = fs.readFileSync(file);
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export async function applyMigrations(
  connection: SqlConnection,
  migrationsDir: string,
  log: (line: string) => void = () => {},
): Promise<MigrationResult> {
  const folders = readMigrationFolders(migrationsDir);
  const result: MigrationResult = { applied: [], alreadyApplied: [], warnings: [] };

  await connection.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  try {
    // Under the lock: two processes running CREATE TABLE IF NOT EXISTS at once can both miss the
    // table and one then fails on PostgreSQL's catalog (duplicate pg_type row).
    await connection.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await connection.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `The migration ${failed.migration_name} failed earlier and was never resolved. ` +
          'Fix the database by hand, then mark it with `prisma migrate resolve`, before applying more migrations.',
      );
    }
    const applied = new Map(rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]));
    for (const name of applied.keys()) {
      if (!folders.some((folder) => folder.name === name)) {
        result.warnings.push(`The migration ${name} is recorded in the database but missing from ${migrationsDir}.`);
      }
    }

    for (const folder of folders) {
      const done = applied.get(folder.name);
      if (done) {
        if (done.checksum !== folder.checksum) {
          result.warnings.push(`The migration ${folder.name} was edited after it was applied (checksum differs).`);
        }
        result.alreadyApplied.push(folder.name);
        continue;
      }
      log(`Applying migration ${folder.name}`);
      const startedAt = new Date();
      await connection.exec('BEGIN');
      try {
        await connection.exec(folder.sql);
        await connection.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), folder.checksum, folder.name, startedAt],
        );
        await connection.exec('COMMIT');
      } catch (error) {
        await connection.exec('ROLLBACK').catch(() => {});
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`The migration ${folder.name} failed and was rolled back: ${reason}`, { cause: error });
      }
      result.applied.push(folder.name);
    }
  } finally {
    await connection.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
  }
  return result;
}
