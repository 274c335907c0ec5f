import Link from 'next/link';
import { currentCart } from '@/app/cart-cookie';
import { getT } from '@/app/i18n';

export async function CartLink() {
  const [state, t] = await Promise.all([currentCart(), getT()]);
  const count = state.kind === 'ok' ? state.cart.totals.itemCount : 0;
  return (
    <Link href="/cart" className="cart-link" aria-label={count === 1 ? t('cart.link.one') : t('cart.link', { count })}>
      {t('cart.link.short')} <span className="cart-count">{count}</span>
    </Link>
  );
}
