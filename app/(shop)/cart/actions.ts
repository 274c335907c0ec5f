'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { cartCookieValue, forgetCart, rememberCart } from '@/app/cart-cookie';
import { formOf } from '@/app/action-input';
import { getLocale } from '@/app/i18n';
import { addToCart, CartInputError, readCart, removeCartLine, setCartLineQuantity } from '@/lib/cart';
import { translateMessage, type MessageKey } from '@/lib/i18n';
import { CHECKOUT_FIELDS, parseCheckoutDetails, type CheckoutField } from '@/lib/checkout/details';
import { checkoutCart, syncOpenInvoiceWithCart } from '@/lib/payments';
import { shortageMessage } from '@/lib/stock';

export type CartActionState = { status: 'idle' } | { status: 'ok'; message: string } | { status: 'error'; message: string };

/** Bad input becomes a form error in the shopper's language; anything else is a real failure. */
async function run(work: () => Promise<MessageKey>): Promise<CartActionState> {
  const locale = await getLocale();
  try {
    const message = translateMessage(locale, { key: await work() });
    revalidatePath('/', 'layout');
    return { status: 'ok', message };
  } catch (error) {
    if (error instanceof CartInputError) return { status: 'error', message: translateMessage(locale, error.text) };
    throw error;
  }
}

export async function addToCartAction(_previous: CartActionState, input: FormData): Promise<CartActionState> {
  const form = formOf(input);
  return run(async () => {
    const cartId = await addToCart(await cartCookieValue(), { slug: form.get('slug'), quantity: form.get('quantity') }, await getLocale());
    await rememberCart(cartId);
    await syncOpenInvoiceWithCart(cartId);
    return 'cart.added';
  });
}

export async function updateQuantityAction(_previous: CartActionState, input: FormData): Promise<CartActionState> {
  const form = formOf(input);
  return run(async () => {
    const cartId = await cartCookieValue();
    const outcome = await setCartLineQuantity(cartId, { slug: form.get('slug'), quantity: form.get('quantity') });
    if (cartId) await syncOpenInvoiceWithCart(cartId);
    return outcome === 'removed' ? 'cart.removed' : 'cart.updated';
  });
}

export async function removeLineAction(_previous: CartActionState, input: FormData): Promise<CartActionState> {
  const form = formOf(input);
  return run(async () => {
    const cartId = await cartCookieValue();
    await removeCartLine(cartId, { slug: form.get('slug') });
    if (cartId) await syncOpenInvoiceWithCart(cartId);
    return 'cart.removed';
  });
}

/** Drop a cookie that names no cart (forged or stale), so the shopper starts clean. */
export async function startNewCartAction(): Promise<void> {
  await forgetCart();
  revalidatePath('/', 'layout');
}

export type CheckoutValues = Partial<Record<CheckoutField, string>>;

export type CheckoutActionState =
  | { status: 'idle' }
  | { status: 'error'; message: string; fieldErrors: Partial<Record<CheckoutField, string>>; values: CheckoutValues };

/** "Pay with SEQR": the details are checked (lib/checkout), then the server builds the order from database prices and issues the invoice. */
export async function checkoutAction(_previous: CheckoutActionState, input: FormData): Promise<CheckoutActionState> {
  const form = formOf(input);
  const locale = await getLocale();
  const values: CheckoutValues = {};
  for (const field of CHECKOUT_FIELDS) {
    const value = form.get(field);
    if (typeof value === 'string') values[field] = value.slice(0, 300);
  }
  const cartId = await cartCookieValue();
  const emptyCart = { status: 'error' as const, message: translateMessage(locale, { key: 'cart.empty' }), fieldErrors: {}, values };
  const parsed = parseCheckoutDetails(values);
  if (!parsed.ok) {
    // An empty cart comes first: there is nothing to fix the details for. (Read only here: on the
    // common path checkoutCart reads the cart in its own transaction.)
    const state = await readCart(cartId);
    if (state.kind !== 'ok' || state.cart.lines.length === 0) return emptyCart;
    const fieldErrors = Object.fromEntries(Object.entries(parsed.errors).map(([field, key]) => [field, translateMessage(locale, { key })]));
    return { status: 'error', message: translateMessage(locale, { key: 'checkout.fixErrors' }), fieldErrors, values };
  }
  if (!cartId) return emptyCart;
  // The order's lines are named in the shopper's language (checkoutCart keeps it on the cart).
  const result = await checkoutCart(cartId, { details: parsed.details, locale });
  if (result.kind === 'empty-cart') return emptyCart;
  if (result.kind === 'busy') return { status: 'error', message: translateMessage(locale, { key: 'checkout.busy' }), fieldErrors: {}, values };
  if (result.kind === 'out-of-stock') {
    revalidatePath('/cart');
    return { status: 'error', message: translateMessage(locale, shortageMessage(result.shortage)), fieldErrors: {}, values };
  }
  redirect(`/pay/${result.token}`);
}
