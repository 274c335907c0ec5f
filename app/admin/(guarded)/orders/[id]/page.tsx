import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { statusLabel, timelineLine } from '@/lib/admin/labels';
import { ConfirmRefundSchema, orderForAdmin } from '@/lib/admin/orders';
import { getConfig } from '@/lib/config';
import { intlLocale, moneyLocale } from '@/lib/i18n';
import { formatMoney as formatMoneyIn, oreToDecimalString } from '@/lib/money';
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
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: getConfig().timeZone });
  const formatMoney = (ore: number) => formatMoneyIn(ore, moneyLocale(locale));
  const refundable = refundableOre(order);
  const shipping = shippingFromColumns(order);
  const openAttempt = canCancel(order) ? order.attempts.find((a) => a.id === order.openAttemptId) : undefined;
  // The amount the merchant asked to refund, waiting for confirmation (still within what is left).
  const toConfirm = ConfirmRefundSchema.parse(flash.confirmRefund);

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
      {order.oversoldUnits > 0 && (
        <p className="review-flag" role="alert" data-testid="oversold">{t('admin.order.oversold', { units: order.oversoldUnits })}</p>
      )}
      <dl className="receipt-facts">
        <div><dt>{t('admin.col.status')}</dt><dd data-testid="order-status">{statusLabel(locale, 'order', order.status)}</dd></div>
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
      <table className="admin-table" tabIndex={0}>
        <thead><tr><th scope="col">{t('admin.col.item')}</th><th scope="col">{t('admin.col.sku')}</th><th scope="col">{t('admin.col.qty')}</th><th scope="col">{t('admin.col.unit')}</th><th scope="col">{t('admin.col.total')}</th></tr></thead>
        <tbody>
          {order.lines.map((l) => <tr key={l.id}><td>{l.name}</td><td>{l.sku}</td><td>{l.quantity}</td><td className="num">{formatMoney(l.unitPriceOre)}</td><td className="num">{formatMoney(l.lineTotalOre)}</td></tr>)}
          {shipping && (
            <tr><td>{t('shipping.line', { name: t(shippingNameKey(shipping.method)) })}</td><td>{shippingOption(shipping.method).sku}</td><td>1</td><td className="num">{formatMoney(shipping.priceOre)}</td><td className="num">{formatMoney(shipping.priceOre)}</td></tr>
          )}
        </tbody>
      </table>

      <h2>{t('admin.order.payment')}</h2>
      <table className="admin-table" tabIndex={0}>
        <thead>
          <tr>
            <th scope="col">{t('admin.col.attempt')}</th><th scope="col">{t('admin.col.status')}</th><th scope="col">{t('admin.col.invoice')}</th>
            <th scope="col">{t('admin.col.reference')}</th><th scope="col">{t('admin.col.amount')}</th><th scope="col">{t('admin.col.receipt')}</th>
            <th scope="col" title={t('admin.col.statusChecksHint')}>{t('admin.col.statusChecks')}</th>
          </tr>
        </thead>
        <tbody>
          {order.attempts.map((a) => (
            <tr key={a.id}>
              <td>{a.attemptNumber}</td>
              <td>{statusLabel(locale, 'attempt', a.status)}{a.resultCode ? ` (${a.resultCode} ${describeResultCode(a.resultCode).name})` : ''}</td>
              <td>{a.invoiceReference ?? '—'}</td>
              <td>{a.ersReference ?? '—'}</td>
              <td className="num">{formatMoney(a.amountOre)}</td>
              <td>{a.ersReference && a.receiptStatus !== 'NOT_SENT' ? statusLabel(locale, 'receipt', a.receiptStatus) : '—'}</td>
              <td className="num">{a.statusChecks}</td>
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
          <table className="admin-table" tabIndex={0} aria-label={t('admin.order.refunds')}>
            <thead><tr><th scope="col">{t('admin.col.when')}</th><th scope="col">{t('admin.col.amount')}</th><th scope="col">{t('admin.col.status')}</th><th scope="col">{t('admin.col.reference')}</th><th scope="col">{t('admin.col.note')}</th></tr></thead>
            <tbody>
              {order.refunds.map((r) => (
                <tr key={r.id}><td>{dateTime.format(r.createdAt)}</td><td className="num">{formatMoney(r.amountOre)}</td><td>{statusLabel(locale, 'refund', r.status)}</td><td>{r.ersReference ?? '—'}</td><td>{r.message ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {toConfirm !== undefined && toConfirm > refundable && (
        <p role="alert" className="flash flash-error">{t('admin.refund.confirmStale', { left: formatMoney(refundable) })}</p>
      )}
      {toConfirm !== undefined && toConfirm <= refundable ? (
        <section className="refund-confirm" aria-labelledby="refund-confirm-heading">
          <h2 id="refund-confirm-heading">{t('admin.refund.confirmHeading')}</h2>
          <p data-testid="refund-question">{t('admin.refund.confirmQuestion', { amount: formatMoney(toConfirm) })}</p>
          <form method="post" action={`/admin/api/orders/${order.id}/refund`} className="inline-form refund-confirm-form">
            <input type="hidden" name="csrf" value={session.csrf} />
            <input type="hidden" name="amount" value={oreToDecimalString(toConfirm)} />
            <input type="hidden" name="confirm" value="1" />
            <button type="submit" className="button-primary">{t('admin.refund.confirmYes', { amount: formatMoney(toConfirm) })}</button>
          </form>{' '}
          <Link href={`/admin/orders/${order.id}`}>{t('admin.refund.confirmNo')}</Link>
        </section>
      ) : (
        refundable > 0 && (
          <form method="post" action={`/admin/api/orders/${order.id}/refund`} className="stack refund-form">
            <input type="hidden" name="csrf" value={session.csrf} />
            <label htmlFor="refund-amount">{t('admin.refund.amount', { max: formatMoney(refundable) })}</label>
            {/* Empty by default: the merchant types the amount; the remainder is the placeholder and the hint. */}
            <input id="refund-amount" name="amount" inputMode="decimal" required className="text-input" placeholder={formatMoney(refundable).replace(/\s*kr$/, '')} aria-describedby="refund-hint" autoComplete="off" />
            <p id="refund-hint" className="muted">{t('admin.refund.hint', { max: formatMoney(refundable) })}</p>
            <button type="submit" className="button-primary">{t('admin.refund.submit')}</button>
          </form>
        )
      )}

      <h2>{t('admin.mail.heading')}</h2>
      {order.mails.length === 0 ? (
        <p>{t('admin.mail.none')}</p>
      ) : (
        <table className="admin-table" tabIndex={0} aria-label={t('admin.mail.heading')}>
          <thead><tr><th scope="col">{t('admin.mail.kind')}</th><th scope="col">{t('admin.mail.to')}</th><th scope="col">{t('admin.mail.status')}</th><th scope="col">{t('admin.mail.tries')}</th><th scope="col">{t('admin.mail.lastError')}</th></tr></thead>
          <tbody>
            {order.mails.map((m) => (
              <tr key={m.id} data-testid={`mail-${m.kind.toLowerCase()}`}>
                <td>{t(`admin.mail.kind.${m.kind}`)}</td>
                <td>{m.to}</td>
                <td>{m.status === 'SENT' ? t('admin.mail.status.SENT', { at: m.sentAt ? dateTime.format(m.sentAt) : '' }) : m.status === 'FAILED' ? t('admin.mail.status.FAILED', { tries: m.tries }) : t('admin.mail.status.PENDING', { at: dateTime.format(m.nextTryAt) })}</td>
                <td className="num">{m.tries}</td>
                <td>{m.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('admin.order.timeline')}</h2>
      <ol className="timeline" aria-label={t('admin.order.timeline')}>
        {order.events.map((e) => {
          const line = timelineLine(locale, e);
          return (
            <li key={String(e.id)}>
              <time dateTime={e.at.toISOString()}>{dateTime.format(e.at)}</time>{' '}
              <span>{line.text}</span>
              {line.original ? <>: <span lang="en">{line.original}</span></> : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}
