import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { formatMoney } from '@/lib/money';
import { findOrderByToken, orderNumberLabel } from '@/lib/orders';
import { paymentView } from '@/lib/payments';
import { qrSvg } from '@/lib/qr';
import { PaymentWatcher } from './payment-watcher';
import { RetryForm } from './retry-form';

export const metadata: Metadata = { title: 'Pay with SEQR', robots: { index: false } };

const PHONE_USER_AGENT = /Android|iPhone|iPad|iPod|IEMobile|Mobile/i;

export default async function PayPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const order = await findOrderByToken(token);
  if (!order) notFound();
  const view = paymentView(order);
  if (order.status !== 'AWAITING_PAYMENT' && order.status !== 'ABANDONED') redirect(view.doneUrl);

  const onPhone = PHONE_USER_AGENT.test((await headers()).get('user-agent') ?? '');
  const attempt = view.attempt;
  const payable = attempt?.status === 'ISSUED' && attempt.invoiceQRCode !== null;
  const qr = payable ? await qrSvg(attempt.invoiceQRCode!) : null;
  const qrImage = qr && (
    <div className="qr" role="img" aria-label="SEQR QR code" dangerouslySetInnerHTML={{ __html: qr.replace('<svg', '<svg aria-hidden="true" focusable="false"') }} />
  );

  return (
    <section className={`pay ${onPhone ? 'ua-phone' : 'ua-desktop'}`}>
      <h1>Pay with SEQR</h1>
      <p className="pay-amount">
        <span className="muted">Order {orderNumberLabel(order.number)}</span>
        <span className="price price-large" data-testid="pay-amount">{formatMoney(order.totalOre)}</span>
      </p>

      {payable && (
        <>
          <div className="pay-phone">
            <a className="button-primary button-block" href={attempt.appLink!}>Open SEQR app</a>
            <p className="muted">Approve the payment in the app; it brings you back here.</p>
            {attempt.walletSimulatorUrl && (
              <p><a href={attempt.walletSimulatorUrl}>Open the SEQR sandbox wallet instead</a> (no real app in this demo)</p>
            )}
            <details className="qr-disclosure">
              <summary>Show QR code</summary>
              {qrImage}
            </details>
          </div>
          <div className="pay-desktop">
            {qrImage}
            <p>Scan with the SEQR app on your phone and approve the payment of {formatMoney(order.totalOre)}.</p>
            {attempt.walletSimulatorUrl && (
              <p className="muted"><a href={attempt.walletSimulatorUrl}>Open the SEQR sandbox wallet</a> to play the customer&apos;s phone.</p>
            )}
          </div>
        </>
      )}

      <PaymentWatcher token={token} initial={view} />
      {view.canRetry && <RetryForm token={token} />}
    </section>
  );
}
