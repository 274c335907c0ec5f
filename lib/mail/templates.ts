// The shop's e-mails as HTML and plain text, in Swedish or English: the receipt (once per paid
// payment), the refund, and "shipped". Pure functions of the data given: the outbox renders them
// once and stores the result, so a resend sends the same bytes. Everything from the order (names,
// references) is escaped in the HTML.
import type { VatGroup } from '../cart/totals';
import { intlLocale, translator, type Locale } from '../i18n';
import { formatMoney, formatVatRate } from '../money';
import { orderNumberLabel } from '../orders';
import type { DeliveryDetails } from '../orders';
import { mailSeller, mailSellerName } from './seller';

export type RenderedMail = { subject: string; html: string; text: string };

type Common = {
  locale: Locale;
  orderNumber: number;
  /** The order's public page (PUBLIC_BASE_URL/orders/<token>/done). */
  orderUrl: string;
  /** Times are shown in this zone (the shop's, Europe/Stockholm by default). */
  timeZone: string;
};

export type ReceiptMailData = Common & {
  lines: { name: string; quantity: number; lineTotalOre: number }[];
  vat: VatGroup[];
  totalOre: number;
  paidAt: Date;
  ersReference: string;
  /** Where the order goes (checkout details); absent for orders made without them. */
  delivery?: DeliveryDetails | null;
};

export type RefundMailData = Common & {
  amountOre: number;
  /** Paid less every refund up to and including this one. */
  remainingOre: number;
  refundedAt: Date;
  ersReference: string | null;
};

export type ShippedMailData = Common & { carrier: string; trackingNumber: string; shippedAt: Date };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function formatTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at);
}

/** The frame every mail shares: heading, intro, body, link to the order, footer. */
function layout(locale: Locale, parts: { title: string; heading: string; intro: string; bodyHtml: string; bodyText: string; orderUrl: string }): { html: string; text: string } {
  const t = translator(locale);
  const seller = mailSellerName();
  const sellerLine = t('mail.sellerLine', { ...mailSeller() });
  const e = escapeHtml;
  const html = [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(parts.title)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f6f4f0;color:#1f1f1f;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">',
    '<div style="max-width:36rem;margin:0 auto;padding:1.5rem 1rem;background:#ffffff">',
    `<p style="margin:0 0 1rem;font-size:1.25rem;font-weight:700">${e(seller)}</p>`,
    `<h1 style="font-size:1.4rem;margin:0 0 .5rem">${e(parts.heading)}</h1>`,
    `<p>${e(parts.intro)}</p>`,
    parts.bodyHtml,
    `<p style="margin:1.5rem 0"><a href="${e(parts.orderUrl)}" style="color:#0b4f8a">${e(t('mail.viewOrder'))}</a></p>`,
    `<p style="font-size:.85rem;color:#555">${e(t('mail.footer', { seller }))}</p>`,
    `<p style="font-size:.85rem;color:#555">${e(sellerLine)}</p>`,
    '</div></body></html>',
  ].join('');
  const text = [seller, '', parts.heading, '', parts.intro, '', parts.bodyText, '', `${t('mail.viewOrder')}: ${parts.orderUrl}`, '', t('mail.footer', { seller }), sellerLine, ''].join('\n');
  return { html, text };
}

const cell = 'padding:.35rem .25rem;border-bottom:1px solid #ddd;text-align:left';
const num = 'padding:.35rem .25rem;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap';

