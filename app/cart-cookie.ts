// The cart cookie, read and written in one place for pages and server actions.
import { cookies } from 'next/headers';
import { cache } from 'react';
import { CART_COOKIE, CART_COOKIE_MAX_AGE_S, readCart } from '@/lib/cart';
import { servedOverHttps } from '@/lib/http/cookies';
import { getLocale } from './i18n';

/** The shopper's cart, read once per request, its product names in the shopper's language. */
export const currentCart = cache(async () => readCart((await cookies()).get(CART_COOKIE)?.value, await getLocale()));

export async function cartCookieValue(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value;
}

const cartCookieOptions = (maxAge: number) => ({ httpOnly: true, sameSite: 'lax' as const, secure: servedOverHttps(), path: '/', maxAge });

export async function rememberCart(cartId: string): Promise<void> {
  (await cookies()).set(CART_COOKIE, cartId, cartCookieOptions(CART_COOKIE_MAX_AGE_S));
}

export async function forgetCart(): Promise<void> {
  // With the same attributes as it was set (Secure behind TLS), not a bare delete.
  (await cookies()).set(CART_COOKIE, '', cartCookieOptions(0));
}
