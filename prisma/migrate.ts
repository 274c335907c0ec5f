// `npm run db:migrate`: apply pending migrations to the configured database.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig } from '../lib/config';
import { applyMigrations } from '../lib/db/migrate';
import { openSqlConnection } from '../lib/db/sql-driver';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(): Promise<void> {
  const config = getConfig();
  const connection = await openSqlConnection(config.database);
  try {
    const where = config.database.kind === 'pglite' ? `embedded database in ${config.database.dir}` : 'PostgreSQL database';
    const result = await applyMigrations(connection, MIGRATIONS_DIR, (line) => console.log(line));
    for (const warning of result.warnings) console.warn(`Warning: ${warning}`);
    console.log(
      result.applied.length > 0
        ? `Applied ${result.applied.length} migration(s) to the ${where}.`
        : `The ${where} is up to date (${result.alreadyApplied.length} migration(s) applied).`,
    );
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  migrate().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
