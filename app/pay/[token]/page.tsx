import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { formatMoney } from '@/lib/money';
import { findOrderByToken, orderNumberLabel } from '@/lib/orders';
import { paymentView } from '@/lib/payments';
import { qrSvg } from '@/lib/qr';
import { PaymentWatcher, type WatcherLabels } from './payment-watcher';
import { RetryForm } from './retry-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())('pay.title'), robots: { index: false } };
}

const PHONE_USER_AGENT = /Android|iPhone|iPad|iPod|IEMobile|Mobile/i;

export default async function PayPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const order = await findOrderByToken(token);
  if (!order) notFound();
  const [t, locale] = await Promise.all([getT(), getLocale()]);
  const view = paymentView(order, locale);
  if (order.status !== 'AWAITING_PAYMENT' && order.status !== 'ABANDONED') redirect(view.doneUrl);

  const onPhone = PHONE_USER_AGENT.test((await headers()).get('user-agent') ?? '');
  const attempt = view.attempt;
  const payable = attempt?.status === 'ISSUED' && attempt.invoiceQRCode !== null;
  const qr = payable ? await qrSvg(attempt.invoiceQRCode!) : null;
  const qrImage = qr && (
    <div className="qr" role="img" aria-label={t('pay.qrLabel')} dangerouslySetInnerHTML={{ __html: qr.replace('<svg', '<svg aria-hidden="true" focusable="false"') }} />
  );
  const labels: WatcherLabels = {
    paid: t('pay.status.paid'),
    preparing: t('pay.status.preparing'),
    creating: t('pay.status.creating'),
    waiting: t('pay.status.waiting'),
    waitingLeft: t('pay.status.waitingLeft'),
  };

  return (
    <section className={`pay ${onPhone ? 'ua-phone' : 'ua-desktop'}`}>
      <h1>{t('pay.title')}</h1>
      <p className="pay-amount">
        <span className="muted">{t('pay.order', { number: orderNumberLabel(order.number) })}</span>
        <span className="price price-large" data-testid="pay-amount">{formatMoney(order.totalOre)}</span>
      </p>

      {payable && (
        <>
          <div className="pay-phone">
            <a className="button-primary button-block" href={attempt.appLink!}>{t('pay.openApp')}</a>
            <p className="muted">{t('pay.appHint')}</p>
            {attempt.walletSimulatorUrl && (
              <p><a href={attempt.walletSimulatorUrl}>{t('pay.walletInstead')}</a> {t('pay.walletNote')}</p>
            )}
            <details className="qr-disclosure">
              <summary>{t('pay.showQr')}</summary>
              {qrImage}
            </details>
          </div>
          <div className="pay-desktop">
            {qrImage}
            <p>{t('pay.scan', { amount: formatMoney(order.totalOre) })}</p>
            {attempt.walletSimulatorUrl && (
              <p className="muted"><a href={attempt.walletSimulatorUrl}>{t('pay.walletDesktop')}</a> {t('pay.walletDesktopNote')}</p>
            )}
          </div>
        </>
      )}

      <PaymentWatcher token={token} initial={view} labels={labels} />
      {view.canRetry && <RetryForm token={token} labels={{ retry: t('pay.tryAgain'), retrying: t('pay.retrying') }} />}
    </section>
  );
}
