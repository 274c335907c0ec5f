import { adminMutation } from '@/lib/admin/http';
import { isOrderId, orderNotFound } from '@/lib/admin/orders';
import { parseRefundAmount, refundOrder } from '@/lib/payments';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, async ({ form }) => {
    const amountOre = parseRefundAmount(form.get('amount'));
    if (amountOre === null) return { ok: false, message: { key: 'admin.refund.badAmount' }, status: 400 };
    const result = await refundOrder(id, amountOre, 'admin');
    return { ...result, status: result.ok ? 200 : 409 };
  });
}
