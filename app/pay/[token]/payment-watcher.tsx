'use client';

// Follows the payment live: server-sent events from our own server, with a 1 s polling fallback.
// The browser never talks to SEQR. When the state the page was rendered for changes, the server
// re-renders it (router.refresh); when the order is paid, the shopper goes to the receipt.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { PaymentView } from '@/lib/payments';

const POLL_MS = 1000;

/** The page's texts in the shopper's language; `{seconds}` in waitingLeft is filled in here. */
export type WatcherLabels = { paid: string; preparing: string; creating: string; waiting: string; waitingLeft: string };

function statusLine(view: PaymentView, secondsLeft: number | null, labels: WatcherLabels): string {
  if (view.orderStatus === 'PAID') return labels.paid;
  const attempt = view.attempt;
  if (!attempt) return labels.preparing;
  if (attempt.message) return attempt.message;
  if (attempt.status === 'CREATED') return labels.creating;
  if (attempt.status === 'ISSUED') {
    return secondsLeft !== null && secondsLeft > 0 ? labels.waitingLeft.replace('{seconds}', String(secondsLeft)) : labels.waiting;
  }
  return '';
}

export function PaymentWatcher({ token, initial, labels }: { token: string; initial: PaymentView; labels: WatcherLabels }) {
  const router = useRouter();
  const [view, setView] = useState(initial);
  const [now, setNow] = useState(() => Date.now());
  const rendered = useRef(`${initial.attempt?.number}:${initial.attempt?.status}:${initial.canRetry}`);

  useEffect(() => {
    setView(initial);
    rendered.current = `${initial.attempt?.number}:${initial.attempt?.status}:${initial.canRetry}`;
  }, [initial]);

  useEffect(() => {
    let stopped = false;
    let poll: ReturnType<typeof setTimeout> | undefined;
    let source: EventSource | undefined;
    const url = `/api/orders/${token}/status`;

    const apply = (next: PaymentView) => {
      setView(next);
      if (next.orderStatus === 'PAID') {
        stopped = true;
        source?.close();
        // A full load, so the header's cart count is rendered anew as well.
        window.location.assign(next.doneUrl);
        return;
      }
      const key = `${next.attempt?.number}:${next.attempt?.status}:${next.canRetry}`;
      if (key !== rendered.current) {
        rendered.current = key;
        router.refresh();
      }
    };
    const pollOnce = async () => {
      if (stopped) return;
      try {
        const response = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
        if (response.ok) apply((await response.json()) as PaymentView);
      } catch {
        // offline for a moment: try again on the next tick
      }
      if (!stopped) poll = setTimeout(pollOnce, POLL_MS);
    };

    if (typeof EventSource === 'function') {
      source = new EventSource(`${url}?stream=1`);
      source.onmessage = (event) => apply(JSON.parse(event.data) as PaymentView);
      source.onerror = () => {
        // The stream ended or broke: fall back to polling.
        source?.close();
        source = undefined;
        if (!stopped && poll === undefined) void pollOnce();
      };
    } else {
      void pollOnce();
    }
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stopped = true;
      source?.close();
      if (poll) clearTimeout(poll);
      clearInterval(clock);
    };
  }, [token, router]);

  const expiresAt = view.attempt ? Date.parse(view.attempt.expiresAt) : NaN;
  const secondsLeft = Number.isFinite(expiresAt) ? Math.max(0, Math.round((expiresAt - now) / 1000)) : null;
  return (
    <p role="status" aria-live="polite" className="pay-status" data-status={view.attempt?.status ?? 'NONE'}>
      {statusLine(view, secondsLeft, labels)}
    </p>
  );
}
