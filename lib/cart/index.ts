// The shopper's cart: a server-side row referenced by a random id in the `cart` cookie.
// Quantities come from the shopper; prices always come from the catalog at read time.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { findProductBySlug, type Product } from '../catalog';
import { getDb } from '../db';
import { cartTotals, lineTotalOre, MAX_LINE_QUANTITY, type CartTotals } from './totals';

export { MAX_LINE_QUANTITY } from './totals';

export const CART_COOKIE = 'cart';
export const CART_COOKIE_MAX_AGE_S = 60 * 60 * 24 * 30;

const CartIdSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export const QuantitySchema = z.coerce
  .number({ error: 'Quantity must be a number.' })
  .refine(Number.isFinite, { error: 'Quantity must be a number.' })
  .int({ error: 'Quantity must be a whole number.' })
  .min(1, { error: 'Quantity must be at least 1.' })
  .max(MAX_LINE_QUANTITY, { error: `Quantity can be at most ${MAX_LINE_QUANTITY}.` });

export type CartLineView = {
  product: Pick<Product, 'slug' | 'name' | 'imagePath' | 'sku' | 'taxRateBp'>;
  unitPriceOre: number;
  quantity: number;
  lineTotalOre: number;
};

export type CartView = { id: string; lines: CartLineView[]; totals: CartTotals };

/**
 * What the cookie says. `invalid` covers forged or stale values: a malformed id or one that names
 * no open cart. Callers show the shopper a fresh cart and say why.
 */
export type CartCookieState = { kind: 'none' } | { kind: 'invalid' } | { kind: 'ok'; cart: CartView };

export class CartInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CartInputError';
  }
}

function newCartId(): string {
  return randomBytes(24).toString('base64url');
}

/** The open cart with this id, priced from the catalog now. */
export async function loadOpenCart(cartId: string): Promise<CartView | null> {
  const cart = await getDb().cart.findFirst({
    where: { id: cartId, status: 'OPEN' },
    select: {
      id: true,
      lines: {
        orderBy: { addedAt: 'asc' },
        select: {
          quantity: true,
          product: { select: { slug: true, name: true, imagePath: true, sku: true, taxRateBp: true, priceOre: true } },
        },
      },
    },
  });
  if (!cart) return null;
  const lines = cart.lines.map(({ quantity, product: { priceOre, ...product } }) => ({
    product,
    unitPriceOre: priceOre,
    quantity,
    lineTotalOre: lineTotalOre({ unitPriceOre: priceOre, quantity, taxRateBp: product.taxRateBp }),
  }));
  return { id: cart.id, lines, totals: cartTotals(lines.map((l) => ({ ...l, taxRateBp: l.product.taxRateBp }))) };
}

export async function readCart(cookieValue: string | undefined): Promise<CartCookieState> {
  if (cookieValue === undefined || cookieValue === '') return { kind: 'none' };
  const id = CartIdSchema.safeParse(cookieValue);
  if (!id.success) return { kind: 'invalid' };
  const cart = await loadOpenCart(id.data);
  return cart ? { kind: 'ok', cart } : { kind: 'invalid' };
}

async function requireProduct(slug: unknown): Promise<Product> {
  const product = typeof slug === 'string' ? await findProductBySlug(slug) : null;
  if (!product) throw new CartInputError('That product does not exist.');
  return product;
}

function parseQuantity(value: unknown): number {
  const parsed = QuantitySchema.safeParse(value);
  if (!parsed.success) throw new CartInputError(parsed.error.issues[0]?.message ?? 'Quantity is not valid.');
  return parsed.data;
}

/** The open cart the cookie names, or a new one. Returns the id to store in the cookie. */
async function openCartId(cookieValue: string | undefined): Promise<string> {
  const state = await readCart(cookieValue);
  if (state.kind === 'ok') return state.cart.id;
  const cart = await getDb().cart.create({ data: { id: newCartId() }, select: { id: true } });
  return cart.id;
}

/** Add `quantity` of a product. Throws CartInputError with a sentence for bad input. */
export async function addToCart(cookieValue: string | undefined, input: { slug: unknown; quantity: unknown }): Promise<string> {
  const product = await requireProduct(input.slug);
  const quantity = parseQuantity(input.quantity);
  const cartId = await openCartId(cookieValue);
  const db = getDb();
  const existing = await db.cartLine.findUnique({
    where: { cartId_productId: { cartId, productId: product.id } },
    select: { quantity: true },
  });
  if ((existing?.quantity ?? 0) + quantity > MAX_LINE_QUANTITY) {
    throw new CartInputError(`You can have at most ${MAX_LINE_QUANTITY} of ${product.name} in the cart.`);
  }
  await db.cartLine.upsert({
    where: { cartId_productId: { cartId, productId: product.id } },
    create: { cartId, productId: product.id, quantity },
    update: { quantity: { increment: quantity } },
  });
  await db.cart.update({ where: { id: cartId }, data: { updatedAt: new Date() } });
  return cartId;
}

/** Set a line's quantity (1–99). */
export async function setCartLineQuantity(
  cookieValue: string | undefined,
  input: { slug: unknown; quantity: unknown },
): Promise<void> {
  const product = await requireProduct(input.slug);
  const quantity = parseQuantity(input.quantity);
  const state = await readCart(cookieValue);
  if (state.kind !== 'ok') throw new CartInputError('Your cart could not be found. Add the product again.');
  const { count } = await getDb().cartLine.updateMany({ where: { cartId: state.cart.id, productId: product.id }, data: { quantity } });
  if (count === 0) throw new CartInputError(`${product.name} is not in your cart.`);
}

export async function removeCartLine(cookieValue: string | undefined, input: { slug: unknown }): Promise<void> {
  const product = await requireProduct(input.slug);
  const state = await readCart(cookieValue);
  if (state.kind !== 'ok') throw new CartInputError('Your cart could not be found.');
  await getDb().cartLine.deleteMany({ where: { cartId: state.cart.id, productId: product.id } });
}
