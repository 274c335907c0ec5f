import Link from 'next/link';
import { getLocale, getT } from '@/app/i18n';
import { listOrdersForAdmin, ORDER_STATUSES, OrderListQuerySchema } from '@/lib/admin/orders';
import { statusLabel } from '@/lib/admin/labels';
import { getConfig } from '@/lib/config';
import { intlLocale, moneyLocale } from '@/lib/i18n';
import { formatMoney as formatMoneyIn } from '@/lib/money';
import { orderNumberLabel } from '@/lib/orders';
import { Flash } from '../flash';

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, t, locale] = await Promise.all([searchParams, getT(), getLocale()]);
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'short', timeZone: getConfig().timeZone });
  const formatMoney = (ore: number) => formatMoneyIn(ore, moneyLocale(locale));
  const query = OrderListQuerySchema.parse({ status: params.status, q: params.q });
  const orders = await listOrdersForAdmin(query);
  return (
    <>
      <h1>{t('admin.orders.heading')}</h1>
      <Flash value={params.flash} />
      <form method="get" className="admin-filter" role="search">
        <label>
          {t('admin.orders.status')}
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">{t('admin.orders.all')}</option>
            {ORDER_STATUSES.map((status) => <option key={status} value={status}>{statusLabel(locale, 'order', status)}</option>)}
          </select>
        </label>
        <label>
          {t('admin.orders.search')}
          <input name="q" type="search" defaultValue={query.q ?? ''} placeholder={t('admin.orders.searchHint')} className="text-input" />
        </label>
        <button type="submit" className="button-secondary">{t('admin.orders.show')}</button>
      </form>
      {orders.length === 0 ? (
        <p>{t('admin.orders.none')}</p>
      ) : (
        <table className="admin-table" tabIndex={0} aria-label={t('admin.orders.heading')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.col.order')}</th><th scope="col">{t('admin.col.created')}</th><th scope="col">{t('admin.col.email')}</th>
              <th scope="col">{t('admin.col.status')}</th><th scope="col">{t('admin.col.total')}</th><th scope="col">{t('admin.col.refunded')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id}>
                <td><Link href={`/admin/orders/${order.id}`}>{orderNumberLabel(order.number)}</Link></td>
                <td>{dateTime.format(order.createdAt)}</td>
                <td>{order.email ?? '—'}</td>
                <td><span className={`badge badge-${order.status.toLowerCase()}`}>{statusLabel(locale, 'order', order.status)}</span></td>
                <td className="num">{formatMoney(order.totalOre)}</td>
                <td className="num">{order.refundedOre > 0 ? formatMoney(order.refundedOre) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
