'use client';

import { useActionState } from 'react';
import { checkoutAction, type CartActionState } from './actions';

/** `blocked`: why checkout is refused now (a line stock cannot cover); the server refuses it too. */
export function CheckoutForm({ labels, blocked }: { labels: { email: string; pay: string; paying: string }; blocked?: string }) {
  const [state, action, pending] = useActionState<CartActionState, FormData>(checkoutAction, { status: 'idle' });
  return (
    <form action={action} className="checkout">
      <label className="muted" htmlFor="checkout-email">{labels.email}</label>
      <input id="checkout-email" name="email" type="email" autoComplete="email" className="text-input" />
      <button type="submit" className="button-primary" disabled={pending || blocked !== undefined}>{pending ? labels.paying : labels.pay}</button>
      {state.status === 'error' ? <p role="alert" className="form-error">{state.message}</p> : blocked && <p className="form-error stock-out">{blocked}</p>}
    </form>
  );
}
