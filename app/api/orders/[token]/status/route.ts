// The pay page's live status: JSON for polling, or a server-sent event stream (?stream=1).
// Neither asks SEQR: both read the stored state (from memory while the change feed is connected).
// A stream sends a new view the moment its order's change commits, and re-reads once a second as a
// safety net.
import { getLocale } from '@/app/i18n';
import { getConfig } from '@/lib/config';
import { createStreamSlots, type StreamSlots } from '@/lib/http/stream-slots';
import { currentPaymentView, watchPaymentView, type PaymentView } from '@/lib/payments';

export const dynamic = 'force-dynamic';

/** A stream's longest life; the page then polls (a payment is over long before: PAYMENT_TTL_S). */
const STREAM_LIMIT_MS = 15 * 60 * 1000;
/** A stream re-reads this often even when no change arrived (a lost notification, a reconnect). */
const SAFETY_REREAD_MS = 1000;
const noStore = { 'cache-control': 'no-store, no-cache' };

const unknownOrder = () => Response.json({ error: 'There is no order with this token.' }, { status: 404, headers: noStore });

// One registry per process, also if this module is loaded more than once (route bundles).
const globalSlots = globalThis as typeof globalThis & { __seqrShopStatusStreams?: StreamSlots };
function streamSlots(): StreamSlots {
  const { perOrder, perProcess } = getConfig().payments.statusStreams;
  return (globalSlots.__seqrShopStatusStreams ??= createStreamSlots({ perKey: perOrder, total: perProcess }));
}

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

/**
 * Wait, but wake at once when the client goes away (so its slot is free again promptly) or when
 * `wake` is called (a change of this order committed).
 */
function pauseUntil(ms: number, signal: AbortSignal, woken: { wake?: () => void; pending: boolean }) {
  return new Promise<void>((resolve) => {
    if (woken.pending) {
      woken.pending = false;
      return resolve();
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      woken.wake = undefined;
      woken.pending = false;
      resolve();
    }
    woken.wake = done;
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const wantsStream = new URL(request.url).searchParams.get('stream') === '1';
  const slot = wantsStream ? streamSlots().acquire(token) : undefined;
  if (slot && !slot.ok) return refused(token, slot.reason);
  // Watch before the first read, so a change committed right after it still wakes the stream; a
  // change that arrives while the stream reads or writes is kept (pending) for its next pause.
  const woken: { wake?: () => void; pending: boolean } = { pending: false };
  const unwatch = wantsStream
    ? watchPaymentView(token, () => {
        if (woken.wake) woken.wake();
        else woken.pending = true;
      })
    : () => {};
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

  const encoder = new TextEncoder();
  const isOver = (view: PaymentView) => view.orderStatus !== 'AWAITING_PAYMENT' || view.canRetry;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const send = (view: PaymentView) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(view)}\n\n`));
        let last = JSON.stringify(first);
        send(first!);
        const started = Date.now();
        let view: PaymentView | null = first;
        while (!request.signal.aborted && view && !isOver(view) && Date.now() - started < STREAM_LIMIT_MS) {
          await pauseUntil(SAFETY_REREAD_MS, request.signal, woken);
          if (request.signal.aborted) break;
          view = await currentPaymentView(token, locale).catch(() => view);
          if (view && JSON.stringify(view) !== last) {
            last = JSON.stringify(view);
            send(view);
          } else {
            controller.enqueue(encoder.encode(': keep-alive\n\n'));
          }
        }
        controller.close();
      } catch {
        // The client went away mid-write (enqueue on a cancelled stream): nothing to tell anyone.
      } finally {
        finish();
      }
    },
    cancel: finish,
  });
  return new Response(stream, { headers: { ...noStore, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' } });
}
