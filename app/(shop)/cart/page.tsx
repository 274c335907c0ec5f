import type { Metadata } from 'next';
import Link from 'next/link';
import { currentCart } from '@/app/cart-cookie';
import { productImageSrc } from '@/lib/catalog/inline-image';
import { getLocale, getT } from '@/app/i18n';
import { SHIPPING_OPTIONS, shippingNameKey } from '@/lib/checkout/shipping';
import { intlLocale } from '@/lib/i18n';
import { formatMoney, formatVatRate } from '@/lib/money';
import { openPaymentOfCart } from '@/lib/payments';
import { stockLevels } from '@/lib/stock';
import { startNewCartAction } from './actions';
import { CartLineForm } from './cart-line-form';
import { CheckoutForm } from './checkout-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())('cart.heading') };
}

export default async function CartPage() {
  const [state, t, locale] = await Promise.all([currentCart(), getT(), getLocale()]);
  if (state.kind === 'invalid') {
    return (
      <>
        <h1>{t('cart.heading')}</h1>
        <div className="notice" role="alert">
          <p>{t('cart.invalid')}</p>
          <form action={startNewCartAction}>
            <button type="submit" className="button-secondary">{t('cart.startNew')}</button>
          </form>
        </div>
        <p><Link prefetch={false} href="/">{t('cart.browse')}</Link></p>
      </>
    );
  }
  if (state.kind === 'none' || state.cart.lines.length === 0) {
    return (
      <>
        <h1>{t('cart.heading')}</h1>
        <p>{t('cart.empty')}</p>
        <p><Link prefetch={false} href="/">{t('cart.browse')}</Link></p>
      </>
    );
  }
  const { lines, totals } = state.cart;
  const openPayment = await openPaymentOfCart(state.cart.id);
  // Units this cart's own open invoice holds count as the shopper's.
  const levels = await stockLevels(lines.map((line) => line.product.id), { cartId: state.cart.id });
  const shortOf = (line: (typeof lines)[number]) => {
    const available = levels.get(line.product.id)?.available ?? 0;
    return line.quantity > available ? available : null;
  };
  const firstShort = lines.find((line) => shortOf(line) !== null);
  return (
    <>
      <h1>{t('cart.heading')}</h1>
      {openPayment && (
        <div className="notice notice-info" data-testid="payment-in-progress">
          <p><strong>{t('cart.paymentOpen')}</strong> <a href={`/pay/${openPayment.token}`}>{t('cart.paymentOpenLink')}</a></p>
          <p className="muted">{t('cart.paymentOpenNote')}</p>
        </div>
      )}
      <ul className="cart-lines" aria-label={t('cart.lines')}>
        {lines.map((line) => (
          <li key={line.product.slug} className={shortOf(line) === null ? 'cart-line' : 'cart-line short'} data-sku={line.product.sku}>
            {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs need no optimisation */}
            <img src={productImageSrc(line.product.imagePath)} alt="" width={72} height={72} />
            <div className="cart-line-main">
              <Link prefetch={false} href={`/products/${line.product.slug}`} className="cart-line-name">{line.product.name}</Link>
              <span className="muted">{t('cart.each', { price: formatMoney(line.unitPriceOre) })}</span>
              {shortOf(line) !== null && (
                <span className="stock-note stock-out" data-testid="stock-line">
                  {shortOf(line) === 0 ? t('stock.lineSoldOut') : t('stock.lineShort', { available: shortOf(line)! })}
                </span>
              )}
              <CartLineForm
                slug={line.product.slug}
                quantity={line.quantity}
                labels={{
                  quantity: t('cart.quantityOf', { name: line.product.name }),
                  update: t('cart.update'),
                  remove: t('cart.remove'),
                  removeName: t('cart.removeName', { name: line.product.name }),
                  decrease: t('cart.decrease', { name: line.product.name }),
                  increase: t('cart.increase', { name: line.product.name }),
                }}
              />
            </div>
            <span className="price line-total" aria-label={t('cart.lineTotal', { name: line.product.name })}>
              {formatMoney(line.lineTotalOre)}
            </span>
          </li>
        ))}
      </ul>
      <dl className="cart-summary">
        {totals.vat.map((group) => (
          <div key={group.rateBp}>
            <dt>{t('cart.vat', { rate: formatVatRate(group.rateBp, intlLocale(locale)) })}</dt>
            <dd>{formatMoney(group.vatOre)}</dd>
          </div>
        ))}
        <div className="cart-total">
          <dt>{t('checkout.subtotal')}</dt>
          <dd data-testid="cart-total">{formatMoney(totals.totalOre)}</dd>
        </div>
      </dl>
      <CheckoutForm
        labels={{
          heading: t('checkout.details'),
          name: t('checkout.name'),
          email: t('checkout.emailRequired'),
          phone: t('checkout.phone'),
          street: t('checkout.street'),
          postcode: t('checkout.postcode'),
          postcodeHint: t('checkout.postcodeHint'),
          city: t('checkout.city'),
          shipping: t('checkout.shipping'),
          pay: t('checkout.pay'),
          paying: t('checkout.paying'),
          agree: t('checkout.agree'),
          terms: t('footer.terms'),
          withdrawal: t('footer.withdrawal'),
        }}
        shippingOptions={SHIPPING_OPTIONS.map((option) => ({
          method: option.method,
          label: t('checkout.shippingOption', {
            name: t(shippingNameKey(option.method)),
            price: formatMoney(option.priceOre),
            vat: formatVatRate(option.taxRateBp, intlLocale(locale)),
          }),
        }))}
        blocked={firstShort ? t(shortOf(firstShort) === 0 ? 'stock.soldOutNamed' : 'stock.onlyLeft', { name: firstShort.product.name, available: shortOf(firstShort)! }) : undefined}
      />
    </>
  );
}
