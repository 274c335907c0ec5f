'use client';

import { useActionState } from 'react';
import { checkoutAction, type CartActionState } from './actions';

export function CheckoutForm() {
  const [state, action, pending] = useActionState<CartActionState, FormData>(checkoutAction, { status: 'idle' });
  return (
    <form action={action} className="checkout">
      <label className="muted" htmlFor="checkout-email">E-mail for your receipt (optional)</label>
      <input id="checkout-email" name="email" type="email" autoComplete="email" className="text-input" />
      <button type="submit" className="button-primary" disabled={pending}>{pending ? 'Contacting SEQR…' : 'Pay with SEQR'}</button>
      {state.status === 'error' && <p role="alert" className="form-error">{state.message}</p>}
    </form>
  );
}
