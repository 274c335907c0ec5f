// The app API's view of the shop's own objects: pure mappings to the contract's shapes (schemas.ts).
import type { CartView } from '../cart';
import type { Product } from '../catalog';
import type { CheckoutDetails } from '../checkout/details';
import { shippingLineOf, shippingNameKey } from '../checkout/shipping';
import { moneyLocale, translator, type Locale } from '../i18n';
import { formatMoney } from '../money';
import { orderNumberLabel, type OrderView } from '../orders';
import { paymentView } from '../payments/view';
import { expandReturnUrl } from '../payments/issue';
import type { SellerDetails } from '../shop/seller';
import type { CartDto, MoneyDto, PaymentStateDto, ProductDto, ReceiptDto } from './schemas';

export function money(ore: number, locale: Locale): MoneyDto {
  return { minor: ore, currency: 'SEK', formatted: formatMoney(ore, moneyLocale(locale)) };
}

export function productDto(product: Product, locale: Locale, baseUrl: string): ProductDto {
  return {
    slug: product.slug,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: money(product.priceOre, locale),
    vatRateBp: product.taxRateBp,
    imageUrl: new URL(product.imagePath, `${baseUrl}/`).href,
    available: Math.max(0, product.stockOnHand - product.stockReserved),
  };
}

export function cartDto(cart: CartView, details: CheckoutDetails | null, openPayment: { token: string } | null, locale: Locale): CartDto {
  const shipping = details ? shippingLineOf(details.shipping) : null;
  return {
    id: cart.id,
    items: cart.lines.map((line) => ({
      slug: line.product.slug,
      sku: line.product.sku,
      name: line.product.name,
      quantity: line.quantity,
      unitPrice: money(line.unitPriceOre, locale),
      lineTotal: money(line.lineTotalOre, locale),
      vatRateBp: line.product.taxRateBp,
      available: line.unreserved,
    })),
    itemCount: cart.totals.itemCount,
    itemsTotal: money(cart.totals.totalOre, locale),
    vat: cart.totals.vat.map((group) => ({ rateBp: group.rateBp, vat: money(group.vatOre, locale) })),
    checkoutDetails: details && shipping ? { ...details, shippingPrice: money(shipping.priceOre, locale) } : null,
    total: money(cart.totals.totalOre + (shipping?.priceOre ?? 0), locale),
    openPayment: openPayment ? { orderToken: openPayment.token } : null,
  };
}

/** The payment as the web pay page sees it (paymentView), with what an app also needs. */
export function paymentStateDto(order: OrderView, locale: Locale, final: boolean): PaymentStateDto {
  const view = paymentView(order, locale);
  const paid = order.attempts.find((attempt) => attempt.status === 'PAID' && attempt.ersReference !== null);
  return {
    orderToken: order.publicToken,
    orderNumber: orderNumberLabel(order.number),
    status: order.status,
    amount: money(order.totalOre, locale),
    attempt: view.attempt
      ? {
          number: view.attempt.number,
          status: view.attempt.status as NonNullable<PaymentStateDto['attempt']>['status'],
          invoiceReference: view.attempt.invoiceReference,
          invoiceQRCode: view.attempt.invoiceQRCode,
          appLink: view.attempt.appLink,
          walletSimulatorUrl: view.attempt.walletSimulatorUrl,
          expiresAt: view.attempt.expiresAt,
          message: view.attempt.message,
        }
      : null,
    canRetry: view.canRetry,
    cartEmptied: view.cartEmptied,
    returnUrl: order.returnUrl ? expandReturnUrl(order.returnUrl, order.publicToken) : null,
    ersReference: paid?.ersReference ?? null,
    paidAt: paid?.paidAt?.toISOString() ?? order.paidAt?.toISOString() ?? null,
    final,
  };
}

/** The receipt of a paid order (showsReceipt): what the web done page shows. */
export function receiptDto(order: OrderView, paid: { ersReference: string; paidAt: Date }, seller: SellerDetails, locale: Locale): ReceiptDto {
  const t = translator(locale);
  return {
    orderToken: order.publicToken,
    orderNumber: orderNumberLabel(order.number),
    ersReference: paid.ersReference,
    paidAt: paid.paidAt.toISOString(),
    lines: order.lines.map((line) => ({ name: line.name, sku: line.sku, quantity: line.quantity, unitPrice: money(line.unitPriceOre, locale), lineTotal: money(line.lineTotalOre, locale), vatRateBp: line.taxRateBp })),
    shipping: order.shipping ? { method: order.shipping.method, name: t(shippingNameKey(order.shipping.method)), price: money(order.shipping.priceOre, locale), vatRateBp: order.shipping.taxRateBp } : null,
    vat: order.vat.map((group) => ({ rateBp: group.rateBp, vat: money(group.vatOre, locale) })),
    total: money(order.paidOre || order.totalOre, locale),
    refunded: money(order.refundedOre, locale),
    delivery: order.delivery,
    seller: { name: seller.name, address: seller.address, orgNr: seller.orgNr, vatNr: seller.vatNr, email: seller.email, phone: seller.phone },
  };
}
