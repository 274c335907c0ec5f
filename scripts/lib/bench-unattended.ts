// Unattended payments: the shopper pays in the app and then nobody is there for the shop — SEQR's
// notification never arrives (the sandbox's dropNotifications fault) and no pay page is open, so
// only the sweepers can see the payment. Times payment → PAID in the database for each order; the
// target (issue 14) is every one within 10 s. Called by the bench as:
//
//   const unattended = await measureUnattended(stack, orders);   // orders: still ISSUED, not paid
//   // unattended.maxMs → last.json's unattendedConfirmMaxMs
import type { OpenOrder } from './bench-phases';
import { paidTransition } from './bench-db';
import type { Stack } from './bench-stack';
import { mapLimit, sleep, summarize, waitUntil } from './bench-stats';

export interface UnattendedResult {
  n: number;
  maxMs: number;
  p50Ms: number;
  /** Orders not PAID within the wait (30 s): each one fails the target. */
  timedOut: number;
}

/** Longer than any sane confirmation, shorter than SEQR's reversal of an unconfirmed payment. */
export const UNATTENDED_WAIT_MS = 30_000;
/** Payments are spread over this much time, so they land at every phase of the sweepers' cycle. */
const SPREAD_MS = 5_000;

export async function measureUnattended(stack: Stack, orders: OpenOrder[]): Promise<UnattendedResult> {
  const control = stack.sandbox.control;
  const before = await control.faults();
  await control.setFaults({ ...before, dropNotifications: true });
  const latencies: number[] = [];
  let timedOut = 0;
  try {
    await mapLimit(orders, 50, async (order) => {
      await sleep(Math.random() * SPREAD_MS);
      const paidAt = Date.now();
      await control.pay(order.invoiceReference);
      const paid = await waitUntil(() => paidTransition(stack.db, order.orderId), UNATTENDED_WAIT_MS, 50);
      if (paid) latencies.push(Math.max(0, paid.at.getTime() - paidAt));
      else timedOut++;
    });
  } finally {
    // Restore the switch as it was (the later phases need notifications).
    await control.setFaults({ ...before, dropNotifications: before.dropNotifications ?? false });
  }
  const summary = summarize(latencies);
  return { n: orders.length, maxMs: latencies.length ? Math.max(...latencies) : 0, p50Ms: summary.p50, timedOut };
}
