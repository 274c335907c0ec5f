import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getLocale, getT } from '@/app/i18n';
import { findProductBySlug } from '@/lib/catalog';
import { productImageSrc } from '@/lib/catalog/inline-image';
import { intlLocale } from '@/lib/i18n';
import { StockNote } from '@/app/components/stock-note';
import { formatMoney, formatVatRate } from '@/lib/money';
import { stockLevel } from '@/lib/stock';
import { AddToCartForm } from './add-to-cart-form';

type Props = { params: Promise<{ slug: string }> };

// Metadata and page share one lookup per request.
const productForPage = cache(async (slug: string) => findProductBySlug(slug, await getLocale()));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await productForPage((await params).slug);
  if (!product) return { title: (await getT())('product.notFound') };
  return { title: product.name, description: product.description };
}

export default async function ProductPage({ params }: Props) {
  const product = await productForPage((await params).slug);
  if (!product) notFound();
  const [t, locale] = await Promise.all([getT(), getLocale()]);
  const level = stockLevel(product);
  return (
    <article className="product">
      {/* In the page itself (a data: URL, no request): it is the first thing a shopper looks at. */}
      {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs need no optimisation */}
      <img src={productImageSrc(product.imagePath)} alt={product.name} width={400} height={400} className="product-image" loading="eager" fetchPriority="high" />
      <div className="product-info">
        <h1>{product.name}</h1>
        <p className="price price-large">{formatMoney(product.priceOre)}</p>
        <p className="muted">{t('product.vatAndSku', { rate: formatVatRate(product.taxRateBp, intlLocale(locale)), sku: product.sku })}</p>
        <StockNote level={level} t={t} />
        <p>{product.description}</p>
        <AddToCartForm
          slug={product.slug}
          soldOut={level.soldOut}
          labels={{ quantity: t('product.quantity'), add: t('product.add'), adding: t('product.adding'), viewCart: t('product.viewCart'), soldOut: t('stock.soldOut') }}
        />
      </div>
    </article>
  );
}
