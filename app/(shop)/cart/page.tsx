import type { Metadata } from 'next';
import Link from 'next/link';
import { currentCart } from '@/app/cart-cookie';
import { formatMoney, formatVatRate } from '@/lib/money';
import { startNewCartAction } from './actions';
import { CartLineForm } from './cart-line-form';
import { CheckoutForm } from './checkout-form';

export const metadata: Metadata = { title: 'Cart' };

export default async function CartPage() {
  const state = await currentCart();
  if (state.kind === 'invalid') {
    return (
      <>
        <h1>Your cart</h1>
        <div className="notice" role="alert">
          <p>We could not find the cart your browser pointed to, so your cart is empty.</p>
          <form action={startNewCartAction}>
            <button type="submit" className="button-secondary">Start a new cart</button>
          </form>
        </div>
        <p><Link href="/">Browse the catalog</Link></p>
      </>
    );
  }
  if (state.kind === 'none' || state.cart.lines.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <p><Link href="/">Browse the catalog</Link></p>
      </>
    );
  }
  const { lines, totals } = state.cart;
  return (
    <>
      <h1>Your cart</h1>
      <ul className="cart-lines" aria-label="Cart lines">
        {lines.map((line) => (
          <li key={line.product.slug} className="cart-line" data-sku={line.product.sku}>
            {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs need no optimisation */}
            <img src={line.product.imagePath} alt="" width={72} height={72} />
            <div className="cart-line-main">
              <Link href={`/products/${line.product.slug}`} className="cart-line-name">{line.product.name}</Link>
              <span className="muted">{formatMoney(line.unitPriceOre)} each</span>
              <CartLineForm slug={line.product.slug} quantity={line.quantity} name={line.product.name} />
            </div>
            <span className="price line-total" aria-label={`Line total for ${line.product.name}`}>
              {formatMoney(line.lineTotalOre)}
            </span>
          </li>
        ))}
      </ul>
      <dl className="cart-summary">
        {totals.vat.map((group) => (
          <div key={group.rateBp}>
            <dt>VAT {formatVatRate(group.rateBp)}</dt>
            <dd>{formatMoney(group.vatOre)}</dd>
          </div>
        ))}
        <div className="cart-total">
          <dt>Total</dt>
          <dd data-testid="cart-total">{formatMoney(totals.totalOre)}</dd>
        </div>
      </dl>
      <CheckoutForm />
    </>
  );
}
