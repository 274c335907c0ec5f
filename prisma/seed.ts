// `npm run db:seed`: write the demo catalog. Idempotent: products are upserted by slug, their texts
// by (product, language); stock is written only when a product is created, so a restart never undoes
// the merchant's stock edits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PRODUCTS, productRow } from '../lib/catalog/products.data';
import { closeDb, getDb } from '../lib/db';

export async function seed(): Promise<number> {
  const db = getDb();
  for (const product of DEMO_PRODUCTS) {
    const { stockOnHand, ...row } = productRow(product);
    const data = { ...row, currency: 'SEK', imagePath: `/products/${product.slug}.svg`, active: true };
    const { id } = await db.product.upsert({ where: { slug: product.slug }, create: { ...data, stockOnHand }, update: data, select: { id: true } });
    for (const [locale, text] of Object.entries(product.texts)) {
      await db.productText.upsert({ where: { productId_locale: { productId: id, locale } }, create: { productId: id, locale, ...text }, update: text });
    }
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
