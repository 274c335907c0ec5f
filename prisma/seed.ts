// `npm run db:seed`: write the demo catalog. Idempotent: products are upserted by slug; stock is
// written only when a product is created, so a restart never undoes the merchant's stock edits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PRODUCTS } from '../lib/catalog/products.data';
import { closeDb, getDb } from '../lib/db';

export async function seed(): Promise<number> {
  const db = getDb();
  for (const { stockOnHand, ...product } of DEMO_PRODUCTS) {
    const data = { ...product, currency: 'SEK', imagePath: `/products/${product.slug}.svg`, active: true };
    await db.product.upsert({ where: { slug: product.slug }, create: { ...data, stockOnHand }, update: data });
  }
  return DEMO_PRODUCTS.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  seed()
    .then((count) => console.log(`Seeded ${count} products.`))
    .catch((error: unknown) => {
      console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    })
    .finally(() => closeDb());
}
