// "Try again" on the pay page and the done page (a plain form POST): a new invoice for an order whose
// last attempt ended unpaid, then the pay page, which shows it or explains why there is none.
import { refuseLargeBody } from '@/lib/http/read-body';
import { retryPayment } from '@/lib/payments';

export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const refused = await refuseLargeBody(request);
  if (refused) return refused;
  const { token } = await params;
  const result = await retryPayment(token);
  if (!result) return Response.json({ error: 'There is no order with this token.' }, { status: 404 });
  // Nothing left to pay for (the cart was emptied): the cart page says so.
  const location = result.kind === 'empty-cart' ? '/cart' : `/pay/${encodeURIComponent(token)}`;
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}
