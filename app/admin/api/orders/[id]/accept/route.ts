import { adminMutation } from '@/lib/admin/http';
import { isOrderId, orderNotFound } from '@/lib/admin/orders';
import { acceptReviewedPayment } from '@/lib/payments';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, async () => {
    const result = await acceptReviewedPayment(id, 'admin');
    return { ...result, status: result.ok ? 200 : 409 };
  });
}
