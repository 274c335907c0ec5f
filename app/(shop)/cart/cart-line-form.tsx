'use client';

import { useActionState } from 'react';
import { MAX_LINE_QUANTITY } from '@/lib/cart/totals';
import { removeLineAction, updateQuantityAction, type CartActionState } from './actions';

type Labels = { quantity: string; update: string; remove: string; removeName: string; decrease: string; increase: string };

// − and + are forms of their own (no JavaScript needed), each sending the quantity it stands for: a
// double tap sets the same quantity twice rather than stepping twice, and Enter in the quantity field
// submits "Update", never a stepper. The forms are `display: contents`, so the row lays out as
// − [n] + Update.
export function CartLineForm({ slug, quantity, labels }: { slug: string; quantity: number; labels: Labels }) {
  const [updateState, update, updating] = useActionState<CartActionState, FormData>(updateQuantityAction, { status: 'idle' });
  const [removeState, remove, removing] = useActionState<CartActionState, FormData>(removeLineAction, { status: 'idle' });
  const error = [updateState, removeState].find((s) => s.status === 'error');
  const step = (to: number, label: string, text: string, order: string) => (
    <form action={update} className={`stepper-form ${order}`}>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="quantity" value={to} />
      <button type="submit" className="stepper-button" disabled={updating || to > MAX_LINE_QUANTITY} aria-label={label}>{text}</button>
    </form>
  );
  return (
    <div className="cart-line-controls">
      <div className="stepper">
        {step(quantity - 1, labels.decrease, '−', 'step-down')}
        <form action={update} noValidate className="stepper-form step-input">
          <input type="hidden" name="slug" value={slug} />
          <label>
            <span className="visually-hidden">{labels.quantity}</span>
            <input name="quantity" type="number" inputMode="numeric" min={0} max={MAX_LINE_QUANTITY} defaultValue={quantity} key={quantity} />
          </label>
          <button type="submit" className="button-secondary step-update" disabled={updating}>{labels.update}</button>
        </form>
        {step(quantity + 1, labels.increase, '+', 'step-up')}
      </div>
      <form action={remove} className="inline-form">
        <input type="hidden" name="slug" value={slug} />
        <button type="submit" className="button-link" disabled={removing} aria-label={labels.removeName}>{labels.remove}</button>
      </form>
      {error?.status === 'error' && <p role="alert" className="form-error">{error.message}</p>}
    </div>
  );
}
