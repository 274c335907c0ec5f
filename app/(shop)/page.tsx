import Link from 'next/link';
import { connection } from 'next/server';
import { getT } from '@/app/i18n';
import { listProducts } from '@/lib/catalog';
import { StockNote } from '@/app/components/stock-note';
import { formatMoney } from '@/lib/money';
import { stockLevel } from '@/lib/stock';

export default async function CatalogPage() {
  await connection(); // the catalog is read from the database on every request
  const [products, t] = await Promise.all([listProducts(), getT()]);
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
              <StockNote level={stockLevel(product)} t={t} />
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
