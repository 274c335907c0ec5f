// A live status as server-sent events, for the pay page's stream and the app API's: the first view
// at once, then each change the moment it commits (a watch wakes the stream), with a re-read once a
// second as a safety net and a comment line to keep the connection alive. It ends when the view
// says the payment is over, the client goes away, or after its longest life.
import { getConfig } from '../config';
import { createStreamSlots, type StreamSlots } from './stream-slots';

/** A stream's longest life; the page then polls (a payment is over long before: PAYMENT_TTL_S). */
const STREAM_LIMIT_MS = 15 * 60 * 1000;
/** A stream re-reads this often even when no change arrived (a lost notification, a reconnect). */
const SAFETY_REREAD_MS = 1000;

// One registry per process, shared by both streams, also if this module is loaded more than once (route bundles).
const globalSlots = globalThis as typeof globalThis & { __seqrShopStatusStreams?: StreamSlots };
export function statusStreamSlots(): StreamSlots {
  const { perOrder, perProcess } = getConfig().payments.statusStreams;
  return (globalSlots.__seqrShopStatusStreams ??= createStreamSlots({ perKey: perOrder, total: perProcess }));
}

/** Set by a watch when a change commits; a change that arrives while the stream reads or writes is kept for its next pause. */
export type Wakeup = { wake?: () => void; pending: boolean; notify: () => void };

export function newWakeup(): Wakeup {
  const woken: Wakeup = {
    pending: false,
    notify: () => {
      if (woken.wake) woken.wake();
      else woken.pending = true;
    },
  };
  return woken;
}

/** Wait, but wake at once when the client goes away (so its slot is free again promptly) or a change committed. */
function pauseUntil(ms: number, signal: AbortSignal, woken: Wakeup) {
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

export function liveEventStream<T>(options: { signal: AbortSignal; first: T; read: () => Promise<T | null>; isOver: (view: T) => boolean; woken: Wakeup; finish: () => void; headers?: Record<string, string> }): Response {
  const { signal, first, read, isOver, woken, finish } = options;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const send = (view: T) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(view)}\n\n`));
        let last = JSON.stringify(first);
        send(first);
        const started = Date.now();
        let view: T | null = first;
        while (!signal.aborted && view && !isOver(view) && Date.now() - started < STREAM_LIMIT_MS) {
          await pauseUntil(SAFETY_REREAD_MS, signal, woken);
          if (signal.aborted) break;
          view = await read().catch(() => view);
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
  // X-Accel-Buffering: a proxy in front (nginx, deploy/nginx.conf) passes each event on at once
  // instead of holding it until its buffer fills, even where its config buffers other responses.
  return new Response(stream, { headers: { 'cache-control': 'no-store, no-cache, no-transform', 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no', ...options.headers } });
}
