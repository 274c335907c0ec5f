// The one Prisma client of the process, over a driver adapter: embedded PGlite by default,
// PostgreSQL when DATABASE_URL is set. Kept on globalThis so Next's dev reloads reuse it.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { getConfig, type Config } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { acquireDataDirLock } from './data-dir-lock';

type Holder = { client: PrismaClient; close(): Promise<void> };
const globalForDb = globalThis as typeof globalThis & { __seqrShopDb?: Holder };

export function createPrismaClient(database: Config['database']): Holder {
  if (database.kind === 'postgres') {
    // Under load, requests queue for a pooled connection: a transaction waits up to 10 s for one
    // (Prisma's default is 2 s, which failed checkouts in the benchmark) rather than failing.
    const client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: database.url, max: database.poolSize ?? 10 }),
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
    return { client, close: () => client.$disconnect() };
  }
  const lock = acquireDataDirLock(database.dir);
  const pglite = new PGlite(database.dir);
  const client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    client,
    async close() {
      try {
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

/** Close the process-wide client (scripts call this before exiting). */
export async function closeDb(): Promise<void> {
  const holder = globalForDb.__seqrShopDb;
  globalForDb.__seqrShopDb = undefined;
  await holder?.close();
}

export type { PrismaClient };
