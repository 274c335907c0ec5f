// The done page is SEQR's backURL: the app opens it after paying or cancelling. It never infers
// success from being opened; it reads the status from SEQR once (lib/payments) and shows the truth.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatMoney, formatVatRate } from '@/lib/money';
import { orderNumberLabel } from '@/lib/orders';
import { finalizeOnReturn, paymentView } from '@/lib/payments';
import { PrintButton } from './print-button';
import { RefreshHeader } from './refresh-header';

export const metadata: Metadata = { title: 'Your order', robots: { index: false } };

const dateTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });

export default async function DonePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const order = await finalizeOnReturn(token);
  if (!order) notFound();
  const paid = order.attempts.find((a) => a.status === 'PAID');

  if (!paid) {
    const view = paymentView(order);
    const pending = view.attempt?.status === 'ISSUED' || view.attempt?.status === 'CREATED';
    return (
      <section className="done">
        <h1>{pending ? 'Waiting for your payment' : 'Payment not completed'}</h1>
        <p role="status">
          {pending
            ? 'SEQR has not confirmed the payment yet. If you approved it in the app, this page will show the receipt in a moment.'
            : (view.attempt?.message ?? 'The payment was not completed.')}
        </p>
        <p>Nothing was charged{pending ? ' yet' : ''}. Your cart is still there.</p>
        <p className="actions">
          <Link className="button-primary" href={`/pay/${token}`}>{pending ? 'Back to the payment' : 'Try again'}</Link>
          <Link href="/cart">Back to the cart</Link>
        </p>
        {pending && <meta httpEquiv="refresh" content="2" />}
      </section>
    );
  }

  return (
    <section className="done receipt">
      <RefreshHeader />
      <h1>Thank you! Your payment is received</h1>
      <dl className="receipt-facts">
        <div><dt>SEQR reference</dt><dd data-testid="seqr-reference">{paid.ersReference}</dd></div>
        <div><dt>Order</dt><dd>{orderNumberLabel(order.number)}</dd></div>
        <div><dt>Paid</dt><dd>{dateTime.format(paid.paidAt ?? order.paidAt ?? new Date())}</dd></div>
        {order.refundedOre > 0 && <div><dt>Refunded</dt><dd>{formatMoney(order.refundedOre)}</dd></div>}
      </dl>
      <table className="receipt-lines">
        <thead><tr><th scope="col">Item</th><th scope="col">Qty</th><th scope="col">Amount</th></tr></thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.position}><td>{line.name}</td><td>{line.quantity}</td><td className="price">{formatMoney(line.lineTotalOre)}</td></tr>
          ))}
        </tbody>
        <tfoot>
          {order.vat.map((group) => (
            <tr key={group.rateBp} className="muted"><td colSpan={2}>of which VAT {formatVatRate(group.rateBp)}</td><td>{formatMoney(group.vatOre)}</td></tr>
          ))}
          <tr className="receipt-total"><th scope="row" colSpan={2}>Total</th><td data-testid="receipt-total">{formatMoney(order.paidOre || order.totalOre)}</td></tr>
        </tfoot>
      </table>
      <p className="actions no-print">
        <PrintButton />
        <Link href="/">Continue shopping</Link>
      </p>
    </section>
  );
}
