// The merchant sets a product's units on hand, or adds / removes some (the products page's forms).
import { z } from 'zod';
import { adminMutation } from '@/lib/admin/http';
import { editStock, StockEditSchema } from '@/lib/stock';
import type { MessageKey } from '@/lib/i18n';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) return Response.json({ error: 'There is no product with this id.' }, { status: 404 });
  return adminMutation(request, '/admin/products', async ({ form }) => {
    const parsed = StockEditSchema.safeParse({ mode: form.get('mode'), quantity: form.get('quantity') });
    if (!parsed.success) return { ok: false, message: { key: (parsed.error.issues[0]?.message ?? 'admin.stock.badNumber') as MessageKey }, status: 400 };
    const result = await editStock(id, parsed.data, 'admin');
    if (!result.ok) return { ...result, status: result.message.key === 'admin.stock.missing' ? 404 : 409 };
    return { ok: true, message: { key: 'admin.stock.saved', params: { name: result.name, onHand: result.onHand } } };
  });
}
