// Following an attempt: ask SEQR for its status (the sweeper paced, a notification or the return page
// at once) and apply what SEQR says. PAID is applied with the order and the cart in one
// transaction; a payment of another amount or currency puts the order in REVIEW.
import { consumeCartForPaidOrder } from '../cart';
import { Prisma } from '../generated/prisma/client';
import { isSeqrResultError, isSeqrTransportError, type PaymentStatus, type SeqrCallRecord } from '../seqr';
import { completePendingUpdate } from './cart-sync';
import { closeAttempt } from './close-attempt';
import { later, loadAttempt, note, recordSeqrCalls, type AttemptRow, type Ctx } from './context';
import { submitReceipt } from './receipt';
import { consumeOrderStock } from './stock';
import { decideFromSeqrStatus, judgePayment } from './state-machine';
import { OPEN_ATTEMPT, transition } from './transitions';

export type RefreshReason = 'notification' | 'return-page' | 'sweeper' | 'cancel';

type Flight = { done: Promise<void>; followUp?: Promise<void> };
const globalFlights = globalThis as typeof globalThis & { __seqrShopStatusFlights?: WeakMap<object, Map<string, Flight>> };

/** The calls in flight in this process, per database (Next bundles this module several times). */
function flightsOf(ctx: Ctx): Map<string, Flight> {
  const all = (globalFlights.__seqrShopStatusFlights ??= new WeakMap());
  let flights = all.get(ctx.db);
  if (!flights) all.set(ctx.db, (flights = new Map()));
  return flights;
}

/**
 * Ask SEQR now, without the sweeper's pacing: a notification (SEQR says the state changed) and the
 * return page (SEQR's guide wants a final read there). Deduplicated only against a call already in
 * flight for this attempt in this process: that call may have asked before the payment, so when it
 * is over and the attempt is still open, everyone who waited for it shares one more question.
 */
export function askSeqrNow(ctx: Ctx, attemptId: string, reason: RefreshReason, justRead?: AttemptRow): Promise<void> {
  const flights = flightsOf(ctx);
  const launch = (known?: AttemptRow): Promise<void> => {
    const flight: Flight = {
      done: (async () => {
        const attempt = known ?? (await loadAttempt(ctx, attemptId));
        if (attempt?.status === 'ISSUED') await readStatusAndApply(ctx, attempt, reason);
      })().finally(() => {
        if (flights.get(attemptId) === flight) flights.delete(attemptId);
      }),
    };
    flights.set(attemptId, flight);
    return flight.done;
  };
  const current = flights.get(attemptId);
  // The caller's row, read a moment ago, saves the first question a read; a follow-up reads afresh.
  if (!current) return launch(justRead);
  // A newcomer may already have started a fresh call when the one we waited for ended: join it.
  current.followUp ??= current.done.catch(() => {}).then(() => flights.get(attemptId)?.done ?? launch());
  return current.followUp;
}

/**
 * One getPaymentStatus for the attempt, applied. Returns what SEQR said: a status, 'unknown-invoice'
 * (54: the attempt is ended), or 'no-answer' (busy codes, transport errors: ask again later).
 * Every call goes to the log; the timeline gets every call but the sweeper's routine ones (answered
 * at once, nothing new), which are counted on the attempt instead (statusChecks, by the sweeper's lease).
 */
export async function readStatusAndApply(ctx: Ctx, attempt: AttemptRow, reason: RefreshReason): Promise<PaymentStatus | 'unknown-invoice' | 'no-answer'> {
  if (!attempt.invoiceReference) return 'no-answer';
  const reference = attempt.invoiceReference;
  const records: SeqrCallRecord[] = [];
  let status: PaymentStatus;
  try {
    status = await ctx.seqr.getPaymentStatus(reference, attempt.invoiceVersion, { onCall: (record) => records.push(record) });
  } catch (error) {
    await recordSeqrCalls(ctx, attempt.orderId, records);
    if (isSeqrResultError(error) && error.code === 54) {
      await closeAttempt(ctx, attempt, ['ISSUED'], 'FAILED', { resultCode: 54 }, 'SEQR does not know this invoice any more.');
      return 'unknown-invoice';
    }
    if (isSeqrResultError(error) || isSeqrTransportError(error)) return 'no-answer'; // the next poll or sweep asks again
    throw error;
  }
  const routine = reason === 'sweeper' && isNothingNew(attempt, status) && records.every((record) => record.resultCode === 0 && record.attempt === 1);
  if (!routine) await recordSeqrCalls(ctx, attempt.orderId, records);
  await applySeqrStatus(ctx, attempt, status, reason);
  return status;
}

