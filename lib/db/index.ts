// The one Prisma client of the process, over a driver adapter: embedded PGlite by default,
// PostgreSQL when DATABASE_URL is set. Kept on globalThis so Next's dev reloads reuse it.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { getConfig, type Config } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { pgliteChangeFeed, postgresChangeFeed, type ChangeFeed } from './change-feed';
import { acquireDataDirLock } from './data-dir-lock';

/** changes(): the database's change feed, its listener opened on first use (scripts never open one). */
type Holder = { client: PrismaClient; changes(): ChangeFeed; close(): Promise<void> };
const globalForDb = globalThis as typeof globalThis & { __seqrShopDb?: Holder };

export function createPrismaClient(database: Config['database']): Holder {
  if (database.kind === 'postgres') {
    // Under load, requests queue for a pooled connection: a transaction waits up to 10 s for one
    // (Prisma's default is 2 s, which failed checkouts in the benchmark) rather than failing.
    const client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: database.url, max: database.poolSize ?? 10 }),
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
    let changes: ChangeFeed | undefined;
    return {
      client,
      changes: () => (changes ??= postgresChangeFeed(database.url)),
      async close() {
        await changes?.close();
        await client.$disconnect();
      },
    };
  }
  const lock = acquireDataDirLock(database.dir);
  const pglite = new PGlite(database.dir);
  const client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // The Prisma adapter shares this instance, so its commits' notifications reach this listener.
  let changes: ChangeFeed | undefined;
  return {
    client,
    changes: () => (changes ??= pgliteChangeFeed(pglite)),
    async close() {
      try {
        await changes?.close();
        await client.$disconnect();
        await pglite.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** The process-wide Prisma client. Only lib/ calls this. */
export function getDb(): PrismaClient {
  globalForDb.__seqrShopDb ??= createPrismaClient(getConfig().database);
  return globalForDb.__seqrShopDb.client;
}

/** The process-wide change feed (lib/db/change-feed.ts), on the process-wide client's database. */
export function getChangeFeed(): ChangeFeed {
  getDb();
  return globalForDb.__seqrShopDb!.changes();
}

/** Close the process-wide client (scripts call this before exiting). */
export async function closeDb(): Promise<void> {
  const holder = globalForDb.__seqrShopDb;
  globalForDb.__seqrShopDb = undefined;
  await holder?.close();
}

export type { PrismaClient };
export type { Change, ChangeFeed } from './change-feed';
