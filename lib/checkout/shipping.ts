// The shipping options a shopper chooses from at checkout: one place for their prices (öre, VAT
// included) and VAT rate. The chosen one is a priced line of the order and a row of the SEQR invoice.
import type { ShippingMethod } from '../generated/prisma/enums';

export type { ShippingMethod };

export type ShippingOption = {
  method: ShippingMethod;
  /** Price including VAT, in öre. */
  priceOre: number;
  /** VAT rate in basis points: 2500 = 25 %. */
  taxRateBp: number;
  /** The row's article code on the SEQR invoice. */
  sku: string;
  /** The row's description on the SEQR invoice and the receipt sent to SEQR (the shop's language there). */
  invoiceText: string;
};

export const SHIPPING_OPTIONS: readonly ShippingOption[] = [
  { method: 'PICKUP_POINT', priceOre: 4900, taxRateBp: 2500, sku: 'SHIP-PICKUP', invoiceText: 'Shipping: pickup point' },
  { method: 'HOME_DELIVERY', priceOre: 9900, taxRateBp: 2500, sku: 'SHIP-HOME', invoiceText: 'Shipping: home delivery' },
];

export const SHIPPING_METHODS = SHIPPING_OPTIONS.map((o) => o.method) as [ShippingMethod, ...ShippingMethod[]];

export function shippingOption(method: ShippingMethod): ShippingOption {
  const option = SHIPPING_OPTIONS.find((o) => o.method === method);
  if (!option) throw new Error(`Unknown shipping method ${method}.`);
  return option;
}

/** The shipping part of an order: what was chosen, at the price and VAT rate of that moment. */
export type ShippingLine = { method: ShippingMethod; priceOre: number; taxRateBp: number };

export function shippingLineOf(method: ShippingMethod): ShippingLine {
  const { priceOre, taxRateBp } = shippingOption(method);
  return { method, priceOre, taxRateBp };
}

/** Message key of a method's name as the shopper reads it. */
export const shippingNameKey = (method: ShippingMethod) => (method === 'PICKUP_POINT' ? 'shipping.pickup' : 'shipping.home') as 'shipping.pickup' | 'shipping.home';
