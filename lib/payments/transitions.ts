// The payment state machine: one transition table per entity, one transition() that applies a move
// by compare-and-set and appends it to the order's timeline in the caller's transaction, and the
// questions pages ask (can retry, how much can be refunded…). Nothing else writes a status column
// (tests/unit/status-writes.test.ts proves it).
import type { OrderStatus, PaymentAttemptStatus, Prisma, ReceiptStatus, RefundStatus } from '../generated/prisma/client';

export type { OrderStatus, PaymentAttemptStatus as AttemptStatus, ReceiptStatus, RefundStatus };

/** Allowed moves, keyed by target: the states each target may be reached from. */
type Table<S extends string> = { readonly [To in S]?: readonly S[] };

export const ORDER_TRANSITIONS: Table<OrderStatus> = {
  PAID: ['AWAITING_PAYMENT', 'REVIEW'], // paid as invoiced, or the merchant accepted a reviewed payment
  REVIEW: ['AWAITING_PAYMENT', 'ABANDONED'], // SEQR reports another amount or currency than the invoice, or a payment after the order closed
  PARTIALLY_REFUNDED: ['PAID', 'REVIEW', 'PARTIALLY_REFUNDED'],
  REFUNDED: ['PAID', 'REVIEW', 'PARTIALLY_REFUNDED'],
  ABANDONED: ['AWAITING_PAYMENT'],
};

export const ATTEMPT_TRANSITIONS: Table<PaymentAttemptStatus> = {
  ISSUED: ['CREATED'], // reference saved, or an orphan invoice adopted
  PAID: ['CREATED', 'ISSUED'],
  CANCELED: ['CREATED', 'ISSUED'],
  FAILED: ['CREATED', 'ISSUED'],
  EXPIRED: ['CREATED', 'ISSUED'],
};

export const REFUND_TRANSITIONS: Table<RefundStatus> = {
  SUCCEEDED: ['PENDING', 'UNKNOWN'],
  FAILED: ['PENDING', 'UNKNOWN'],
  UNKNOWN: ['PENDING'],
};

export const RECEIPT_TRANSITIONS: Table<ReceiptStatus> = {
  SENDING: ['NOT_SENT'],
  SUBMITTED: ['SENDING'],
  NOT_SENT: ['SENDING'], // SEQR certainly did not store it: it may be sent again
  UNKNOWN: ['SENDING'],
};

export const OPEN_ATTEMPT: readonly PaymentAttemptStatus[] = ['CREATED', 'ISSUED'];
export const REFUND_UNSETTLED: readonly RefundStatus[] = ['PENDING', 'UNKNOWN'];
const REFUNDABLE_ORDER: readonly OrderStatus[] = ['PAID', 'REVIEW', 'PARTIALLY_REFUNDED'];
/** Orders paid as invoiced: they have a receipt (a payment under review gets one once accepted). */
export const RECEIPT_ORDER: readonly OrderStatus[] = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'];

export class TransitionNotAllowed extends Error {
  override readonly name = 'TransitionNotAllowed';
}

function allowedFrom<S extends string>(table: Table<S>, entity: string, to: S, from?: readonly S[]): S[] {
  const allowed = table[to] ?? [];
  const chosen = from ? from.filter((state) => allowed.includes(state)) : [...allowed];
  if (chosen.length === 0) throw new TransitionNotAllowed(`${entity}: no allowed move to ${to} from ${from?.join('|') ?? 'anywhere'}.`);
  return chosen;
}

type Tx = Prisma.TransactionClient;
type Timeline = { orderId: string; at: Date; message: string; data?: Prisma.InputJsonValue };

async function recordChange(tx: Tx, timeline: Timeline | undefined, entity: string, from: readonly string[], to: string): Promise<void> {
  if (!timeline) return;
  await tx.orderEvent.create({
    data: { orderId: timeline.orderId, at: timeline.at, kind: 'STATUS_CHANGE', fromStatus: `${entity}:${from.join('|')}`, toStatus: to, message: timeline.message, data: timeline.data },
  });
}

/**
 * Move one entity to `to` if it is in one of the table's states for `to` (narrowed by `from`), with
 * `data` written in the same UPDATE. Returns whether this caller won; only the winner does the side
 * effects. The timeline entry is written only when the move happened.
 */
