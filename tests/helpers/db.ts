// Fresh databases for integration tests: a new PGlite folder per test file, or, when the suite
// runs against PostgreSQL (TEST_POSTGRES_URL set by `npm test`), a new database on that server.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../../lib/config';
import { applyMigrations } from '../../lib/db/migrate';
import { openSqlConnection, type SqlConnection } from '../../lib/db/sql-driver';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

/** Which database the suite runs on, for test names. */
export const DATABASE_KIND = process.env.TEST_POSTGRES_URL ? 'postgres' : 'pglite';

export function freshPgliteDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `seqr-shop-${label}-`));
}

export async function freshDatabase(label: string): Promise<Config['database']> {
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) return { kind: 'pglite', dir: freshPgliteDir(label) };
  const name = `test_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { kind: 'postgres', url: url.toString() };
}

/** Point this process's shop configuration at a fresh database (call before lib/ reads the config). */
export async function useFreshDatabase(label: string): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) {
    const database = await freshDatabase(label);
    if (database.kind === 'postgres') process.env.DATABASE_URL = database.url;
    return;
  }
  delete process.env.DATABASE_URL;
  process.env.DATA_DIR = freshPgliteDir(label);
}

export async function migratedConnection(label: string): Promise<{ connection: SqlConnection; database: Config['database'] }> {
  const database = await freshDatabase(label);
  const connection = await openSqlConnection(database);
  await applyMigrations(connection, MIGRATIONS_DIR);
  return { connection, database };
}