/** SEQR's answer leaves the attempt as it is: same state, no newer invoice version. */
export function isNothingNew(attempt: AttemptRow, status: PaymentStatus): boolean {
  return status.version <= attempt.invoiceVersion && decideFromSeqrStatus(attempt.status, status.status).kind === 'stay';
}

/** Apply a status SEQR reported for an attempt. Safe to call from any number of racing callers. */
export async function applySeqrStatus(ctx: Ctx, attempt: AttemptRow, status: PaymentStatus, reason: RefreshReason): Promise<void> {
  if (status.version > attempt.invoiceVersion) {
    await ctx.db.paymentAttempt.updateMany({ where: { id: attempt.id, invoiceVersion: { lt: status.version } }, data: { invoiceVersion: status.version } });
  }
  const decision = decideFromSeqrStatus(attempt.status, status.status);
  if (decision.kind === 'stay') return;
  if (decision.kind === 'anomaly') {
    await note(ctx, attempt.orderId, decision.reason);
    if (decision.paidAfterClose) await reviewUnexpectedPayment(ctx, attempt, status, decision.reason);
    return;
  }
  if (decision.to === 'PAID') {
    if (await markPaid(ctx, attempt, status, reason)) {
      ctx.onSettled?.('paid');
      await submitReceipt(ctx, attempt.id);
    }
    return;
  }
  const messages = { CANCELED: 'The payment was cancelled.', FAILED: 'The payment failed in the SEQR app.', EXPIRED: 'SEQR expired the invoice.' } as const;
  await closeAttempt(ctx, attempt, OPEN_ATTEMPT, decision.to, {}, `${messages[decision.to]} (seen by ${reason})`);
}

function paidAmount(status: PaymentStatus, fallback: { ore: number; currency: string }): { ore: number; currency: string } {
  const total = status.receipt?.invoice?.totalAmount;
  return total ? { ore: total.ore, currency: total.currency.trim().toUpperCase() } : fallback;
}