export const transition = {
  async order(
    tx: Tx,
    id: string,
    to: OrderStatus,
    opts: { from?: readonly OrderStatus[]; data?: Prisma.OrderUpdateManyMutationInput; where?: Prisma.OrderWhereInput; timeline?: Omit<Timeline, 'orderId'> } = {},
  ): Promise<boolean> {
    const from = allowedFrom(ORDER_TRANSITIONS, 'order', to, opts.from);
    const { count } = await tx.order.updateMany({ where: { ...opts.where, id, status: { in: from } }, data: { ...opts.data, status: to } });
    if (count === 1) await recordChange(tx, opts.timeline && { ...opts.timeline, orderId: id }, 'order', from, to);
    return count === 1;
  },

  async attempt(
    tx: Tx,
    attempt: { id: string; orderId: string },
    to: PaymentAttemptStatus,
    opts: { from?: readonly PaymentAttemptStatus[]; data?: Prisma.PaymentAttemptUpdateManyMutationInput; timeline?: Omit<Timeline, 'orderId'> } = {},
  ): Promise<boolean> {
    const from = allowedFrom(ATTEMPT_TRANSITIONS, 'attempt', to, opts.from);
    const { count } = await tx.paymentAttempt.updateMany({ where: { id: attempt.id, status: { in: from } }, data: { ...opts.data, status: to } });
    if (count === 1) await recordChange(tx, opts.timeline && { ...opts.timeline, orderId: attempt.orderId }, 'attempt', from, to);
    return count === 1;
  },

  async receipt(
    tx: Tx,
    attempt: { id: string; orderId: string },
    to: ReceiptStatus,
    opts: { from?: readonly ReceiptStatus[]; data?: Prisma.PaymentAttemptUpdateManyMutationInput; timeline?: Omit<Timeline, 'orderId'> } = {},
  ): Promise<boolean> {
    const from = allowedFrom(RECEIPT_TRANSITIONS, 'receipt', to, opts.from);
    // A receipt exists only for a payment.
    const { count } = await tx.paymentAttempt.updateMany({ where: { id: attempt.id, status: 'PAID', receiptStatus: { in: from } }, data: { ...opts.data, receiptStatus: to } });
    if (count === 1) await recordChange(tx, opts.timeline && { ...opts.timeline, orderId: attempt.orderId }, 'receipt', from, to);
    return count === 1;
  },

  async refund(
    tx: Tx,
    refund: { id: string; orderId: string },
    to: RefundStatus,
    opts: { from?: readonly RefundStatus[]; data?: Prisma.RefundUpdateManyMutationInput; timeline?: Omit<Timeline, 'orderId'> } = {},
  ): Promise<boolean> {
    const from = allowedFrom(REFUND_TRANSITIONS, 'refund', to, opts.from);
    const { count } = await tx.refund.updateMany({ where: { id: refund.id, status: { in: from } }, data: { ...opts.data, status: to } });
    if (count === 1) await recordChange(tx, opts.timeline && { ...opts.timeline, orderId: refund.orderId }, 'refund', from, to);
    return count === 1;
  },
};

// ---------------------------------------------------------------------------------------------
// Derived questions: pages and other modules ask these, never compare status strings themselves.

export function isOpenAttempt(status: PaymentAttemptStatus): boolean {
  return OPEN_ATTEMPT.includes(status);
}

/** The shopper may ask for a new invoice: unpaid, not closed, nothing payable open. */
export function canRetry(order: { status: OrderStatus; openAttemptId: string | null }): boolean {
  return order.status === 'AWAITING_PAYMENT' && order.openAttemptId === null;
}

/** The order waits for a payment (the pay page applies). */
export function awaitsPayment(order: { status: OrderStatus }): boolean {
  return order.status === 'AWAITING_PAYMENT';
}

/** The pay page has nothing to offer any more: show the done page instead. */
export function paymentIsOver(order: { status: OrderStatus }): boolean {
  return order.status !== 'AWAITING_PAYMENT' && order.status !== 'ABANDONED';
}

/** An invoice the shopper can pay right now. */
export function isPayable<T extends { status: string; invoiceQRCode: string | null }>(attempt: T | null | undefined): attempt is T & { invoiceQRCode: string } {
  return attempt?.status === 'ISSUED' && attempt.invoiceQRCode !== null;
}

/** The attempt still waits for SEQR (being created or issued). */
export function isPending(attempt: { status: string } | null | undefined): boolean {
  return attempt ? (OPEN_ATTEMPT as readonly string[]).includes(attempt.status) : false;
}

/** The merchant may withdraw the order's open invoice. */
export function canCancel(order: { openAttemptId: string | null; attempts: { id: string; status: PaymentAttemptStatus; invoiceReference?: string | null }[] }): boolean {
  return order.attempts.some((a) => a.id === order.openAttemptId && a.status === 'ISSUED');
}

/** The receipt the shopper sees: paid as invoiced (a payment under review is not a receipt). */
export function showsReceipt(order: { status: OrderStatus; reviewReason?: string | null }): boolean {
  return RECEIPT_ORDER.includes(order.status) && !order.reviewReason;
}

/** A payment the merchant has not accepted (still in REVIEW, or refunded without being accepted). */
export function needsReview(order: { status: OrderStatus; reviewReason?: string | null }): boolean {
  return order.status === 'REVIEW' || Boolean(order.reviewReason);
}

/** The merchant may accept the payment under review as it is. */
export function canAcceptReview(order: { status: OrderStatus }): boolean {
  return order.status === 'REVIEW';
}

/** What may still be refunded: SEQR's paid amount less confirmed and reserved refunds. */
export function refundableOre(order: { status: OrderStatus; paidOre: number; refundedOre: number; refundReservedOre: number }): number {
  if (!REFUNDABLE_ORDER.includes(order.status)) return 0;
  return Math.max(0, order.paidOre - order.refundedOre - order.refundReservedOre);
}

/** The order status once `refundedOre` of `paidOre` is confirmed refunded. */
export function orderStatusAfterRefund(current: OrderStatus, paidOre: number, refundedOre: number): OrderStatus {
  if (refundedOre >= paidOre && paidOre > 0) return 'REFUNDED';
  if (current === 'REVIEW') return 'REVIEW'; // a partial refund does not settle the review
  if (refundedOre > 0) return 'PARTIALLY_REFUNDED';
  return current;
}

/** Unsettled refund (amount reserved, outcome not yet known). */
export function isRefundUnsettled(status: RefundStatus): boolean {
  return REFUND_UNSETTLED.includes(status);
}
