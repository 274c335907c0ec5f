import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient, Prisma } from '../../lib/generated/prisma/client';
import { readMigrationFolders } from '../../lib/db/migrate';

const pg = new PGlite();
let t = performance.now();
for (const m of readMigrationFolders(path.resolve('prisma/migrations'))) await pg.exec(m.sql);
console.log('migrate ms', performance.now() - t);
const base = new PrismaClient({ adapter: new PrismaPGlite(pg) });
const seen: string[] = [];
const ext = base.$extends({ query: { $allOperations({ model, operation, args, query }) { seen.push(`${model}.${operation}`); return query(args); } } });
t = performance.now();
await ext.product.findMany();
console.log('first query', performance.now() - t);
t = performance.now();
for (let i = 0; i < 500; i++) await ext.product.findMany({ where: { slug: 'x' } });
console.log('500 findMany ms', performance.now() - t);
t = performance.now();
for (let i = 0; i < 200; i++) await ext.product.create({ data: { slug: 's' + i, sku: 'k' + i, name: 'n', description: 'd', priceOre: 100, taxRateBp: 2500, imagePath: '/x' } });
console.log('200 create ms', performance.now() - t);
seen.length = 0;
await ext.$executeRaw`UPDATE "Product" SET "name" = 'x' WHERE "slug" = 's1'`;
await ext.$queryRaw`SELECT 1`;
await ext.$executeRawUnsafe(`UPDATE "Product" SET "name" = 'y' WHERE "slug" = 's1'`);
await ext.$transaction(async (tx) => { await tx.product.count(); await tx.$executeRaw`SELECT 1`; });
await ext.$transaction([ext.product.count(), ext.$executeRaw`SELECT 2`]);
console.log('seen', seen);
// quiescence turns for a query
let turns = 0; let done = false;
ext.product.findMany().then(() => { done = true; });
while (!done) { await new Promise((r) => setImmediate(r)); turns++; }
console.log('turns for findMany', turns);
done = false; turns = 0;
ext.$transaction(async (tx) => { await tx.product.count(); await tx.product.count(); }).then(() => { done = true; });
while (!done) { await new Promise((r) => setImmediate(r)); turns++; }
console.log('turns for tx', turns);
// truncate speed
t = performance.now();
for (let i = 0; i < 20; i++) await pg.exec('TRUNCATE "OrderEvent","Refund","PaymentAttempt","OrderLine","Order","CartLine","Cart" RESTART IDENTITY CASCADE');
console.log('20 truncate ms', performance.now() - t);
t = performance.now();
for (let i = 0; i < 5; i++) { const c = new PrismaClient({ adapter: new PrismaPGlite(pg) }); await c.product.count(); }
console.log('5 new clients ms', performance.now() - t);
