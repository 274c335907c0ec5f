// The shopper's cart: a server-side row referenced by a random id in the `cart` cookie.
// Quantities come from the shopper; prices always come from the catalog at read time.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { findProductBySlug, localized, textsFor, type Product } from '../catalog';
import { getDb } from '../db';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** The process's client or a transaction: lib/payments passes its own (ports). */
export type DbClient = PrismaClient | Prisma.TransactionClient;
import { isLocale, translator, type Locale, type Message, type Params } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { shortageMessage, stockLevels } from '../stock';
import { CheckoutDetailsSchema, type CheckoutDetails } from '../checkout/details';
import { cartTotals, lineTotalOre, MAX_LINE_QUANTITY, type CartTotals } from './totals';

export { MAX_LINE_QUANTITY } from './totals';

export const CART_COOKIE = 'cart';
export const CART_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 30;

const CartIdSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

// Issue messages are message keys, translated where they are shown.
export const QuantitySchema = z.coerce
  .number({ error: 'error.quantityNumber' })
  .refine(Number.isFinite, { error: 'error.quantityNumber' })
  .int({ error: 'error.quantityWhole' })
  .min(1, { error: 'error.quantityMin' })
  .max(MAX_LINE_QUANTITY, { error: 'error.quantityMax' });

export type CartLineView = {
  product: Pick<Product, 'id' | 'slug' | 'name' | 'imagePath' | 'sku' | 'taxRateBp'>;
  unitPriceOre: number;
  quantity: number;
  lineTotalOre: number;
  /** Units of the product on hand and not held by any open invoice, as read with the cart (a hint: the reservation decides). */
  unreserved: number;
};

export type CartView = { id: string; lines: CartLineView[]; totals: CartTotals };

/**
 * What the cookie says. `invalid` covers forged or stale values: a malformed id or one that names
 * no open cart. Callers show the shopper a fresh cart and say why.
 */
export type CartCookieState = { kind: 'none' } | { kind: 'invalid' } | { kind: 'ok'; cart: CartView };

/** Bad cart input. `text` is the translatable message; `message` is its English text, for logs. */
export class CartInputError extends Error {
  readonly text: Message;
  constructor(key: MessageKey, params?: Params) {
    super(translator('en')(key, params));
    this.name = 'CartInputError';
    this.text = { key, params };
  }
}

function newCartId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The open cart with this id, priced from the catalog now. Product names are in `locale`; without
 * one, in the cart's own language (the shopper's at its last change or checkout), which is what an
 * order's lines take.
 */
export async function loadOpenCart(cartId: string, db: DbClient = getDb(), locale?: Locale): Promise<CartView | null> {
  const cart = await db.cart.findFirst({
    where: { id: cartId, status: 'OPEN' },
    select: {
      id: true,
      locale: true,
      lines: {
        orderBy: { addedAt: 'asc' },
        select: {
          quantity: true,
          // Without a locale, the cart's own is known only with the row: read every language's text (there are two).
          product: { select: { id: true, slug: true, name: true, description: true, imagePath: true, sku: true, taxRateBp: true, priceOre: true, stockOnHand: true, stockReserved: true, texts: locale ? textsFor(locale) : { select: textsFor('en').select } } },
        },
      },
    },
  });
  if (!cart) return null;
  const language = locale ?? (isLocale(cart.locale) ? cart.locale : 'en');
  const lines = cart.lines.map(({ quantity, product: row }) => {
    const { priceOre, description: _description, stockOnHand, stockReserved, ...product } = localized(row, language);
    return { product, unitPriceOre: priceOre, quantity, lineTotalOre: lineTotalOre({ unitPriceOre: priceOre, quantity, taxRateBp: product.taxRateBp }), unreserved: Math.max(0, stockOnHand - stockReserved) };
  });
  return { id: cart.id, lines, totals: cartTotals(lines.map((l) => ({ ...l, taxRateBp: l.product.taxRateBp }))) };
}

