import { currentCart } from '@/app/cart-cookie';
import { getT } from '@/app/i18n';
import { CartLinkView } from './site-chrome';

export async function CartLink() {
  const [state, t] = await Promise.all([currentCart(), getT()]);
  return <CartLinkView count={state.kind === 'ok' ? state.cart.totals.itemCount : 0} t={t} />;
}
