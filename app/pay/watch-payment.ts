// The pay page's only script, inlined into the page as source text (watchPayment.toString()): the
// page ships no framework code, so a phone downloads and runs a couple of kilobytes, not a runtime.
// It must therefore be self-contained: no imports, no closures over module values, only `type`s.
//
// It follows the payment live: server-sent events from our own server, with a 1 s polling fallback
// (the browser never talks to SEQR). When the attempt the page was rendered for changes (or its
// amount, after a cart change), it reloads the page so the server renders the new state; when the
// order is paid, it goes to the receipt.
//
// Accessible waiting: the status sentence is the page's live region and changes only when the state
// does; the time left (m:ss) and its bar tick every second in a separate element that is not live, so
// a screen reader announces a new state once rather than the clock every second.
import type { PaymentView } from '@/lib/payments';

/** The page's texts in the shopper's language; `{time}` in timeLeft is filled in here (m:ss). */
export type WatcherLabels = { paid: string; preparing: string; creating: string; waiting: string; timeLeft: string; retrying: string };
export type WatcherConfig = { token: string; view: PaymentView; labels: WatcherLabels; ttlMs: number };

/** The status sentence (the live region): it names the state and nothing that ticks. */
export function paymentStatusLine(view: PaymentView, labels: WatcherLabels): string {
  if (view.orderStatus === 'PAID') return labels.paid;
  const attempt = view.attempt;
  if (!attempt) return labels.preparing;
  if (attempt.message) return attempt.message;
  if (attempt.status === 'CREATED') return labels.creating;
  if (attempt.status !== 'ISSUED') return '';
  return labels.waiting;
}

/** Whole seconds until the open invoice ends, or null when no invoice is waiting to be paid. */
export function secondsLeft(view: PaymentView, now: number): number | null {
  const attempt = view.attempt;
  if (view.orderStatus === 'PAID' || !attempt || attempt.status !== 'ISSUED') return null;
  return Math.max(0, Math.ceil((Date.parse(attempt.expiresAt) - now) / 1000));
}

/** 125 → "2:05". */
export function formatTimeLeft(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const rest = whole % 60;
  return `${Math.floor(whole / 60)}:${rest < 10 ? '0' : ''}${rest}`;
}

export type WatcherHelpers = { statusLine: typeof paymentStatusLine; secondsLeft: typeof secondsLeft; formatTimeLeft: typeof formatTimeLeft };

/** Inlined as `(watchPayment)(config, { statusLine, secondsLeft, formatTimeLeft })`: the helpers are passed in as text too. */
export function watchPayment(config: WatcherConfig, helpers: WatcherHelpers): void {
  const POLL_MS = 1000;
  const { labels } = config;
  const statusElement = document.querySelector<HTMLElement>('.pay-status');
  const timer = document.querySelector<HTMLElement>('.pay-timer');
  const timeText = document.querySelector<HTMLElement>('.pay-time');
  const bar = document.querySelector<HTMLElement>('.pay-progress-bar');
  const renderedKey = (view: PaymentView) => `${view.attempt?.number}:${view.attempt?.status}:${view.canRetry}:${view.totalOre}`;
  const rendered = renderedKey(config.view);
  let view = config.view;
  let stopped = false;
  let source: EventSource | undefined;
  let poll: number | undefined;

  const show = () => {
    if (statusElement) {
      const text = helpers.statusLine(view, labels);
      // Written only when it changes: every write of a live region is read out.
      if (statusElement.textContent !== text) statusElement.textContent = text;
      statusElement.dataset.status = view.attempt?.status ?? 'NONE';
    }
    const left = helpers.secondsLeft(view, Date.now());
    if (timer) timer.hidden = left === null;
    if (left === null) return;
    const time = labels.timeLeft.replace('{time}', helpers.formatTimeLeft(left));
    if (timeText && timeText.textContent !== time) timeText.textContent = time;
    if (bar) bar.style.transform = `scaleX(${Math.min(1, (left * 1000) / config.ttlMs)})`;
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
      stop(); // a new invoice, an ended one or a new amount: the server renders the page for it
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
