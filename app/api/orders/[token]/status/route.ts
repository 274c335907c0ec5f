// The pay page's live status: JSON for polling, or a server-sent event stream (?stream=1).
// Neither asks SEQR: both read the stored state (from memory while the change feed is connected).
// A stream sends a new view the moment its order's change commits, and re-reads once a second as a
// safety net (lib/http/event-stream.ts).
import { getLocale } from '@/app/i18n';
import { liveEventStream, newWakeup, statusStreamSlots } from '@/lib/http/event-stream';
import { currentPaymentView, watchPaymentView, type PaymentView } from '@/lib/payments';

export const dynamic = 'force-dynamic';

const noStore = { 'cache-control': 'no-store, no-cache' };

const unknownOrder = () => Response.json({ error: 'There is no order with this token.' }, { status: 404, headers: noStore });

/**
 * No slot: answered at once, without touching the database. Not text/event-stream, so EventSource
 * fails the connection and the pay page falls back to polling once a second.
 */
function refused(token: string, reason: 'per-key' | 'total'): Response {
  const error =
    reason === 'per-key'
      ? 'This order already has as many live status streams as one order may have; poll its status once a second instead.'
      : 'The shop has as many live status streams open as it allows; poll the status once a second instead.';
  return Response.json({ error, poll: `/api/orders/${encodeURIComponent(token)}/status` }, { status: reason === 'per-key' ? 429 : 503, headers: { ...noStore, 'retry-after': '1' } });
}

export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const wantsStream = new URL(request.url).searchParams.get('stream') === '1';
  const slot = wantsStream ? statusStreamSlots().acquire(token) : undefined;
  if (slot && !slot.ok) return refused(token, slot.reason);
  // Watch before the first read, so a change committed right after it still wakes the stream.
  const woken = newWakeup();
  const unwatch = wantsStream ? watchPaymentView(token, woken.notify) : () => {};
  const finish = () => {
    unwatch();
    if (slot?.ok) slot.release();
  };
  let first: PaymentView | null;
  let locale: Awaited<ReturnType<typeof getLocale>>;
  try {
    locale = await getLocale();
    first = await currentPaymentView(token, locale);
    if (!first) {
      finish();
      return unknownOrder();
    }
    if (!wantsStream) return Response.json(first, { headers: noStore });
  } catch (error) {
    finish();
    throw error;
  }
  const isOver = (view: PaymentView) => view.orderStatus !== 'AWAITING_PAYMENT' || view.canRetry;
  return liveEventStream({ signal: request.signal, first, read: () => currentPaymentView(token, locale), isOver, woken, finish });
}
