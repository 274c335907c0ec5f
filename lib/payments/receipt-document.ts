// The HTML receipt sent to SEQR with submitPaymentReceipt (base64-encoded by lib/seqr): the seller,
// the payment method, the lines with the shipping, VAT, total and the delivery address.
import { shippingOption } from '../checkout/shipping';
import { formatMoney, formatVatRate } from '../money';
import { orderNumberLabel, type OrderView } from '../orders';
import type { SellerDetails } from '../shop/seller';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type ReceiptOrder = Pick<OrderView, 'number' | 'lines' | 'shipping' | 'vat' | 'totalOre' | 'delivery'>;

export function receiptHtml(order: ReceiptOrder, payment: { ersReference: string; paidAt: Date }, seller: SellerDetails): string {
  const rows = order.lines
    .map((l) => `<tr><td>${escape(l.name)}</td><td>${l.quantity}</td><td>${escape(formatMoney(l.lineTotalOre))}</td></tr>`)
    .join('');
  const shipping = order.shipping
    ? `<tr><td>${escape(shippingOption(order.shipping.method).invoiceText)}</td><td>1</td><td>${escape(formatMoney(order.shipping.priceOre))}</td></tr>`
    : '';
  const vat = order.vat.map((g) => `<tr><td colspan="2">VAT ${escape(formatVatRate(g.rateBp))}</td><td>${escape(formatMoney(g.vatOre))}</td></tr>`).join('');
  const delivery = order.delivery
    ? `<p>Deliver to: ${escape(order.delivery.name)}, ${escape(order.delivery.street)}, ${escape(order.delivery.postcode)} ${escape(order.delivery.city)}</p>`
    : '';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt</title></head><body>',
    `<h1>${escape(seller.name)}</h1>`,
    `<p>${escape(seller.address)} · Org.nr ${escape(seller.orgNr)} · VAT nr ${escape(seller.vatNr)} · ${escape(seller.email)} · ${escape(seller.phone)}</p>`,
    `<p>Receipt for order ${orderNumberLabel(order.number)}</p>`,
    `<p>Paid ${escape(payment.paidAt.toISOString())}. Payment method: SEQR. SEQR reference ${escape(payment.ersReference)}</p>`,
    `<table><thead><tr><th>Item</th><th>Qty</th><th>Amount</th></tr></thead><tbody>${rows}${shipping}</tbody>`,
    `<tfoot>${vat}<tr><th colspan="2">Total</th><th>${escape(formatMoney(order.totalOre))}</th></tr></tfoot></table>`,
    delivery,
    '</body></html>',
  ].join('');
}
