// The site's header and footer as plain components (no hooks, no request APIs), shared by the App
// Router layout and the pay page, which is rendered without any client-side framework code.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Translate } from '@/lib/i18n';
import { sellerDetails } from '@/lib/shop/seller';

// The language switch lives in its own module: the client component language-switch.tsx imports it,
// and this one reads the server's configuration (the seller), which must stay out of client bundles.
export { LanguageSwitchForm } from './language-switch-form';

export function CartLinkView({ count, t }: { count: number; t: Translate }) {
  return (
    <Link href="/cart" className="cart-link" aria-label={count === 1 ? t('cart.link.one') : t('cart.link', { count })}>
      {t('cart.link.short')} <span className="cart-count">{count}</span>
    </Link>
  );
}

export function SiteFrame({ t, languageSwitch, cartLink, children }: { t: Translate; languageSwitch: ReactNode; cartLink: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="site-header">
        <Link href="/" className="brand">
          Nordvik
        </Link>
        <div className="header-actions">
          {languageSwitch}
          {cartLink}
        </div>
      </header>
      <main className="page">{children}</main>
      <SiteFooter t={t} />
    </>
  );
}

/** The seller (lib/shop/seller.ts) and the shop's terms, on every page. */
function SiteFooter({ t }: { t: Translate }) {
  const seller = sellerDetails();
  return (
    <footer className="site-footer">
      <p>{t('site.footer')}</p>
      <nav aria-label={t('footer.legal')}>
        <Link href="/terms">{t('footer.terms')}</Link>
        <Link href="/returns">{t('footer.returns')}</Link>
        <Link href="/withdrawal">{t('footer.withdrawal')}</Link>
      </nav>
      <p className="seller" data-testid="seller">
        {seller.name} · {seller.address} · {t('seller.orgNr', { value: seller.orgNr })} · {t('seller.vatNr', { value: seller.vatNr })} ·{' '}
        <a href={`mailto:${seller.email}`}>{seller.email}</a> · <a href={`tel:${seller.phone.replace(/[^\d+]/g, '')}`}>{seller.phone}</a>
      </p>
    </footer>
  );
}
