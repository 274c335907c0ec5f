import Link from 'next/link';
import { connection } from 'next/server';
import { getLocale, getT } from '@/app/i18n';
import { listProducts } from '@/lib/catalog';
import { formatMoney } from '@/lib/money';

export default async function CatalogPage() {
  await connection(); // the catalog is read from the database on every request
  const [t, locale] = await Promise.all([getT(), getLocale()]);
  const products = await listProducts(locale);
  return (
    <>
      <h1>{t('catalog.heading')}</h1>
      <ul className="product-grid" aria-label={t('catalog.products')}>
        {products.map((product) => (
          <li key={product.slug} className="product-card">
            <Link href={`/products/${product.slug}`}>
              {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs need no optimisation */}
              <img src={product.imagePath} alt="" width={400} height={400} loading="lazy" />
              <span className="product-name">{product.name}</span>
              <span className="price">{formatMoney(product.priceOre)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
