// The pay page's only script, inlined into the page as source text (watchPayment.toString()): the
// page ships no framework code, so a phone downloads and runs a couple of kilobytes, not a runtime.
// It must therefore be self-contained: no imports, no closures over module values, only `type`s.
//
// It follows the payment live: server-sent events from our own server, with a 1 s polling fallback
// (the browser never talks to SEQR). When the attempt the page was rendered for changes, it reloads
// the page so the server renders the new state; when the order is paid, it goes to the receipt.
import type { PaymentView } from '@/lib/payments';

/** The page's texts in the shopper's language; `{seconds}` in waitingLeft is filled in here. */
export type WatcherLabels = { paid: string; preparing: string; creating: string; waiting: string; waitingLeft: string; retrying: string };
export type WatcherConfig = { token: string; view: PaymentView; labels: WatcherLabels };

/** The status sentence under the QR code; the server renders it first, the script keeps it live. */
export function paymentStatusLine(view: PaymentView, labels: WatcherLabels, now: number): string {
  if (view.orderStatus === 'PAID') return labels.paid;
  const attempt = view.attempt;
  if (!attempt) return labels.preparing;
  if (attempt.message) return attempt.message;
  if (attempt.status === 'CREATED') return labels.creating;
  if (attempt.status !== 'ISSUED') return '';
  const secondsLeft = Math.max(0, Math.round((Date.parse(attempt.expiresAt) - now) / 1000));
  return secondsLeft > 0 ? labels.waitingLeft.replace('{seconds}', String(secondsLeft)) : labels.waiting;
}

/** Inlined as `(watchPayment)(config, paymentStatusLine)`: the line function is passed in as text too. */
export function watchPayment(config: WatcherConfig, statusLine: typeof paymentStatusLine): void {
  const POLL_MS = 1000;
  const { labels } = config;
  const statusElement = document.querySelector<HTMLElement>('.pay-status');
  const renderedKey = (view: PaymentView) => `${view.attempt?.number}:${view.attempt?.status}:${view.canRetry}`;
  const rendered = renderedKey(config.view);
  let view = config.view;
  let stopped = false;
  let source: EventSource | undefined;
  let poll: number | undefined;

  const show = () => {
    if (!statusElement) return;
    const text = statusLine(view, labels, Date.now());
    if (statusElement.textContent !== text) statusElement.textContent = text;
    statusElement.dataset.status = view.attempt?.status ?? 'NONE';
  };
  const stop = () => {
    stopped = true;
    source?.close();
    if (poll !== undefined) window.clearTimeout(poll);
  };
  const apply = (next: PaymentView) => {
    if (stopped) return;
    view = next;
    show();
    if (next.orderStatus === 'PAID') {
      stop();
      window.location.assign(next.doneUrl);
    } else if (renderedKey(next) !== rendered) {
      stop(); // a new invoice or an ended one: the server renders the page for it
      window.location.reload();
    }
  };
  const pollOnce = async () => {
    if (stopped) return;
    try {
      const response = await fetch(`/api/orders/${config.token}/status`, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (response.ok) apply((await response.json()) as PaymentView);
    } catch {
      // offline for a moment: try again on the next tick
    }
    if (!stopped) poll = window.setTimeout(pollOnce, POLL_MS);
  };

  const retry = document.querySelector<HTMLFormElement>('form.retry');
  retry?.addEventListener('submit', () => {
    const button = retry.querySelector('button');
    if (button) {
      button.disabled = true;
      button.textContent = labels.retrying;
    }
  });

  if (typeof EventSource === 'function') {
    source = new EventSource(`/api/orders/${config.token}/status?stream=1`);
    source.onmessage = (event: MessageEvent<string>) => apply(JSON.parse(event.data) as PaymentView);
    source.onerror = () => {
      // The stream ended or broke: fall back to polling.
      source?.close();
      source = undefined;
      if (!stopped && poll === undefined) void pollOnce();
    };
  } else {
    void pollOnce();
  }
  window.setInterval(show, 1000);
  show();
}