/** The PAID transition: attempt, order and cart in one transaction. Returns true for the winner. */
async function markPaid(ctx: Ctx, attempt: AttemptRow, status: PaymentStatus, reason: RefreshReason): Promise<boolean> {
  const ersReference = status.ersReference!;
  const now = ctx.clock.now();
  const paidAt = status.receipt?.paymentDate ?? now;
  return ctx.db.$transaction(async (tx) => {
    const readOrder = () => tx.order.findUniqueOrThrow({ where: { id: attempt.orderId }, include: { lines: true } });
    let order = await readOrder();
    const invoiced = await tx.paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id }, select: { amountOre: true, pendingUpdate: true } });
    let amountOre = invoiced.amountOre;
    const paid = paidAmount(status, { ore: invoiced.amountOre, currency: order.currency });
    // An invoice update in flight: a payment of the new amount shows SEQR had it, so the order takes
    // the new contents now (read again); a payment of the old amount means the update came too late.
    const pendingTotal = (invoiced.pendingUpdate as { totalOre?: number } | null)?.totalOre;
    if (pendingTotal !== undefined && paid.ore === pendingTotal && paid.ore !== invoiced.amountOre) {
      await completePendingUpdate(tx, attempt, now);
      order = await readOrder();
      amountOre = (await tx.paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id }, select: { amountOre: true } })).amountOre;
    }
    const moved = await transition.attempt(tx, attempt, 'PAID', {
      from: OPEN_ATTEMPT,
      data: {
        ersReference,
        paidAt,
        closedAt: now,
        resultCode: 0,
        invoiceVersion: status.version,
        paidAmountOre: paid.ore,
        paidCurrency: paid.currency,
        updatePendingSince: null,
        pendingUpdate: Prisma.DbNull,
        customerTokens: status.customerTokens.length > 0 ? (status.customerTokens as Prisma.InputJsonValue) : undefined,
      },
      timeline: { at: now, message: `Paid, SEQR reference ${ersReference} (seen by ${reason}).` },
    });
    if (!moved) return false;
    const verdict = judgePayment({ amountOre, currency: order.currency, orderTotalOre: order.totalOre }, paid);
    const to = verdict.kind === 'review' ? 'REVIEW' : 'PAID';
    const orderMoved = await transition.order(tx, order.id, to, {
      from: ['AWAITING_PAYMENT'],
      data: {
        paidOre: paid.ore,
        paidCurrency: paid.currency,
        paidAt,
        lastActivityAt: now,
        reviewReason: verdict.kind === 'review' ? verdict.reason : null,
        openAttemptId: order.openAttemptId === attempt.id ? null : order.openAttemptId,
      },
      timeline: { at: now, message: verdict.kind === 'review' ? `${verdict.reason} The merchant must review this payment before shipping.` : `Order paid (${ersReference}).` },
    });
    if (!orderMoved) {
      // A payment for an order that no longer waits for one (it was abandoned meanwhile): keep the
      // money visible to the merchant rather than lose it.
      await transition.order(tx, order.id, 'REVIEW', {
        from: ['ABANDONED'],
        data: { paidOre: paid.ore, paidCurrency: paid.currency, paidAt, lastActivityAt: now, reviewReason: `Paid (${ersReference}) after the order was abandoned.` },
        timeline: { at: now, message: `Paid (${ersReference}) after the order was abandoned; the merchant must review it.` },
      });
    }
    if (order.cartId) await consumeCartForPaidOrder(tx, order.cartId, order.lines);
    await consumeOrderStock(tx, attempt.id, order.id, now);
    return true;
  });
}

/**
 * SEQR reports PAID for an invoice the shop had closed unpaid (its cancel did not take, or an
 * orphan was paid). SEQR counts it as confirmed now, so the money is the shop's: the merchant must
 * see it. The order goes to REVIEW when it does not already hold a payment.
 */
async function reviewUnexpectedPayment(ctx: Ctx, attempt: AttemptRow, status: PaymentStatus, reason: string): Promise<void> {
  const now = ctx.clock.now();
  const paid = await ctx.db.$transaction(async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: attempt.orderId }, select: { currency: true } });
    const paid = paidAmount(status, { ore: attempt.amountOre, currency: order.currency });
    const reviewed = await transition.order(tx, attempt.orderId, 'REVIEW', {
      from: ['AWAITING_PAYMENT', 'ABANDONED'],
      where: { openAttemptId: null },
      data: { paidOre: paid.ore, paidCurrency: paid.currency, paidAt: status.receipt?.paymentDate ?? now, lastActivityAt: now, reviewReason: `${reason} (SEQR reference ${status.ersReference ?? 'unknown'}).` },
      timeline: { at: now, message: `${reason}; the merchant must review it.` },
    });
    // The order's only payment: its goods are sold, though their reservation was released (flagged
    // oversold when they are gone). A second payment of an already paid order takes nothing more.
    if (reviewed) await consumeOrderStock(tx, attempt.id, attempt.orderId, now);
    return paid;
  });
  // Keep SEQR's references on the attempt, so the merchant can refund this payment.
  await ctx.db.paymentAttempt.updateMany({
    where: { id: attempt.id, ersReference: null },
    data: { ersReference: status.ersReference ?? null, paidAt: status.receipt?.paymentDate ?? ctx.clock.now(), paidAmountOre: paid.ore, paidCurrency: paid.currency, nextCheckAt: later(ctx, 60_000) },
  });
}
