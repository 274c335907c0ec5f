// The site's header and footer as plain components (no hooks, no request APIs), shared by the App
// Router layout and the pay page, which is rendered without any client-side framework code.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Translate } from '@/lib/i18n';
import { sellerDetails } from '@/lib/shop/seller';

// The language switch lives in its own module: the client component language-switch.tsx imports it,
// and this one reads the server's configuration (the seller), which must stay out of client bundles.
export { LanguageSwitchForm } from './language-switch-form';

// Links on the shop's pages do not prefetch (prefetch={false}): every page is rendered per request,
// so a prefetch brings nothing but the shared layout, and a page with a dozen links would fetch and
// parse a dozen responses on a phone's slow CPU while it is still becoming usable.

export function CartLinkView({ count, t }: { count: number; t: Translate }) {
  return (
    <Link prefetch={false} href="/cart" className="cart-link" aria-label={count === 1 ? t('cart.link.one') : t('cart.link', { count })}>
      {t('cart.link.short')} <span className="cart-count">{count}</span>
    </Link>
  );
}

export function SiteFrame({ t, languageSwitch, cartLink, children }: { t: Translate; languageSwitch: ReactNode; cartLink: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="site-header">
        <Link prefetch={false} href="/" className="brand">
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
        <Link prefetch={false} href="/terms">{t('footer.terms')}</Link>
        <Link prefetch={false} href="/returns">{t('footer.returns')}</Link>
        <Link prefetch={false} href="/withdrawal">{t('footer.withdrawal')}</Link>
      </nav>
      <p className="seller" data-testid="seller">
        {seller.name} · {seller.address} · {t('seller.orgNr', { value: seller.orgNr })} · {t('seller.vatNr', { value: seller.vatNr })} ·{' '}
        <a href={`mailto:${seller.email}`}>{seller.email}</a> · <a href={`tel:${seller.phone.replace(/[^\d+]/g, '')}`}>{seller.phone}</a>
      </p>
    </footer>
  );
}
