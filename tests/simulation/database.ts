// One in-memory PGlite per simulation worker, migrated once with the app's own migration runner
// and seeded with the demo catalog (as prisma/seed.ts does, with fixed ids); between seeds every
// other table is truncated (identities restarted, so order numbers repeat from 1).
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DEMO_PRODUCTS, productRow } from '../../lib/catalog/products.data';
import { applyMigrations } from '../../lib/db/migrate';
import type { SqlConnection } from '../../lib/db/sql-driver';
import { PrismaClient } from '../../lib/generated/prisma/client';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

export type SimProduct = { id: string; sku: string; priceOre: number; taxRateBp: number };

export class SimDatabase {
  private truncate = '';

  private constructor(
    readonly pglite: PGlite,
    /** The harness's own client (carts, checks); each shop process gets a crashable view of it. */
    readonly prisma: PrismaClient,
    readonly products: SimProduct[],
    /** Columns that exist (the schema grows while the core is rewritten). */
    readonly columns: Set<string>,
  ) {}

  static async open(): Promise<SimDatabase> {
    // Nothing here needs to survive a power cut (the simulation kills shop processes, never the
    // database): no fsync, no commit flush, minimal WAL, no statistics; tables are made UNLOGGED
    // below. About a quarter less work per query; the SQL the core runs is the same.
    const pglite = new PGlite({
      postgresqlconf: [
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'wal_level = minimal',
        'max_wal_senders = 0',
        'track_counts = off',
        'track_activities = off',
        'autovacuum = off',
        'shared_buffers = 64MB',
      ],
    });
    const connection: SqlConnection = {
      kind: 'pglite',
      exec: async (sql) => void (await pglite.exec(sql)),
      query: async (sql, params = []) => (await pglite.query(sql, params)).rows as never,
      close: () => pglite.close(),
    };
    await applyMigrations(connection, MIGRATIONS_DIR);
    // Referencing tables first: a permanent table may not reference an unlogged one.
    let logged = (await pglite.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.t);
    for (let round = 0; round < 10 && logged.length > 0; round++) {
      const left: string[] = [];
      for (const table of logged) await pglite.exec(`ALTER TABLE "${table}" SET UNLOGGED`).catch(() => left.push(table));
      logged = left;
    }
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const products: SimProduct[] = [];
    for (const [index, product] of DEMO_PRODUCTS.entries()) {
      const id = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
      const data = { ...productRow(product), id, currency: 'SEK', imagePath: `/products/${product.slug}.svg`, active: true };
      await prisma.product.upsert({ where: { slug: product.slug }, create: data, update: data });
      products.push({ id, sku: product.sku, priceOre: product.priceOre, taxRateBp: product.taxRateBp });
    }
    const columnRows = await pglite.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const columns = new Set(columnRows.rows.map((r) => `${r.table_name}.${r.column_name}`));
    const db = new SimDatabase(pglite, prisma, products, columns);
    const tables = await pglite.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const keep = new Set(['Product', '_prisma_migrations']);
    db.truncate = `TRUNCATE ${tables.rows
      .map((r) => r.tablename)
      .filter((t) => !keep.has(t))
      .map((t) => `"${t}"`)
      .join(', ')} RESTART IDENTITY CASCADE`;
    return db;
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  async reset(): Promise<void> {
    await this.pglite.exec(this.truncate);
    // Products are kept between seeds; their stock starts again as seeded (nothing held, nothing sold).
    await this.pglite.exec(
      DEMO_PRODUCTS.map((p, index) => `UPDATE "Product" SET "stockOnHand" = ${p.stockOnHand}, "stockReserved" = 0 WHERE "id" = '00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}';`).join('\n'),
    );
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pglite.close();
  }
}