export async function readCart(cookieValue: string | undefined, locale?: Locale): Promise<CartCookieState> {
  if (cookieValue === undefined || cookieValue === '') return { kind: 'none' };
  const id = CartIdSchema.safeParse(cookieValue);
  if (!id.success) return { kind: 'invalid' };
  const cart = await loadOpenCart(id.data, getDb(), locale);
  if (cart) return { kind: 'ok', cart };
  // A cart that became a paid order is simply empty now; only an id that names no cart is an error.
  const closed = await getDb().cart.findUnique({ where: { id: id.data }, select: { id: true } });
  return closed ? { kind: 'none' } : { kind: 'invalid' };
}

/** How many items the cookie's open cart holds (0 for none): the header's cart link, in one query. */
export async function cartItemCount(cookieValue: string | undefined, db: DbClient = getDb()): Promise<number> {
  const id = CartIdSchema.safeParse(cookieValue);
  if (!id.success) return 0;
  const lines = await db.cartLine.findMany({ where: { cartId: id.data, cart: { status: 'OPEN' } }, select: { quantity: true } });
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

async function requireProduct(slug: unknown, locale?: Locale): Promise<Product> {
  const product = typeof slug === 'string' ? await findProductBySlug(slug, locale) : null;
  if (!product) throw new CartInputError('error.productMissing');
  return product;
}

function parseQuantity(value: unknown): number {
  const parsed = QuantitySchema.safeParse(value);
  if (!parsed.success) throw new CartInputError((parsed.error.issues[0]?.message ?? 'error.quantityNumber') as MessageKey, { max: MAX_LINE_QUANTITY });
  return parsed.data;
}

/**
 * The open cart the cookie names, or a new one. Returns the id to store in the cookie. `create:
 * false` (the app API, which names its cart): no new one, the cart is missing instead.
 */
async function openCartId(cookieValue: string | undefined, create = true): Promise<string> {
  const state = await readCart(cookieValue);
  if (state.kind === 'ok') return state.cart.id;
  if (!create) throw new CartInputError('error.cartMissing');
  return createEmptyCart();
}

/** A new, empty cart (the app API's createCart); the web makes one with its first item. */
export async function createEmptyCart(locale?: Locale, db: DbClient = getDb()): Promise<string> {
  const cart = await db.cart.create({ data: { id: newCartId(), ...(locale ? { locale } : {}) }, select: { id: true } });
  return cart.id;
}

/** Drop a cart nothing refers to yet (the app API's createCart when one of its items is refused). */
export async function discardNewCart(cartId: string, db: DbClient = getDb()): Promise<void> {
  await db.cart.deleteMany({ where: { id: cartId, orders: { none: {} } } });
}

/**
 * Add `quantity` of a product. Throws CartInputError with a sentence for bad input. `locale`: the
 * shopper's language, kept on the cart (its order's lines are named in it).
 */
export async function addToCart(cookieValue: string | undefined, input: { slug: unknown; quantity: unknown }, locale?: Locale, options: { create?: boolean } = {}): Promise<string> {
  const product = await requireProduct(input.slug, locale);
  const quantity = parseQuantity(input.quantity);
  const cartId = await openCartId(cookieValue, options.create ?? true);
  // One add to a cart at a time: the cart row is locked (until the commit) before its line is read,
  // so adds that arrive together cannot each pass the checks below and together exceed them (a line
  // over MAX_LINE_QUANTITY is a cart no page or app answer can show).
  await getDb().$transaction(async (db) => {
    const { count } = await db.cart.updateMany({ where: { id: cartId, status: 'OPEN' }, data: { updatedAt: new Date(), ...(locale ? { locale } : {}) } });
    if (count !== 1) throw new CartInputError('error.cartMissing');
    const existing = await db.cartLine.findUnique({
      where: { cartId_productId: { cartId, productId: product.id } },
      select: { quantity: true },
    });
    if ((existing?.quantity ?? 0) + quantity > MAX_LINE_QUANTITY) {
      throw new CartInputError('error.lineMax', { max: MAX_LINE_QUANTITY, name: product.name });
    }
    // More than is in stock is refused here already (checkout's reservation is what guarantees it).
    const level = (await stockLevels([product.id], { cartId, db })).get(product.id);
    if (level && (existing?.quantity ?? 0) + quantity > level.available) {
      const message = shortageMessage({ name: product.name, available: level.available });
      throw new CartInputError(message.key as MessageKey, message.params);
    }
    await db.cartLine.upsert({
      where: { cartId_productId: { cartId, productId: product.id } },
      create: { cartId, productId: product.id, quantity },
      update: { quantity: { increment: quantity } },
    });
  });
  return cartId;
}

/** A line's new quantity: 0 removes the line. */
export const LineQuantitySchema = z.coerce
  .number({ error: 'error.quantityNumber' })
  .refine(Number.isFinite, { error: 'error.quantityNumber' })
  .int({ error: 'error.quantityWhole' })
  .min(0, { error: 'error.quantityMinZero' })
  .max(MAX_LINE_QUANTITY, { error: 'error.quantityMax' });

/** Set a line's quantity (0–99; 0 removes it). Returns whether the line was removed. */
export async function setCartLineQuantity(
  cookieValue: string | undefined,
  input: { slug: unknown; quantity: unknown },
): Promise<'updated' | 'removed'> {
  const product = await requireProduct(input.slug);
  const parsed = LineQuantitySchema.safeParse(input.quantity);
  if (!parsed.success) throw new CartInputError((parsed.error.issues[0]?.message ?? 'error.quantityNumber') as MessageKey, { max: MAX_LINE_QUANTITY });
  const quantity = parsed.data;
  const state = await readCart(cookieValue);
  if (state.kind !== 'ok') throw new CartInputError('error.cartMissing');
  if (quantity === 0) {
    await getDb().cartLine.deleteMany({ where: { cartId: state.cart.id, productId: product.id } });
    return 'removed';
  }
  const { count } = await getDb().cartLine.updateMany({ where: { cartId: state.cart.id, productId: product.id }, data: { quantity } });
  if (count === 0) throw new CartInputError('error.notInCart', { name: product.name });
  return 'updated';
}

/** The checkout details an app set for its cart (app API); null when none were set. */
export async function savedCheckoutDetails(cartId: string, db: DbClient = getDb()): Promise<CheckoutDetails | null> {
  const row = await db.cart.findUnique({ where: { id: cartId }, select: { checkoutDetails: true } });
  const parsed = CheckoutDetailsSchema.safeParse(row?.checkoutDetails);
  return parsed.success ? parsed.data : null;
}

/** Keep an app's checkout details on its open cart (already validated). False: the cart is not open. */
export async function saveCheckoutDetails(cartId: string, details: CheckoutDetails, db: DbClient = getDb()): Promise<boolean> {
  const { count } = await db.cart.updateMany({ where: { id: cartId, status: 'OPEN' }, data: { checkoutDetails: details } });
  return count === 1;
}

/** The shopper's language, kept on the cart so the order's lines are named in it (checkout). */
export async function rememberCartLocale(cartId: string, locale: Locale, db: DbClient = getDb()): Promise<void> {
  await db.cart.updateMany({ where: { id: cartId, locale: { not: locale } }, data: { locale } });
}

export async function removeCartLine(cookieValue: string | undefined, input: { slug: unknown }): Promise<void> {
  const product = await requireProduct(input.slug);
  const state = await readCart(cookieValue);
  if (state.kind !== 'ok') throw new CartInputError('error.cartMissing');
  await getDb().cartLine.deleteMany({ where: { cartId: state.cart.id, productId: product.id } });
}

/**
 * Paying turns the cart into the order: what was paid for leaves the cart; anything added while the
 * customer was paying stays for a next order. The cart closes when nothing is left. Runs inside the
 * PAID transition's transaction.
 */
export async function consumeCartForPaidOrder(tx: Prisma.TransactionClient, cartId: string, lines: { productId: string | null; quantity: number }[]): Promise<void> {
  for (const line of lines) {
    if (!line.productId) continue;
    await tx.cartLine.updateMany({ where: { cartId, productId: line.productId }, data: { quantity: { decrement: line.quantity } } });
  }
  await tx.cartLine.deleteMany({ where: { cartId, quantity: { lte: 0 } } });
  if ((await tx.cartLine.count({ where: { cartId } })) === 0) {
    await tx.cart.updateMany({ where: { id: cartId }, data: { status: 'CHECKED_OUT' } });
  }
}
