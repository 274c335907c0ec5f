import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { orderForAdmin } from '@/lib/admin/orders';
import { intlLocale } from '@/lib/i18n';
import { formatMoney, oreToDecimalString } from '@/lib/money';
import { shippingNameKey, shippingOption } from '@/lib/checkout/shipping';
import { CARRIERS, canPack, canShip } from '@/lib/fulfilment';
import { orderNumberLabel, shippingFromColumns } from '@/lib/orders';
import { canAcceptReview, canCancel, needsReview, refundableOre } from '@/lib/payments';
import { describeResultCode } from '@/lib/seqr';
import { Flash } from '../../../flash';
import { requireAdminPage } from '../../../session';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminOrderPage({ params, searchParams }: Props) {
  const [{ id }, flash, session, t, locale] = await Promise.all([params, searchParams, requireAdminPage(), getT(), getLocale()]);
  if ('closed' in session) return null;
  const order = await orderForAdmin(id);
  if (!order) notFound();
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
  const refundable = refundableOre(order);
  const shipping = shippingFromColumns(order);
  const openAttempt = canCancel(order) ? order.attempts.find((a) => a.id === order.openAttemptId) : undefined;
  const receiptLabel = { NOT_SENT: '—', SENDING: t('admin.receipt.sending'), SUBMITTED: t('admin.receipt.sent'), UNKNOWN: t('admin.receipt.unknownOutcome') } as const;

  return (
    <>
      <p><Link href="/admin">{t('admin.order.back')}</Link></p>
      <h1>{t('admin.order.heading', { number: orderNumberLabel(order.number) })}</h1>
      <Flash value={flash.flash} />
      {needsReview(order) && (
        <section className="review-flag" role="alert" aria-labelledby="review-heading">
          <h2 id="review-heading">{t('admin.review.heading')}</h2>
          <p data-testid="review-reason">{order.reviewReason}</p>
          {canAcceptReview(order) && (
            <form method="post" action={`/admin/api/orders/${order.id}/accept`} className="inline-form">
              <input type="hidden" name="csrf" value={session.csrf} />
              <button type="submit" className="button-secondary">{t('admin.review.accept')}</button>
            </form>
          )}
        </section>
      )}
      <dl className="receipt-facts">
        <div><dt>{t('admin.col.status')}</dt><dd data-testid="order-status">{order.status.replaceAll('_', ' ').toLowerCase()}</dd></div>
        <div><dt>{t('admin.col.total')}</dt><dd>{formatMoney(order.totalOre)}</dd></div>
        <div><dt>{t('admin.order.paid')}</dt><dd>{formatMoney(order.paidOre)}{order.paidCurrency && order.paidCurrency !== order.currency ? ` (${order.paidCurrency})` : ''}{order.paidAt ? ` · ${dateTime.format(order.paidAt)}` : ''}</dd></div>
        <div><dt>{t('admin.col.refunded')}</dt><dd data-testid="order-refunded">{formatMoney(order.refundedOre)}</dd></div>
        <div><dt>{t('admin.col.email')}</dt><dd>{order.email ?? '—'}</dd></div>
        <div><dt>{t('admin.order.customerLink')}</dt><dd><Link href={`/orders/${order.publicToken}/done`}>{t('admin.order.receiptPage')}</Link> · <Link href={`/orders/${order.publicToken}`}>{t('admin.order.orderPage')}</Link></dd></div>
        {order.customerName && (
          <div>
            <dt>{t('admin.order.customer')}</dt>
            <dd data-testid="order-customer">{order.customerName}, {order.phone}<br />{order.deliveryStreet}, {order.deliveryPostcode} {order.deliveryCity}</dd>
          </div>
        )}
        {shipping && <div><dt>{t('admin.order.shipping')}</dt><dd>{t(shippingNameKey(shipping.method))} · {formatMoney(shipping.priceOre)}</dd></div>}
      </dl>

      <section aria-labelledby="fulfilment-heading" className="fulfilment">
        <h2 id="fulfilment-heading">{t('admin.fulfilment.heading')}</h2>
        <p data-testid="fulfilment-status">
          {t(`admin.fulfilment.${order.fulfilmentStatus}`)}
          {order.packedAt && <> · {t('admin.fulfilment.packedAt', { date: dateTime.format(order.packedAt) })}</>}
          {order.shippedAt && <> · {t('admin.fulfilment.shippedAt', { date: dateTime.format(order.shippedAt), carrier: order.carrier ?? '', tracking: order.trackingNumber ?? '' })}</>}
        </p>
        {canPack(order) && (
          <form method="post" action={`/admin/api/orders/${order.id}/pack`} className="inline-form">
            <input type="hidden" name="csrf" value={session.csrf} />
            <button type="submit" className="button-secondary">{t('admin.fulfilment.markPacked')}</button>
          </form>
        )}
        {canShip(order) && (
          <form method="post" action={`/admin/api/orders/${order.id}/ship`} className="stack">
            <input type="hidden" name="csrf" value={session.csrf} />
            <label htmlFor="ship-carrier">{t('admin.fulfilment.carrier')}</label>
            <select id="ship-carrier" name="carrier" className="text-input" required>
              {CARRIERS.map((carrier) => <option key={carrier} value={carrier}>{carrier}</option>)}
            </select>
            <label htmlFor="ship-tracking">{t('admin.fulfilment.tracking')}</label>
            <input id="ship-tracking" name="trackingNumber" className="text-input" required autoComplete="off" />
            <button type="submit" className="button-primary">{t('admin.fulfilment.markShipped')}</button>
          </form>
        )}
        {!canPack(order) && !canShip(order) && order.fulfilmentStatus === 'UNFULFILLED' && <p className="muted">{t('admin.fulfilment.notShippable')}</p>}
      </section>

      <h2>{t('admin.order.lines')}</h2>
      <table className="admin-table">
        <thead><tr><th scope="col">{t('admin.col.item')}</th><th scope="col">{t('admin.col.sku')}</th><th scope="col">{t('admin.col.qty')}</th><th scope="col">{t('admin.col.unit')}</th><th scope="col">{t('admin.col.total')}</th></tr></thead>
        <tbody>
          {order.lines.map((l) => <tr key={l.id}><td>{l.name}</td><td>{l.sku}</td><td>{l.quantity}</td><td className="num">{formatMoney(l.unitPriceOre)}</td><td className="num">{formatMoney(l.lineTotalOre)}</td></tr>)}
          {shipping && (
            <tr><td>{t('shipping.line', { name: t(shippingNameKey(shipping.method)) })}</td><td>{shippingOption(shipping.method).sku}</td><td>1</td><td className="num">{formatMoney(shipping.priceOre)}</td><td className="num">{formatMoney(shipping.priceOre)}</td></tr>
          )}
        </tbody>
      </table>

      <h2>{t('admin.order.payment')}</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.col.attempt')}</th><th scope="col">{t('admin.col.status')}</th><th scope="col">{t('admin.col.invoice')}</th>
            <th scope="col">{t('admin.col.reference')}</th><th scope="col">{t('admin.col.amount')}</th><th scope="col">{t('admin.col.receipt')}</th>
          </tr>
        </thead>
        <tbody>
          {order.attempts.map((a) => (
            <tr key={a.id}>
              <td>{a.attemptNumber}</td>
              <td>{a.status.toLowerCase()}{a.resultCode ? ` (${a.resultCode} ${describeResultCode(a.resultCode).name})` : ''}</td>
              <td>{a.invoiceReference ?? '—'}</td>
              <td>{a.ersReference ?? '—'}</td>
              <td className="num">{formatMoney(a.amountOre)}</td>
              <td>{a.ersReference ? receiptLabel[a.receiptStatus] : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {openAttempt && (
        <form method="post" action={`/admin/api/orders/${order.id}/cancel`} className="inline-form">
          <input type="hidden" name="csrf" value={session.csrf} />
          <button type="submit" className="button-secondary">{t('admin.cancelInvoice', { reference: openAttempt.invoiceReference ?? '' })}</button>
        </form>
      )}

      {order.refunds.length > 0 && (
        <>
          <h2>{t('admin.order.refunds')}</h2>
          <table className="admin-table" aria-label={t('admin.order.refunds')}>
            <thead><tr><th scope="col">{t('admin.col.when')}</th><th scope="col">{t('admin.col.amount')}</th><th scope="col">{t('admin.col.status')}</th><th scope="col">{t('admin.col.reference')}</th><th scope="col">{t('admin.col.note')}</th></tr></thead>
            <tbody>
              {order.refunds.map((r) => (
                <tr key={r.id}><td>{dateTime.format(r.createdAt)}</td><td className="num">{formatMoney(r.amountOre)}</td><td>{r.status === 'UNKNOWN' ? t('admin.refund.settling') : r.status.toLowerCase()}</td><td>{r.ersReference ?? '—'}</td><td>{r.message ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {refundable > 0 && (
        <form method="post" action={`/admin/api/orders/${order.id}/refund`} className="stack refund-form">
          <input type="hidden" name="csrf" value={session.csrf} />
          <label htmlFor="refund-amount">{t('admin.refund.amount', { max: oreToDecimalString(refundable) })}</label>
          <input id="refund-amount" name="amount" inputMode="decimal" required className="text-input" defaultValue={oreToDecimalString(refundable)} />
          <button type="submit" className="button-primary">{t('admin.refund.submit')}</button>
        </form>
      )}

      <h2>{t('admin.order.timeline')}</h2>
      <ol className="timeline" aria-label={t('admin.order.timeline')}>
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
