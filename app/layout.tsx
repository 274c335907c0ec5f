import type { Metadata, Viewport } from 'next';
import { Suspense } from 'react';
import { CartLink } from './components/cart-link';
import { LanguageSwitch } from './components/language-switch';
import { SiteFrame } from './components/site-chrome';
import { getLocale, getT } from './i18n';
import './globals.css';

/** The same icons as the pay page's <Head> (pages/pay/[token].tsx): files in public/, made by scripts/make-icons.ts. */
const SITE_ICONS = {
  icons: { icon: [{ url: '/favicon.ico', sizes: '32x32' }, { url: '/icon.svg', type: 'image/svg+xml' }], apple: '/apple-touch-icon.png' },
  manifest: '/manifest.webmanifest',
} satisfies Metadata;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT();
  return { title: { default: t('site.title'), template: '%s · Nordvik' }, description: t('site.description'), ...SITE_ICONS };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f3b34' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [locale, t] = await Promise.all([getLocale(), getT()]);
  return (
    <html lang={locale}>
      <body>
        <SiteFrame
          t={t}
          languageSwitch={
            <Suspense>
              <LanguageSwitch current={locale} label={t('site.language')} />
            </Suspense>
          }
          cartLink={<CartLink />}
        >
          {children}
        </SiteFrame>
      </body>
    </html>
  );
}
