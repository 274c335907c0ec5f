'use client';

import { useActionState } from 'react';
import { removeLineAction, updateQuantityAction, type CartActionState } from './actions';

type Labels = { quantity: string; update: string; remove: string; removeName: string };

export function CartLineForm({ slug, quantity, labels }: { slug: string; quantity: number; labels: Labels }) {
  const [updateState, update, updating] = useActionState<CartActionState, FormData>(updateQuantityAction, { status: 'idle' });
  const [removeState, remove, removing] = useActionState<CartActionState, FormData>(removeLineAction, { status: 'idle' });
  const error = [updateState, removeState].find((s) => s.status === 'error');
  return (
    <div className="cart-line-controls">
      <form action={update} noValidate className="inline-form">
        <input type="hidden" name="slug" value={slug} />
        <label>
          <span className="visually-hidden">{labels.quantity}</span>
          <input name="quantity" type="number" inputMode="numeric" min={1} max={99} defaultValue={quantity} key={quantity} />
        </label>
        <button type="submit" className="button-secondary" disabled={updating}>{labels.update}</button>
      </form>
      <form action={remove} className="inline-form">
        <input type="hidden" name="slug" value={slug} />
        <button type="submit" className="button-link" disabled={removing} aria-label={labels.removeName}>{labels.remove}</button>
      </form>
      {error?.status === 'error' && <p role="alert" className="form-error">{error.message}</p>}
    </div>
  );
}
