import type { Metadata } from 'next';
import Link from 'next/link';
import { getT } from '@/app/i18n';
import { LEGAL_PAGES, type LegalPageName } from '@/lib/shop/legal';
import { sellerDetails } from '@/lib/shop/seller';

export async function legalMetadata(name: LegalPageName): Promise<Metadata> {
  return { title: (await getT())(LEGAL_PAGES[name].title) };
}

/** One of the shop's legal pages, in the shopper's language, naming the seller. */
export async function LegalPage({ name }: { name: LegalPageName }) {
  const t = await getT();
  const seller = sellerDetails();
  const params = { name: seller.name, address: seller.address, orgNr: seller.orgNr, email: seller.email, phone: seller.phone };
  const page = LEGAL_PAGES[name];
  return (
    <article className="legal-page">
      <h1>{t(page.title)}</h1>
      {page.paragraphs.map((key) => <p key={key}>{t(key, params)}</p>)}
      <p className="muted">{t('legal.updated', params)}</p>
      <p>
        <Link prefetch={false} href="/terms">{t('footer.terms')}</Link> · <Link prefetch={false} href="/returns">{t('footer.returns')}</Link> · <Link prefetch={false} href="/withdrawal">{t('footer.withdrawal')}</Link>
      </p>
    </article>
  );
}
