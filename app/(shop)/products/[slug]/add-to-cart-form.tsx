'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { addToCartAction, type CartActionState } from '@/app/(shop)/cart/actions';

type Labels = { quantity: string; add: string; adding: string; viewCart: string; soldOut: string };

export function AddToCartForm({ slug, soldOut, labels }: { slug: string; soldOut: boolean; labels: Labels }) {
  const [state, formAction, pending] = useActionState<CartActionState, FormData>(addToCartAction, { status: 'idle' });
  return (
    <form action={formAction} className="add-to-cart" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <label>
        {labels.quantity}
        <input name="quantity" type="number" inputMode="numeric" min={1} max={99} defaultValue={1} required />
      </label>
      <button type="submit" className="button-primary" disabled={pending || soldOut}>
        {soldOut ? labels.soldOut : pending ? labels.adding : labels.add}
      </button>
      <p role="status" className={state.status === 'error' ? 'form-error' : 'form-ok'}>
        {state.status === 'error' && state.message}
        {state.status === 'ok' && (
          <>
            {state.message} <Link prefetch={false} href="/cart">{labels.viewCart}</Link>
          </>
        )}
      </p>
    </form>
  );
}
