'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { addToCartAction, type CartActionState } from '@/app/(shop)/cart/actions';

export function AddToCartForm({ slug }: { slug: string }) {
  const [state, formAction, pending] = useActionState<CartActionState, FormData>(addToCartAction, { status: 'idle' });
  return (
    <form action={formAction} className="add-to-cart" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <label>
        Quantity
        <input name="quantity" type="number" inputMode="numeric" min={1} max={99} defaultValue={1} required />
      </label>
      <button type="submit" className="button-primary" disabled={pending}>
        {pending ? 'Adding…' : 'Add to cart'}
      </button>
      <p role="status" className={state.status === 'error' ? 'form-error' : 'form-ok'}>
        {state.status === 'error' && state.message}
        {state.status === 'ok' && (
          <>
            {state.message} <Link href="/cart">View cart</Link>
          </>
        )}
      </p>
    </form>
  );
}