function facts(rows: [string, string][]): { html: string; text: string } {
  return {
    html: `<table role="presentation" style="border-collapse:collapse;width:100%;margin:1rem 0">${rows.map(([k, v]) => `<tr><th style="${cell};font-weight:600">${escapeHtml(k)}</th><td style="${num}">${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    text: rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
  };
}

export function receiptMail(data: ReceiptMailData): RenderedMail {
  const t = translator(data.locale);
  const intl = intlLocale(data.locale);
  const money = (ore: number) => formatMoney(ore, intl);
  const number = orderNumberLabel(data.orderNumber);
  const e = escapeHtml;
  const lineRows = data.lines
    .map((l) => `<tr><td style="${cell}">${e(l.name)}</td><td style="${num}">${l.quantity}</td><td style="${num}">${e(money(l.lineTotalOre))}</td></tr>`)
    .join('');
  const vatRows = data.vat
    .map((g) => `<tr><td colspan="2" style="${cell}">${e(t('mail.vatOf', { rate: formatVatRate(g.rateBp, intl) }))}</td><td style="${num}">${e(money(g.vatOre))}</td></tr>`)
    .join('');
  const about = facts([
    [t('mail.order'), number],
    [t('mail.paidAt'), formatTime(data.paidAt, data.locale, data.timeZone)],
    [t('mail.seqrReference'), data.ersReference],
    ...(data.delivery ? [[t('mail.deliverTo'), `${data.delivery.name}, ${data.delivery.street}, ${data.delivery.postcode} ${data.delivery.city}`] as [string, string]] : []),
  ]);
  const bodyHtml =
    `<table style="border-collapse:collapse;width:100%;margin:1rem 0"><thead><tr><th style="${cell}">${e(t('mail.item'))}</th><th style="${num}">${e(t('mail.quantity'))}</th><th style="${num}">${e(t('mail.amount'))}</th></tr></thead>` +
    `<tbody>${lineRows}</tbody><tfoot><tr><th colspan="2" style="${cell}">${e(t('mail.total'))}</th><th style="${num}">${e(money(data.totalOre))}</th></tr>${vatRows}</tfoot></table>` +
    `<p>${e(t('mail.paidWith'))}</p>` +
    about.html;
  const bodyText = [
    ...data.lines.map((l) => `${l.quantity} × ${l.name}   ${money(l.lineTotalOre)}`),
    '',
    `${t('mail.total')}: ${money(data.totalOre)}`,
    ...data.vat.map((g) => `${t('mail.vatOf', { rate: formatVatRate(g.rateBp, intl) })}: ${money(g.vatOre)}`),
    '',
    t('mail.paidWith'),
    about.text,
  ].join('\n');
  const subject = t('mail.receipt.subject', { seller: mailSellerName(), number });
  return {
    subject,
    ...layout(data.locale, { title: subject, heading: t('mail.receipt.heading'), intro: t('mail.receipt.intro', { number }), bodyHtml, bodyText, orderUrl: data.orderUrl }),
  };
}

export function refundMail(data: RefundMailData): RenderedMail {
  const t = translator(data.locale);
  const money = (ore: number) => formatMoney(ore, intlLocale(data.locale));
  const number = orderNumberLabel(data.orderNumber);
  const rows: [string, string][] = [
    [t('mail.order'), number],
    [t('mail.refund.amount'), money(data.amountOre)],
    [t('mail.refund.remaining'), money(data.remainingOre)],
    [t('mail.refund.refundedAt'), formatTime(data.refundedAt, data.locale, data.timeZone)],
  ];
  if (data.ersReference) rows.push([t('mail.seqrReference'), data.ersReference]);
  const body = facts(rows);
  const subject = t('mail.refund.subject', { seller: mailSellerName(), number });
  return {
    subject,
    ...layout(data.locale, { title: subject, heading: t('mail.refund.heading'), intro: t('mail.refund.intro', { amount: money(data.amountOre), number }), bodyHtml: body.html, bodyText: body.text, orderUrl: data.orderUrl }),
  };
}

export function shippedMail(data: ShippedMailData): RenderedMail {
  const t = translator(data.locale);
  const number = orderNumberLabel(data.orderNumber);
  const body = facts([
    [t('mail.order'), number],
    [t('mail.shipped.carrier'), data.carrier],
    [t('mail.shipped.tracking'), data.trackingNumber],
    [t('mail.shipped.shippedAt'), formatTime(data.shippedAt, data.locale, data.timeZone)],
  ]);
  const subject = t('mail.shipped.subject', { seller: mailSellerName(), number });
  return {
    subject,
    ...layout(data.locale, { title: subject, heading: t('mail.shipped.heading'), intro: t('mail.shipped.intro', { number }), bodyHtml: body.html, bodyText: body.text, orderUrl: data.orderUrl }),
  };
}
