import { adminMutation } from '@/lib/admin/http';
import { isOrderId, orderNotFound } from '@/lib/admin/orders';
import { markPacked } from '@/lib/fulfilment';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, () => markPacked(id, 'admin'));
}
