import Link from 'next/link';
import { listOrdersForAdmin, ORDER_STATUSES, OrderListQuerySchema } from '@/lib/admin/orders';
import { formatMoney } from '@/lib/money';
import { orderNumberLabel } from '@/lib/orders';
import { Flash } from '../flash';

const dateTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Stockholm' });

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = OrderListQuerySchema.parse({ status: params.status, q: params.q });
  const orders = await listOrdersForAdmin(query);
  return (
    <>
      <h1>Orders</h1>
      <Flash notice={params.notice} error={params.error} />
      <form method="get" className="admin-filter" role="search">
        <label>
          Status
          <select name="status" defaultValue={query.status ?? ''}>
            <option value="">All</option>
            {ORDER_STATUSES.map((status) => <option key={status} value={status}>{status.replaceAll('_', ' ').toLowerCase()}</option>)}
          </select>
        </label>
        <label>
          Search
          <input name="q" type="search" defaultValue={query.q ?? ''} placeholder="Order, token, SEQR reference, e-mail" className="text-input" />
        </label>
        <button type="submit" className="button-secondary">Show</button>
      </form>
      {orders.length === 0 ? (
        <p>No orders match.</p>
      ) : (
        <table className="admin-table" aria-label="Orders">
          <thead><tr><th scope="col">Order</th><th scope="col">Created</th><th scope="col">E-mail</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Refunded</th></tr></thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id}>
                <td><Link href={`/admin/orders/${order.id}`}>{orderNumberLabel(order.number)}</Link></td>
                <td>{dateTime.format(order.createdAt)}</td>
                <td>{order.email ?? '—'}</td>
                <td><span className={`badge badge-${order.status.toLowerCase()}`}>{order.status.replaceAll('_', ' ').toLowerCase()}</span></td>
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
