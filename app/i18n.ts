// The request's language for pages, actions and route handlers.
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { LOCALE_COOKIE, resolveLocale, translator, type Locale, type Translate } from '@/lib/i18n';

export const getLocale = cache(async (): Promise<Locale> => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return resolveLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerList.get('accept-language'));
});

export async function getT(): Promise<Translate> {
  return translator(await getLocale());
}
