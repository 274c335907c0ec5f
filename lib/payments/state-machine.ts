// The payment state machine: the one place that decides what a SEQR status means for an attempt.
// Pure; lib/payments/lifecycle.ts applies its decisions with compare-and-set updates.
import type { InvoiceStatus } from '../seqr/types';

export type AttemptStatus = 'CREATED' | 'ISSUED' | 'PAID' | 'CANCELED' | 'FAILED' | 'EXPIRED';
export type OrderStatus = 'AWAITING_PAYMENT' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'ABANDONED';

export const OPEN_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['CREATED', 'ISSUED'];
export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['PAID', 'CANCELED', 'FAILED', 'EXPIRED'];

export function isOpenAttempt(status: AttemptStatus): boolean {
  return OPEN_ATTEMPT_STATUSES.includes(status);
}

export type Decision =
  | { kind: 'stay' }
  | { kind: 'transition'; to: Exclude<AttemptStatus, 'CREATED' | 'ISSUED'> }
  /** SEQR reports something that contradicts what we recorded (e.g. CANCELED after we saw PAID). */
  | { kind: 'anomaly'; reason: string };

/** What an attempt in `current` becomes when SEQR reports `seqr`. */
export function decideFromSeqrStatus(current: AttemptStatus, seqr: InvoiceStatus): Decision {
  if (isOpenAttempt(current)) {
    switch (seqr) {
      case 'PAID':
        return { kind: 'transition', to: 'PAID' };
      case 'CANCELED':
        return { kind: 'transition', to: 'CANCELED' };
      case 'FAILED':
        return { kind: 'transition', to: 'FAILED' };
      case 'EXPIRED':
        return { kind: 'transition', to: 'EXPIRED' };
      default:
        // ISSUED, PENDING_ISSUER_ACKNOWLEDGE, RESERVED and unknown values are not final (PROTOCOL.md §4.1).
        return { kind: 'stay' };
    }
  }
  if (current === seqr) return { kind: 'stay' };
  if (current === 'PAID') return { kind: 'anomaly', reason: `SEQR reports ${seqr} for an invoice the shop confirmed as PAID` };
  if (seqr === 'PAID') return { kind: 'anomaly', reason: `SEQR reports PAID for an invoice the shop closed as ${current}` };
  return { kind: 'stay' };
}

/** The order status after a refund, from the paid and refunded sums. */
export function orderStatusAfterRefund(paidOre: number, refundedOre: number): OrderStatus {
  return refundedOre >= paidOre ? 'REFUNDED' : refundedOre > 0 ? 'PARTIALLY_REFUNDED' : 'PAID';
}

/** Outcome of cancelInvoice for an open attempt (PROTOCOL.md §6.4). */
export type CancelOutcome = 'closed' | 'paid' | 'in-progress' | 'unknown-invoice' | 'retry-later';

export function cancelOutcome(resultCode: number): CancelOutcome {
  switch (resultCode) {
    case 0:
    case 95: // already cancelled counts as cancelled
      return 'closed';
    case 50: // already paid: treat as paid and read the status at once
      return 'paid';
    case 51:
    case 48: // the customer is paying right now
      return 'in-progress';
    case 54:
      return 'unknown-invoice';
    default:
      return 'retry-later';
  }
}
