// Fresh databases for integration tests: a new PGlite folder per test file, migrated with our runner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../lib/config';
import { applyMigrations } from '../../lib/db/migrate';
import { openSqlConnection, type SqlConnection } from '../../lib/db/sql-driver';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

export function freshPgliteDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `seqr-shop-${label}-`));
}

export async function migratedConnection(label: string): Promise<{ connection: SqlConnection; database: Config['database'] }> {
  const database: Config['database'] = { kind: 'pglite', dir: freshPgliteDir(label) };
  const connection = await openSqlConnection(database);
  await applyMigrations(connection, MIGRATIONS_DIR);
  return { connection, database };
}
