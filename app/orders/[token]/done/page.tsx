// The done page is SEQR's backURL: the app opens it after paying or cancelling. It never infers
// success from being opened; it reads the status from SEQR once (lib/payments) and shows the truth.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cartCookieValue } from '@/app/cart-cookie';
import { getLocale, getT } from '@/app/i18n';
import { readCart } from '@/lib/cart';
import { intlLocale } from '@/lib/i18n';
import { formatMoney } from '@/lib/money';
import { orderNumberLabel } from '@/lib/orders';
import { finalizeOnReturn, isPending, needsReview, paymentView, showsReceipt } from '@/lib/payments';
import { DeliveryAddress, ReceiptLines, ReceiptSeller } from '../../receipt-view';
import { PrintButton } from './print-button';
import { RefreshHeader } from './refresh-header';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())('done.title'), robots: { index: false } };
}

export default async function DonePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [order, t, locale] = await Promise.all([finalizeOnReturn(token), getT(), getLocale()]);
  if (!order) notFound();
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
  const paid = showsReceipt(order) ? order.attempts.find((a) => a.ersReference !== null) : undefined;

  if (needsReview(order) || order.status === 'ABANDONED') {
    // A payment under review is never shown as a receipt.
    const review = needsReview(order);
    return (
      <section className="done">
        <h1>{review ? t('done.reviewHeading') : t('done.abandonedHeading')}</h1>
        <p role="status">{review ? t('done.reviewText') : t('done.abandonedText')}</p>
        <p className="actions">
          <Link prefetch={false} href="/cart">{t('done.backToCart')}</Link>
        </p>
      </section>
    );
  }

  if (!paid) {
    const view = paymentView(order, locale);
    const pending = isPending(order.attempts[0]);
    return (
      <section className="done">
        <h1>{pending ? t('done.waitingHeading') : t('done.failedHeading')}</h1>
        <p role="status">{pending ? t('done.waitingText') : (view.attempt?.message ?? t('done.notCompleted'))}</p>
        <p>{pending ? t('done.nothingChargedYet') : t('done.nothingCharged')}</p>
        {view.cartEmptied && <p data-testid="cart-emptied">{t('done.cartEmpty')}</p>}
        <div className="actions">
          {pending && <Link prefetch={false} className="button-primary" href={`/pay/${token}`}>{t('done.backToPayment')}</Link>}
          {/* One tap: the POST issues the new invoice and lands on the pay page showing it. */}
          {!pending && view.canRetry && (
            <form method="post" action={`/api/orders/${encodeURIComponent(token)}/retry`} className="retry-inline">
              <button type="submit" className="button-primary">{t('pay.tryAgain')}</button>
            </form>
          )}
          {view.cartEmptied ? <Link prefetch={false} href="/">{t('pay.browse')}</Link> : <Link prefetch={false} href="/cart">{t('done.backToCart')}</Link>}
        </div>
        {pending && <meta httpEquiv="refresh" content="2" />}
      </section>
    );
  }

  // Read now, after finalizeOnReturn (not currentCart's per-request copy, which the header may have
  // read before the payment closed the cart).
  const cart = await readCart(await cartCookieValue(), locale);
  return (
    <section className="done receipt">
      <RefreshHeader cartCount={cart.kind === 'ok' ? cart.cart.totals.itemCount : 0} />
      <h1>{t('done.heading')}</h1>
      <dl className="receipt-facts">
        <div><dt>{t('done.seqrReference')}</dt><dd data-testid="seqr-reference">{paid.ersReference}</dd></div>
        <div><dt>{t('done.order')}</dt><dd>{orderNumberLabel(order.number)}</dd></div>
        <div><dt>{t('done.paid')}</dt><dd>{dateTime.format(paid.paidAt ?? order.paidAt ?? new Date())}</dd></div>
        {order.refundedOre > 0 && <div><dt>{t('done.refunded')}</dt><dd>{formatMoney(order.refundedOre)}</dd></div>}
      </dl>
      <ReceiptLines order={order} t={t} locale={locale} totalOre={order.paidOre || order.totalOre} />
      <p className="muted">{t('done.paymentMethod')}</p>
      <DeliveryAddress order={order} t={t} />
      <ReceiptSeller t={t} />
      <p className="no-print"><Link prefetch={false} href={`/orders/${token}`} data-testid="order-page-link">{t('order.bookmark')}</Link></p>
      <p className="actions no-print">
        <PrintButton label={t('done.print')} />
        <Link prefetch={false} href="/">{t('done.continue')}</Link>
      </p>
    </section>
  );
}
