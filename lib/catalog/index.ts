// Catalog reads. Prices always come from here (the database), never from a request. Names and
// descriptions come in the reader's language (ProductText), English where a text is missing.
import { z } from 'zod';
import { getDb } from '../db';
import type { Prisma } from '../generated/prisma/client';
import type { Locale } from '../i18n';

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

export const FALLBACK_LOCALE = 'en';

/** Select the texts of a language and of the fallback (English), for `localized`. */
export function textsFor(locale: string) {
  return { where: { locale: { in: [...new Set([locale, FALLBACK_LOCALE])] } }, select: { locale: true as const, name: true as const, description: true as const } };
}

type Texts = { locale: string; name: string; description: string }[];

/** A product row with the name and description in `locale`, else English, else the row's own. */
export function localized<P extends { name: string; description: string; texts: Texts }>(product: P, locale: string): Omit<P, 'texts'> {
  const { texts, ...rest } = product;
  const text = texts.find((t) => t.locale === locale) ?? texts.find((t) => t.locale === FALLBACK_LOCALE);
  return text ? { ...rest, name: text.name, description: text.description } : rest;
}

const productSelect = (locale: string) =>
  ({
    id: true as const,
    slug: true as const,
    sku: true as const,
    name: true as const,
    description: true as const,
    priceOre: true as const,
    currency: true as const,
    taxRateBp: true as const,
    imagePath: true as const,
    stockOnHand: true as const,
    stockReserved: true as const,
    texts: textsFor(locale),
  }) satisfies Prisma.ProductSelect;

/** Slugs are lower-case words joined by hyphens; anything else cannot name a product. */
export const ProductSlugSchema = z
  .string({ error: 'Choose a product.' })
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'That product does not exist.' })
  .max(80, { error: 'That product does not exist.' });

export async function listProducts(locale: Locale = 'en'): Promise<Product[]> {
  const rows = await getDb().product.findMany({ where: { active: true }, orderBy: { sku: 'asc' }, select: productSelect(locale) });
  return rows.map((row) => localized(row, locale));
}

/** The active product with this slug, or null (also for text that is not a slug at all). */
export async function findProductBySlug(slug: string, locale: Locale = 'en'): Promise<Product | null> {
  const parsed = ProductSlugSchema.safeParse(slug);
  if (!parsed.success) return null;
  const row = await getDb().product.findFirst({ where: { slug: parsed.data, active: true }, select: productSelect(locale) });
  return row ? localized(row, locale) : null;
}
