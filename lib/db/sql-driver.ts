// A minimal SQL connection over the same drivers Prisma's adapters use (PGlite or node-postgres).
// The migration runner and the schema checks need plain SQL with real transaction control and
// awaited errors, which Prisma's client API does not give them.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../config';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';

export interface SqlConnection {
  readonly kind: 'pglite' | 'postgres';
  /** Run a script of one or more statements (no parameters). */
  exec(sql: string): Promise<void>;
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function openSqlConnection(database: Config['database']): Promise<SqlConnection> {
  if (database.kind === 'pglite') {
    const lock = acquireDataDirLock(database.dir);
    try {
      const db = await PGlite.create(database.dir);
      return pgliteConnection(db, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return {
    kind: 'postgres',
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params = []) {
      const result = await client.query(sql, params);
      return result.rows;
    },
    async close() {
      await client.end();
    },
  };
}

function pgliteConnection(db: PGlite, lock: DataDirLock): SqlConnection {
  return {
    kind: 'pglite',
    async exec(sql) {
      await db.exec(sql);
    },
    async query(sql, params = []) {
      const result = await db.query(sql, params);
      return result.rows as never;
    },
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
