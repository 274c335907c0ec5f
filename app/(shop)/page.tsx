import Link from 'next/link';
import { connection } from 'next/server';
import { getLocale, getT } from '@/app/i18n';
import { listProducts } from '@/lib/catalog';
import { productImageSrc } from '@/lib/catalog/inline-image';
import { StockNote } from '@/app/components/stock-note';
import { formatMoney } from '@/lib/money';
import { stockLevel } from '@/lib/stock';

/** Product cards in the first screen on a phone (two rows of two) and a desktop (one row of four). */
const ABOVE_THE_FOLD = 4;

export default async function CatalogPage() {
  await connection(); // the catalog is read from the database on every request
  const [t, locale] = await Promise.all([getT(), getLocale()]);
  const products = await listProducts(locale);
  return (
    <>
      <h1>{t('catalog.heading')}</h1>
      <ul className="product-grid" aria-label={t('catalog.products')}>
        {products.map((product, index) => (
          <li key={product.slug} className="product-card">
            <Link prefetch={false} href={`/products/${product.slug}`}>
              {/* The first row is in view on every screen: in the page itself (no request), the first (the LCP)
                  marked most urgent; the rest load when scrolled to. */}
              {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs need no optimisation */}
              <img src={index < ABOVE_THE_FOLD ? productImageSrc(product.imagePath) : product.imagePath} alt="" width={400} height={400} loading={index < ABOVE_THE_FOLD ? 'eager' : 'lazy'} fetchPriority={index === 0 ? 'high' : undefined} />
              <span className="product-name">{product.name}</span>
              <span className="price">{formatMoney(product.priceOre)}</span>
              <StockNote level={stockLevel(product)} t={t} />
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
