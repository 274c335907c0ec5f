// The shopper's order page: where the order stands (payment, shipping with tracking, refunds), its
// lines, delivery address and receipt. Reached only through the order's unguessable token; it reads
// the database and never asks SEQR (the done page and the sweeper do that).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { shopperOrderStatus, shopperStatusKey } from '@/lib/fulfilment';
import { intlLocale } from '@/lib/i18n';
import { formatMoney } from '@/lib/money';
import { findOrderByToken, orderNumberLabel } from '@/lib/orders';
import { showsReceipt } from '@/lib/payments';
import { DeliveryAddress, ReceiptLines, ReceiptSeller } from '../receipt-view';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())('order.title'), robots: { index: false } };
}

export default async function OrderPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [order, t, locale] = await Promise.all([findOrderByToken(token), getT(), getLocale()]);
  if (!order) notFound();
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' });
  const status = shopperOrderStatus({ status: order.status, fulfilmentStatus: order.fulfilment.status });
  const paid = showsReceipt(order) ? order.attempts.find((a) => a.ersReference !== null) : undefined;
  const { fulfilment } = order;

  return (
    <section className="done receipt order-page">
      <h1>{t('order.heading', { number: orderNumberLabel(order.number) })}</h1>
      <dl className="receipt-facts">
        <div><dt>{t('order.status')}</dt><dd data-testid="order-status">{t(shopperStatusKey(status))}</dd></div>
        <div><dt>{t('order.placed')}</dt><dd>{dateTime.format(order.createdAt)}</dd></div>
        {paid && <div><dt>{t('done.seqrReference')}</dt><dd data-testid="seqr-reference">{paid.ersReference}</dd></div>}
        {paid && <div><dt>{t('done.paid')}</dt><dd>{dateTime.format(paid.paidAt ?? order.paidAt ?? order.createdAt)}</dd></div>}
        {order.refundedOre > 0 && <div><dt>{t('done.refunded')}</dt><dd>{formatMoney(order.refundedOre)}</dd></div>}
      </dl>
      {fulfilment.status === 'SHIPPED' && fulfilment.shippedAt && (
        <p className="notice" data-testid="shipment">
          {t('order.shippedWith', { date: dateTime.format(fulfilment.shippedAt), carrier: fulfilment.carrier ?? '', tracking: fulfilment.trackingNumber ?? '' })}
        </p>
      )}
      {status === 'awaiting' && (
        <p className="actions"><Link prefetch={false} className="button-primary" href={`/pay/${order.publicToken}`}>{t('order.payNow')}</Link></p>
      )}
      <h2>{paid ? t('order.receipt') : t('order.lines')}</h2>
      <ReceiptLines order={order} t={t} locale={locale} totalOre={order.paidOre || order.totalOre} />
      {paid && <p className="muted">{t('done.paymentMethod')}</p>}
      <DeliveryAddress order={order} t={t} />
      <ReceiptSeller t={t} />
    </section>
  );
}
