import { adminMutation } from '@/lib/admin/http';
import { isOrderId, orderNotFound } from '@/lib/admin/orders';
import { cancelOpenAttemptByMerchant } from '@/lib/payments';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, async () => {
    const result = await cancelOpenAttemptByMerchant(id);
    return { ...result, status: result.ok ? 200 : 409 };
  });
}
