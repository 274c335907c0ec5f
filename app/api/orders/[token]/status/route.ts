// The pay page's live status: JSON for polling, or a server-sent event stream (?stream=1).
// Each request asks SEQR at most through lib/payments' coalescing: one call per invoice per second.
import { getLocale } from '@/app/i18n';
import { currentPaymentView, STATUS_INTERVAL_MS, type PaymentView } from '@/lib/payments';

export const dynamic = 'force-dynamic';

const STREAM_LIMIT_MS = 15 * 60 * 1000;
const noStore = { 'cache-control': 'no-store, no-cache' };

const unknownOrder = () => Response.json({ error: 'There is no order with this token.' }, { status: 404, headers: noStore });

export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const locale = await getLocale();
  const first = await currentPaymentView(token, locale);
  if (!first) return unknownOrder();
  if (new URL(request.url).searchParams.get('stream') !== '1') return Response.json(first, { headers: noStore });

  const encoder = new TextEncoder();
  const isOver = (view: PaymentView) => view.orderStatus !== 'AWAITING_PAYMENT' || view.canRetry;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (view: PaymentView) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(view)}\n\n`));
      let last = JSON.stringify(first);
      send(first);
      const started = Date.now();
      let view: PaymentView | null = first;
      while (!request.signal.aborted && view && !isOver(view) && Date.now() - started < STREAM_LIMIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, STATUS_INTERVAL_MS));
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
    },
  });
  return new Response(stream, { headers: { ...noStore, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' } });
}
