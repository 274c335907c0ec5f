// The HTML receipt sent to SEQR with submitPaymentReceipt (base64-encoded by lib/seqr).
import { formatMoney, formatVatRate } from '../money';
import { orderNumberLabel, type OrderView } from '../orders';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function receiptHtml(order: OrderView, payment: { ersReference: string; paidAt: Date }): string {
  const rows = order.lines
    .map((l) => `<tr><td>${escape(l.name)}</td><td>${l.quantity}</td><td>${escape(formatMoney(l.lineTotalOre))}</td></tr>`)
    .join('');
  const vat = order.vat.map((g) => `<tr><td colspan="2">VAT ${escape(formatVatRate(g.rateBp))}</td><td>${escape(formatMoney(g.vatOre))}</td></tr>`).join('');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt</title></head><body>',
    `<h1>Nordvik</h1><p>Receipt for order ${orderNumberLabel(order.number)}</p>`,
    `<p>Paid ${escape(payment.paidAt.toISOString())} with SEQR. SEQR reference ${escape(payment.ersReference)}</p>`,
    `<table><thead><tr><th>Item</th><th>Qty</th><th>Amount</th></tr></thead><tbody>${rows}</tbody>`,
    `<tfoot>${vat}<tr><th colspan="2">Total</th><th>${escape(formatMoney(order.totalOre))}</th></tr></tfoot></table>`,
    '</body></html>',
  ].join('');
}
