import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orderForAdmin } from '@/lib/admin/orders';
import { formatMoney, oreToDecimalString } from '@/lib/money';
import { orderNumberLabel } from '@/lib/orders';
import { describeResultCode } from '@/lib/seqr';
import { Flash } from '../../../flash';
import { requireAdminPage } from '../../../session';

const dateTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });

export default async function AdminOrderPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ id }, flash, session] = await Promise.all([params, searchParams, requireAdminPage()]);
  if ('closed' in session) return null;
  const order = await orderForAdmin(id);
  if (!order) notFound();
  const refundable = order.paidOre - order.refundedOre;
  const openAttempt = order.attempts.find((a) => a.id === order.openAttemptId && a.status === 'ISSUED');

  return (
    <>
      <p><Link href="/admin">← Orders</Link></p>
      <h1>Order {orderNumberLabel(order.number)}</h1>
      <Flash notice={flash.notice} error={flash.error} />
      <dl className="receipt-facts">
        <div><dt>Status</dt><dd data-testid="order-status">{order.status.replaceAll('_', ' ').toLowerCase()}</dd></div>
        <div><dt>Total</dt><dd>{formatMoney(order.totalOre)}</dd></div>
        <div><dt>Paid</dt><dd>{formatMoney(order.paidOre)}{order.paidAt ? ` · ${dateTime.format(order.paidAt)}` : ''}</dd></div>
        <div><dt>Refunded</dt><dd data-testid="order-refunded">{formatMoney(order.refundedOre)}</dd></div>
        <div><dt>E-mail</dt><dd>{order.email ?? '—'}</dd></div>
        <div><dt>Customer link</dt><dd><Link href={`/orders/${order.publicToken}/done`}>receipt page</Link></dd></div>
      </dl>

      <h2>Lines</h2>
      <table className="admin-table">
        <thead><tr><th scope="col">Item</th><th scope="col">SKU</th><th scope="col">Qty</th><th scope="col">Unit</th><th scope="col">Total</th></tr></thead>
        <tbody>{order.lines.map((l) => <tr key={l.id}><td>{l.name}</td><td>{l.sku}</td><td>{l.quantity}</td><td className="num">{formatMoney(l.unitPriceOre)}</td><td className="num">{formatMoney(l.lineTotalOre)}</td></tr>)}</tbody>
      </table>

      <h2>Payment</h2>
      <table className="admin-table">
        <thead><tr><th scope="col">Attempt</th><th scope="col">Status</th><th scope="col">Invoice</th><th scope="col">SEQR reference</th><th scope="col">Amount</th><th scope="col">Receipt</th></tr></thead>
        <tbody>
          {order.attempts.map((a) => (
            <tr key={a.id}>
              <td>{a.attemptNumber}</td>
              <td>{a.status.toLowerCase()}{a.resultCode ? ` (${a.resultCode} ${describeResultCode(a.resultCode).name})` : ''}</td>
              <td>{a.invoiceReference ?? '—'}</td>
              <td>{a.ersReference ?? '—'}</td>
              <td className="num">{formatMoney(a.amountOre)}</td>
              <td>{a.receiptSubmittedAt ? 'sent' : a.receiptClaimedAt ? 'sending / unknown' : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {openAttempt && (
        <form method="post" action={`/admin/api/orders/${order.id}/cancel`} className="inline-form">
          <input type="hidden" name="csrf" value={session.csrf} />
          <button type="submit" className="button-secondary">Cancel invoice {openAttempt.invoiceReference}</button>
        </form>
      )}

      {order.refunds.length > 0 && (
        <>
          <h2>Refunds</h2>
          <table className="admin-table" aria-label="Refunds">
            <thead><tr><th scope="col">When</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">SEQR reference</th><th scope="col">Note</th></tr></thead>
            <tbody>
              {order.refunds.map((r) => (
                <tr key={r.id}><td>{dateTime.format(r.createdAt)}</td><td className="num">{formatMoney(r.amountOre)}</td><td>{r.status.toLowerCase()}</td><td>{r.ersReference ?? '—'}</td><td>{r.message ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {(order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED') && refundable > 0 && (
        <form method="post" action={`/admin/api/orders/${order.id}/refund`} className="stack refund-form">
          <input type="hidden" name="csrf" value={session.csrf} />
          <label htmlFor="refund-amount">Refund amount (SEK, up to {oreToDecimalString(refundable)})</label>
          <input id="refund-amount" name="amount" inputMode="decimal" required className="text-input" defaultValue={oreToDecimalString(refundable)} />
          <button type="submit" className="button-primary">Refund</button>
        </form>
      )}

      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Timeline">
        {order.events.map((e) => (
          <li key={String(e.id)}>
            <time dateTime={e.at.toISOString()}>{dateTime.format(e.at)}</time>{' '}
            {e.kind === 'SEQR_CALL' ? (
              <span><strong>{e.operation}</strong> → {e.resultCode ?? '—'} {e.resultCode !== null ? describeResultCode(e.resultCode).name : (e.message ?? '')} · {e.durationMs} ms</span>
            ) : (
              <span>{e.fromStatus || e.toStatus ? <strong>{[e.fromStatus, e.toStatus].filter(Boolean).join(' → ')}</strong> : null} {e.message}</span>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
