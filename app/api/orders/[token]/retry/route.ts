// "Try again" on the pay page (a plain form POST): a new invoice for an order whose last attempt
// ended unpaid, then back to the pay page, which shows it or explains why there is none.
import { refuseLargeBody } from '@/lib/http/read-body';
import { retryPayment } from '@/lib/payments';

export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const refused = await refuseLargeBody(request);
  if (refused) return refused;
  const { token } = await params;
  const result = await retryPayment(token);
  if (!result) return Response.json({ error: 'There is no order with this token.' }, { status: 404 });
  return new Response(null, { status: 303, headers: { location: `/pay/${encodeURIComponent(token)}`, 'cache-control': 'no-store' } });
}
