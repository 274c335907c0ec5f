import { adminMutation } from '@/lib/admin/http';
import { checkRefundRequest, isOrderId, orderNotFound } from '@/lib/admin/orders';
import { formatMoney } from '@/lib/money';
import { parseRefundAmount, refundOrder } from '@/lib/payments';

export const dynamic = 'force-dynamic';

/**
 * Two steps, both plain form posts (no JavaScript needed): without `confirm=1` the amount is checked
 * and the order page asks "Refund 1 346,50 kr to the shopper?" (JSON: 202 with that question); only
 * the post with `confirm=1` sends refundPayment.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, async ({ form }) => {
    const amountOre = parseRefundAmount(form.get('amount'));
    if (amountOre === null) return { ok: false, message: { key: 'admin.refund.badAmount' }, status: 400 };
    if (form.get('confirm') !== '1') {
      const check = await checkRefundRequest(id, amountOre);
      if (!check.ok) return { ...check, status: 409 };
      return { ok: true, message: { key: 'admin.refund.confirmQuestion', params: { amount: formatMoney(amountOre) } }, status: 202, backTo: `/admin/orders/${id}?confirmRefund=${amountOre}`, flash: false };
    }
    const result = await refundOrder(id, amountOre, 'admin');
    return { ...result, status: result.ok ? 200 : 409 };
  });
}
