// Catalog reads. Prices always come from here (the database), never from a request.
import { z } from 'zod';
import { getDb } from '../db';

export type Product = {
  id: string;
  slug: string;
  sku: string;
  name: string;
  description: string;
  priceOre: number;
  currency: string;
  taxRateBp: number;
  imagePath: string;
  /** Units on hand and held by open invoices: lib/stock's stockLevel() says what the shopper sees. */
  stockOnHand: number;
  stockReserved: number;
};

const productSelect = {
  id: true,
  slug: true,
  sku: true,
  name: true,
  description: true,
  priceOre: true,
  currency: true,
  taxRateBp: true,
  imagePath: true,
  stockOnHand: true,
  stockReserved: true,
} as const;

/** Slugs are lower-case words joined by hyphens; anything else cannot name a product. */
export const ProductSlugSchema = z
  .string({ error: 'Choose a product.' })
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'That product does not exist.' })
  .max(80, { error: 'That product does not exist.' });

export async function listProducts(): Promise<Product[]> {
  return getDb().product.findMany({ where: { active: true }, orderBy: { sku: 'asc' }, select: productSelect });
}

/** The active product with this slug, or null (also for text that is not a slug at all). */
export async function findProductBySlug(slug: string): Promise<Product | null> {
  const parsed = ProductSlugSchema.safeParse(slug);
  if (!parsed.success) return null;
  return getDb().product.findFirst({ where: { slug: parsed.data, active: true }, select: productSelect });
}
