import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { CartLink } from './components/cart-link';
import { LanguageSwitch } from './components/language-switch';
import { getLocale, getT } from './i18n';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT();
  return { title: { default: t('site.title'), template: '%s · Nordvik' }, description: t('site.description') };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f3b34' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [locale, t] = await Promise.all([getLocale(), getT()]);
  return (
    <html lang={locale}>
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Nordvik
          </Link>
          <div className="header-actions">
            <Suspense>
              <LanguageSwitch current={locale} label={t('site.language')} />
            </Suspense>
            <CartLink />
          </div>
        </header>
        <main className="page">{children}</main>
        <footer className="site-footer">{t('site.footer')}</footer>
      </body>
    </html>
  );
}
