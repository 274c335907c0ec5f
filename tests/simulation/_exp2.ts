import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../lib/generated/prisma/client';
import { readMigrationFolders } from '../../lib/db/migrate';
const pg = new PGlite();
for (const m of readMigrationFolders(path.resolve('prisma/migrations'))) await pg.exec(m.sql);
const base = new PrismaClient({ adapter: new PrismaPGlite(pg) });
await base.product.findMany();
for (let round = 0; round < 3; round++) {
let t = performance.now();
for (let i = 0; i < 500; i++) await pg.query('SELECT * FROM "Product" WHERE slug = $1', ['x']);
console.log('raw 500', (performance.now() - t).toFixed(0));
t = performance.now();
for (let i = 0; i < 500; i++) await base.product.findMany({ where: { slug: 'x' } });
console.log('prisma 500', (performance.now() - t).toFixed(0));
t = performance.now();
for (let i = 0; i < 500; i++) await base.paymentAttempt.findMany({ where: { OR: [{ status: 'ISSUED' }, { status: 'PAID', receiptClaimedAt: null }] }, take: 50 });
console.log('prisma attempts 500', (performance.now() - t).toFixed(0));
t = performance.now();
for (let i = 0; i < 200; i++) await base.$transaction(async (tx) => { await tx.product.count(); });
console.log('prisma tx 200', (performance.now() - t).toFixed(0));
}
