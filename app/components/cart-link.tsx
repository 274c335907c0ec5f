import Link from 'next/link';
import { currentCart } from '@/app/cart-cookie';

export async function CartLink() {
  const state = await currentCart();
  const count = state.kind === 'ok' ? state.cart.totals.itemCount : 0;
  return (
    <Link href="/cart" className="cart-link" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
      Cart <span className="cart-count">{count}</span>
    </Link>
  );
}
