// What bounds a SEQR call on the wire: a total deadline and a response size cap. Both reach axios
// (which node-soap uses underneath) as per-request options: node-soap copies every per-call option
// it does not know into the axios request config (soap/lib/http.js buildRequest). axios's own
// `timeout` is only a socket idle timeout (an answer dripped one byte at a time never trips it), so
// the deadline is an AbortSignal instead: on abort axios destroys the request and the response
// stream, so nothing keeps buffering and the socket is closed. `maxContentLength` is counted by
// axios as the bytes arrive (after any decompression) and aborts the same way once crossed.

/**
 * Every operation but executeReport. SEQR's largest ordinary answer, getPaymentStatus with the
 * receipt of a long invoice, is a few KiB; 1 MiB is hundreds of times that and still cheap to
 * buffer and parse on the request path.
 */
export const RESPONSE_CAP_BYTES = 1024 * 1024;

/**
 * executeReport: a reconciliation report lists every transaction of a period, base64-encoded inside
 * the envelope (a third larger again). 8 MiB holds some ten thousand transactions per period, far
 * beyond this shop's day, and bounds what an admin page ever holds in memory.
 */
export const REPORT_RESPONSE_CAP_BYTES = 8 * 1024 * 1024;

/** A total time budget with an AbortSignal that fires when it runs out. */
export type Deadline = {
  readonly signal: AbortSignal;
  remainingMs(): number;
  /** True once the budget ran out (only the deadline's own timer aborts the signal). */
  expired(): boolean;
  /** Clear the timer; call when the work is over, whatever its outcome. */
  dispose(): void;
};

export function startDeadline(budgetMs: number): Deadline {
  const controller = new AbortController();
  const endsAt = performance.now() + budgetMs;
  const timer = setTimeout(() => controller.abort(new Error(`deadline of ${budgetMs} ms exceeded`)), budgetMs);
  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    expired: () => controller.signal.aborted,
    dispose: () => clearTimeout(timer),
  };
}

/** The per-call options node-soap passes on to axios for one attempt. */
export function wireOptions(deadline: Deadline, capBytes: number): Record<string, unknown> {
  // No redirects: a 307/308 would resend the password-bearing request body to another host.
  return { signal: deadline.signal, maxContentLength: capBytes, maxRedirects: 0 };
}

/** axios's error when maxContentLength was crossed (it has no code of its own, only ERR_BAD_RESPONSE). */
export function isResponseTooLarge(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^maxContentLength size of \d+ exceeded$/.test(message);
}
