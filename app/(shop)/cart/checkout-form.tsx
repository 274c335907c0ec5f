'use client';

import Link from 'next/link';
import { useActionState, useEffect, useRef } from 'react';
import { checkoutAction, type CheckoutActionState } from './actions';

type Field = 'name' | 'email' | 'phone' | 'street' | 'postcode' | 'city';

export type CheckoutFormLabels = Record<Field, string> & {
  heading: string;
  postcodeHint: string;
  shipping: string;
  pay: string;
  paying: string;
  agree: string;
  terms: string;
  withdrawal: string;
};

const FIELDS: { name: Field; type: string; autoComplete: string; inputMode?: 'numeric' | 'tel' | 'email' }[] = [
  { name: 'name', type: 'text', autoComplete: 'name' },
  { name: 'email', type: 'email', autoComplete: 'email', inputMode: 'email' },
  { name: 'phone', type: 'tel', autoComplete: 'tel', inputMode: 'tel' },
  { name: 'street', type: 'text', autoComplete: 'street-address' },
  { name: 'postcode', type: 'text', autoComplete: 'postal-code', inputMode: 'numeric' },
  { name: 'city', type: 'text', autoComplete: 'address-level2' },
];

/** `blocked`: why checkout is refused now (a line stock cannot cover); the server refuses it too. */
export function CheckoutForm({ labels, shippingOptions, blocked }: { labels: CheckoutFormLabels; shippingOptions: { method: string; label: string }[]; blocked?: string }) {
  const [state, action, pending] = useActionState<CheckoutActionState, FormData>(checkoutAction, { status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state.status === 'error' ? state.fieldErrors : {};
  const values = state.status === 'error' ? state.values : {};
  // After a refused submit, move to the first field to fix (its error is read with it).
  useEffect(() => {
    if (state.status === 'error') formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  const describedBy = (field: string, hint?: string) => [hint, errors[field as Field] ? `checkout-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <form action={action} className="checkout" ref={formRef} noValidate>
      <h2>{labels.heading}</h2>
      {state.status === 'error' && <p role="alert" className="form-error">{state.message}</p>}
      {FIELDS.map((field) => (
        <div key={field.name} className="field">
          <label htmlFor={`checkout-${field.name}`}>{labels[field.name]}</label>
          {field.name === 'postcode' && <span id="checkout-postcode-hint" className="muted field-hint">{labels.postcodeHint}</span>}
          <input
            id={`checkout-${field.name}`}
            name={field.name}
            type={field.type}
            autoComplete={field.autoComplete}
            inputMode={field.inputMode}
            required
            className="text-input"
            defaultValue={values[field.name] ?? ''}
            aria-invalid={errors[field.name] ? true : undefined}
            aria-describedby={describedBy(field.name, field.name === 'postcode' ? 'checkout-postcode-hint' : undefined)}
          />
          {errors[field.name] && <p id={`checkout-${field.name}-error`} className="field-error">{errors[field.name]}</p>}
        </div>
      ))}
      <fieldset className="field shipping-options" aria-describedby={errors.shipping ? 'checkout-shipping-error' : undefined} aria-invalid={errors.shipping ? true : undefined}>
        <legend>{labels.shipping}</legend>
        {shippingOptions.map((option) => (
          <label key={option.method} className="radio">
            <input type="radio" name="shipping" value={option.method} defaultChecked={(values.shipping ?? shippingOptions[0]?.method) === option.method} />
            <span>{option.label}</span>
          </label>
        ))}
        {errors.shipping && <p id="checkout-shipping-error" className="field-error">{errors.shipping}</p>}
      </fieldset>
      <p className="muted checkout-terms">
        {labels.agree} <Link prefetch={false} href="/terms">{labels.terms}</Link> · <Link prefetch={false} href="/withdrawal">{labels.withdrawal}</Link>
      </p>
      {blocked && state.status !== 'error' && <p className="form-error stock-out">{blocked}</p>}
      <button type="submit" className="button-primary" disabled={pending || blocked !== undefined}>{pending ? labels.paying : labels.pay}</button>
    </form>
  );
}
