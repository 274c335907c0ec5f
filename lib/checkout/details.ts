// The checkout form's details, validated on the server: who gets the parcel, where, and how it is
// shipped. Each problem is a message key for the field it belongs to, so the form shows it beside
// that field in the shopper's language.
import { z } from 'zod';
import type { MessageKey } from '../i18n';
import { SHIPPING_METHODS, type ShippingMethod } from './shipping';

export const CHECKOUT_FIELDS = ['name', 'email', 'phone', 'street', 'postcode', 'city', 'shipping'] as const;
export type CheckoutField = (typeof CHECKOUT_FIELDS)[number];

export type CheckoutDetails = {
  name: string;
  email: string;
  /** Digits with a leading + for an international number: "+46701234567" or "0701234567". */
  phone: string;
  street: string;
  /** Always "NNN NN". */
  postcode: string;
  city: string;
  shipping: ShippingMethod;
};

const text = (min: number, max: number, key: MessageKey) =>
  z
    .string({ error: key })
    .transform((value) => value.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(min, { error: key }).max(max, { error: key }));

/** Swedish postcode: five digits, optionally "123 45". Normalised to "123 45". */
export const PostcodeSchema = z
  .string({ error: 'checkout.error.postcode' })
  .trim()
  .regex(/^\d{3} ?\d{2}$/, { error: 'checkout.error.postcode' })
  .transform((value) => `${value.replace(' ', '').slice(0, 3)} ${value.replace(' ', '').slice(3)}`);

/**
 * A phone number: Swedish national (07x…, 08…) or international (+46…, 0046…); spaces, hyphens and
 * brackets allowed. Normalised to digits, with "+" for an international number.
 */
export const PhoneSchema = z
  .string({ error: 'checkout.error.phone' })
  .trim()
  .regex(/^[+\d(][\d\s()-]*$/, { error: 'checkout.error.phone' })
  .transform((value) => value.replace(/[\s()-]/g, '').replace(/^00/, '+'))
  .pipe(z.string().regex(/^(?:\+[1-9]\d{6,14}|0\d{6,11})$/, { error: 'checkout.error.phone' }));

export const EmailSchema = z
  .string({ error: 'checkout.error.email' })
  .trim()
  .max(254, { error: 'checkout.error.email' })
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'checkout.error.email' });

export const CheckoutDetailsSchema = z.object({
  name: text(2, 100, 'checkout.error.name'),
  email: EmailSchema,
  phone: PhoneSchema,
  street: text(3, 100, 'checkout.error.street'),
  postcode: PostcodeSchema,
  city: text(2, 60, 'checkout.error.city'),
  shipping: z.enum(SHIPPING_METHODS, { error: 'checkout.error.shipping' }),
});

export type CheckoutParse =
  | { ok: true; details: CheckoutDetails }
  | { ok: false; errors: Partial<Record<CheckoutField, MessageKey>> };

/** Parse the form's fields (strings, or anything a forged call sends). */
export function parseCheckoutDetails(input: Partial<Record<CheckoutField, unknown>>): CheckoutParse {
  const values = Object.fromEntries(CHECKOUT_FIELDS.map((field) => [field, typeof input[field] === 'string' ? input[field] : '']));
  const parsed = CheckoutDetailsSchema.safeParse(values);
  if (parsed.success) return { ok: true, details: parsed.data };
  const errors: Partial<Record<CheckoutField, MessageKey>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CheckoutField;
    errors[field] ??= issue.message as MessageKey;
  }
  return { ok: false, errors };
}
