// The receipt's parts, shared by the done page and the shopper's order page: the seller, and the
// lines with the shipping, VAT and total.
import { shippingNameKey } from '@/lib/checkout/shipping';
import { intlLocale, type Locale, type Translate } from '@/lib/i18n';
import { formatMoney, formatVatRate } from '@/lib/money';
import type { OrderView } from '@/lib/orders';
import { sellerDetails } from '@/lib/shop/seller';

/** The seller as a receipt must name it (shown on screen and in print). */
export function ReceiptSeller({ t }: { t: Translate }) {
  const seller = sellerDetails();
  return (
    <address className="receipt-seller" data-testid="receipt-seller" aria-label={t('seller.heading')}>
      <strong>{seller.name}</strong>
      <br />
      {seller.address}
      <br />
      {t('seller.orgNr', { value: seller.orgNr })} · {t('seller.vatNr', { value: seller.vatNr })}
      <br />
      {seller.email} · {seller.phone}
    </address>
  );
}

export function ReceiptLines({ order, t, locale, totalOre }: { order: Pick<OrderView, 'lines' | 'shipping' | 'vat'>; t: Translate; locale: Locale; totalOre: number }) {
  return (
    <table className="receipt-lines">
      <thead><tr><th scope="col">{t('done.item')}</th><th scope="col">{t('done.qty')}</th><th scope="col">{t('done.amount')}</th></tr></thead>
      <tbody>
        {order.lines.map((line) => (
          <tr key={line.position}><td>{line.name}</td><td>{line.quantity}</td><td className="price">{formatMoney(line.lineTotalOre)}</td></tr>
        ))}
        {order.shipping && (
          <tr data-testid="shipping-line"><td>{t('shipping.line', { name: t(shippingNameKey(order.shipping.method)) })}</td><td>1</td><td className="price">{formatMoney(order.shipping.priceOre)}</td></tr>
        )}
      </tbody>
      <tfoot>
        {order.vat.map((group) => (
          <tr key={group.rateBp} className="muted"><td colSpan={2}>{t('done.vatOf', { rate: formatVatRate(group.rateBp, intlLocale(locale)) })}</td><td>{formatMoney(group.vatOre)}</td></tr>
        ))}
        <tr className="receipt-total"><th scope="row" colSpan={2}>{t('cart.total')}</th><td data-testid="receipt-total">{formatMoney(totalOre)}</td></tr>
      </tfoot>
    </table>
  );
}

export function DeliveryAddress({ order, t }: { order: Pick<OrderView, 'delivery' | 'shipping'>; t: Translate }) {
  if (!order.delivery) return null;
  return (
    <div className="order-address">
      <h2>{t('order.delivery')}</h2>
      <address data-testid="delivery-address">
        {order.delivery.name}
        <br />
        {order.delivery.street}
        <br />
        {order.delivery.postcode} {order.delivery.city}
        <br />
        {order.delivery.phone}
      </address>
      {order.shipping && <p>{t('order.shipping')}: {t(shippingNameKey(order.shipping.method))}</p>}
    </div>
  );
}
