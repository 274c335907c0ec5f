// What SEQR's answers mean for an attempt: pure decisions, applied by the use cases through
// transitions.ts.
import type { InvoiceStatus } from '../seqr/types';
import { isOpenAttempt, type AttemptStatus } from './transitions';

export type Decision =
  | { kind: 'stay' }
  | { kind: 'transition'; to: Exclude<AttemptStatus, 'CREATED' | 'ISSUED'> }
  /** SEQR reports something that contradicts what we recorded (e.g. CANCELED after we saw PAID). */
  | { kind: 'anomaly'; reason: string; paidAfterClose: boolean };

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
  if (current === 'PAID') return { kind: 'anomaly', reason: `SEQR reports ${seqr} for an invoice the shop confirmed as PAID`, paidAfterClose: false };
  if (seqr === 'PAID') return { kind: 'anomaly', reason: `SEQR reports PAID for an invoice the shop closed as ${current}`, paidAfterClose: true };
  return { kind: 'stay' };
}

/**
 * cancelInvoice's answer (PROTOCOL.md §6.4). Only 0 and 95 (already cancelled) settle it; after any
 * other answer (50 paid, 51/48 being paid, 58 expired, 54 unknown, busy codes) the shop reads the
 * status before deciding, since SEQR may have ended the invoice itself.
 */
export type CancelOutcome = 'cancelled' | 'read-status';

export function cancelOutcome(resultCode: number): CancelOutcome {
  return resultCode === 0 || resultCode === 95 ? 'cancelled' : 'read-status';
}

/** What a PAID status means for the order: as invoiced, or something the merchant must review. */
export function judgePayment(
  invoiced: { amountOre: number; currency: string; orderTotalOre: number },
  paid: { ore: number; currency: string },
): { kind: 'as-invoiced' } | { kind: 'review'; reason: string } {
  if (paid.currency !== invoiced.currency) {
    return { kind: 'review', reason: `SEQR reports a payment in ${paid.currency}; the invoice was in ${invoiced.currency}.` };
  }
  if (paid.ore !== invoiced.amountOre) {
    return { kind: 'review', reason: `SEQR reports ${paid.ore} öre paid; the invoice asked for ${invoiced.amountOre} öre.` };
  }
  if (invoiced.orderTotalOre !== invoiced.amountOre) {
    return { kind: 'review', reason: `The invoice asked for ${invoiced.amountOre} öre; the order totals ${invoiced.orderTotalOre} öre.` };
  }
  return { kind: 'as-invoiced' };
}
