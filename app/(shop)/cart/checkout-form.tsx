'use client';

import { useActionState } from 'react';
import { checkoutAction, type CartActionState } from './actions';

export function CheckoutForm({ labels }: { labels: { email: string; pay: string; paying: string } }) {
  const [state, action, pending] = useActionState<CartActionState, FormData>(checkoutAction, { status: 'idle' });
  return (
    <form action={action} className="checkout">
      <label className="muted" htmlFor="checkout-email">{labels.email}</label>
      <input id="checkout-email" name="email" type="email" autoComplete="email" className="text-input" />
      <button type="submit" className="button-primary" disabled={pending}>{pending ? labels.paying : labels.pay}</button>
      {state.status === 'error' && <p role="alert" className="form-error">{state.message}</p>}
    </form>
  );
}
