// The cart use cases of the app API, over lib/cart as the web shop's cart actions use it: the same
// rules and sentences, and an invoice open for the cart follows each change (syncOpenInvoiceWithCart).
import { addToCart, createEmptyCart, discardNewCart, readCart, removeCartLine, saveCheckoutDetails, savedCheckoutDetails, setCartLineQuantity, type CartView } from '../cart';
import { parseCheckoutDetails } from '../checkout/details';
import { translateMessage, type Locale, type Message } from '../i18n';
import { openPaymentOfCart, syncOpenInvoiceWithCart } from '../payments';
import { ApiProblem, type ProblemType } from './problems';
import { cartDto } from './present';
import type { CartDto } from './schemas';

/** The open cart with this id, or the problem: none such (404), or it became a paid order (410). */
export async function openCartOrProblem(cartId: string, locale: Locale): Promise<CartView> {
  const state = await readCart(cartId, locale);
  if (state.kind === 'ok') return state.cart;
  // A well-formed id that names a cart no longer open: it was checked out (readCart says 'none').
  throw new ApiProblem(state.kind === 'none' ? 'cart-closed' : 'cart-not-found');
}

export async function cartForApp(cartId: string, locale: Locale): Promise<CartDto> {
  const cart = await openCartOrProblem(cartId, locale);
  const [details, openPayment] = await Promise.all([savedCheckoutDetails(cart.id), openPaymentOfCart(cart.id)]);
  return cartDto(cart, details, openPayment, locale);
}

/** lib/cart's refusals (CartInputError: recognised by name, as Next may load lib/cart twice) as problems. */
function asProblem(error: unknown): unknown {
  if (!(typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'CartInputError')) return error;
  const text = (error as { text: Message }).text;
  const type: ProblemType = text.key === 'error.productMissing' ? 'product-not-found'
    : text.key === 'error.cartMissing' ? 'cart-not-found'
    : text.key === 'error.notInCart' ? 'item-not-in-cart'
    : text.key.startsWith('stock.') ? 'out-of-stock'
    : 'invalid-quantity';
  return new ApiProblem(type, text);
}

async function changeCart<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asProblem(error);
  }
}

export async function createCartForApp(items: readonly { slug: string; quantity: number }[], locale: Locale): Promise<CartDto> {
  const cartId = await createEmptyCart(locale);
  try {
    for (const item of items) await changeCart(() => addToCart(cartId, item, locale, { create: false }));
  } catch (error) {
    await discardNewCart(cartId); // all the items or no cart
    throw error;
  }
  return cartForApp(cartId, locale);
}

export async function addCartItemForApp(cartId: string, item: { slug: string; quantity: number }, locale: Locale): Promise<CartDto> {
  await openCartOrProblem(cartId, locale);
  await changeCart(() => addToCart(cartId, item, locale, { create: false }));
  await syncOpenInvoiceWithCart(cartId);
  return cartForApp(cartId, locale);
}

export async function updateCartItemForApp(cartId: string, slug: string, quantity: number, locale: Locale): Promise<CartDto> {
  await openCartOrProblem(cartId, locale);
  await changeCart(() => setCartLineQuantity(cartId, { slug, quantity }));
  await syncOpenInvoiceWithCart(cartId);
  return cartForApp(cartId, locale);
}

export async function removeCartItemForApp(cartId: string, slug: string, locale: Locale): Promise<CartDto> {
  const cart = await openCartOrProblem(cartId, locale);
  // Removing what is not there (an unknown slug included) is done already: DELETE is idempotent.
  if (cart.lines.some((line) => line.product.slug === slug)) {
    await changeCart(() => removeCartLine(cartId, { slug }));
    await syncOpenInvoiceWithCart(cartId);
  }
  return cartForApp(cartId, locale);
}

export async function setCheckoutDetailsForApp(cartId: string, input: Record<string, unknown>, locale: Locale): Promise<CartDto> {
  await openCartOrProblem(cartId, locale);
  const parsed = parseCheckoutDetails(input);
  if (!parsed.ok) {
    const errors = Object.entries(parsed.errors).map(([field, key]) => ({ pointer: `/${field}`, detail: translateMessage(locale, { key }) }));
    throw new ApiProblem('invalid-checkout-details', { key: 'api.invalidCheckoutDetails', params: { fields: Object.keys(parsed.errors).join(', ') } }, { errors });
  }
  if (!(await saveCheckoutDetails(cartId, parsed.details))) throw new ApiProblem('cart-closed');
  return cartForApp(cartId, locale);
}
