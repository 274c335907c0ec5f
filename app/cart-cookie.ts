// The cart cookie, read and written in one place for pages and server actions.
import { cookies } from 'next/headers';
import { cache } from 'react';
import { CART_COOKIE, CART_COOKIE_MAX_AGE_S, readCart } from '@/lib/cart';
import { getConfig } from '@/lib/config';
import { getLocale } from './i18n';

/** The shopper's cart, read once per request, its product names in the shopper's language. */
export const currentCart = cache(async () => readCart((await cookies()).get(CART_COOKIE)?.value, await getLocale()));

export async function cartCookieValue(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value;
}

export async function rememberCart(cartId: string): Promise<void> {
  (await cookies()).set(CART_COOKIE, cartId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getConfig().publicBaseUrl.startsWith('https://'),
    path: '/',
    maxAge: CART_COOKIE_MAX_AGE_S,
  });
}

export async function forgetCart(): Promise<void> {
  (await cookies()).delete(CART_COOKIE);
}
