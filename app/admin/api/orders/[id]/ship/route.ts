import { adminMutation } from '@/lib/admin/http';
import { isOrderId, orderNotFound } from '@/lib/admin/orders';
import { markShipped, parseShipment } from '@/lib/fulfilment';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isOrderId(id)) return orderNotFound();
  return adminMutation(request, `/admin/orders/${id}`, async ({ form }) => {
    const parsed = parseShipment({ carrier: form.get('carrier'), trackingNumber: form.get('trackingNumber') });
    if (!parsed.ok) return { ok: false, message: parsed.message, status: 400 };
    return markShipped(id, parsed.shipment, 'admin');
  });
}
