'use server';

import { revalidatePath } from 'next/cache';
import { cartCookieValue, forgetCart, rememberCart } from '@/app/cart-cookie';
import { addToCart, CartInputError, removeCartLine, setCartLineQuantity } from '@/lib/cart';

export type CartActionState = { status: 'idle' } | { status: 'ok'; message: string } | { status: 'error'; message: string };

/** Bad input becomes a form error with the domain's sentence; anything else is a real failure. */
async function run(work: () => Promise<string>): Promise<CartActionState> {
  try {
    const message = await work();
    revalidatePath('/', 'layout');
    return { status: 'ok', message };
  } catch (error) {
    if (error instanceof CartInputError) return { status: 'error', message: error.message };
    throw error;
  }
}

export async function addToCartAction(_previous: CartActionState, form: FormData): Promise<CartActionState> {
  return run(async () => {
    const cartId = await addToCart(await cartCookieValue(), { slug: form.get('slug'), quantity: form.get('quantity') });
    await rememberCart(cartId);
    return 'Added to your cart.';
  });
}

export async function updateQuantityAction(_previous: CartActionState, form: FormData): Promise<CartActionState> {
  return run(async () => {
    await setCartLineQuantity(await cartCookieValue(), { slug: form.get('slug'), quantity: form.get('quantity') });
    return 'Quantity updated.';
  });
}

export async function removeLineAction(_previous: CartActionState, form: FormData): Promise<CartActionState> {
  return run(async () => {
    await removeCartLine(await cartCookieValue(), { slug: form.get('slug') });
    return 'Removed.';
  });
}

/** Drop a cookie that names no cart (forged or stale), so the shopper starts clean. */
export async function startNewCartAction(): Promise<void> {
  await forgetCart();
  revalidatePath('/', 'layout');
}
