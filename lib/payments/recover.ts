// Attempts whose sendInvoice outcome is unknown: the shop stopped between sendInvoice and saving the
// reference, or SEQR answered too late. Find the invoice SEQR may have created (invoice lookup, when
// the endpoint offers one): cancel it, or adopt it if it was paid after all, so the order ends either
// paid or payable again, never stuck. Without a lookup the attempt is given up: nobody was shown that
// invoice, so nobody can pay it, and SEQR lets it expire.
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { closeAttempt } from './close-attempt';
import { sentenceOf, note, withSeqrLog, type AttemptRow, type Ctx } from './context';
import { askSeqrNow } from './confirm';
import { cancelOutcome } from './state-machine';
import { transition } from './transitions';
import type { FoundInvoice } from './ports';

/**
 * A CREATED attempt older than this never got its reference saved: the process calling sendInvoice
 * stopped, since sendInvoice is tried once and ends within the SEQR deadline. The margin covers
 * clock skew between instances.
 */
export function staleCreatedAfterMs(ctx: Ctx): number {
  return ctx.settings.seqrTimeoutMs + 5000;
}

export async function resolveStaleCreated(ctx: Ctx, attempt: AttemptRow): Promise<void> {
  if (attempt.status !== 'CREATED' || attempt.createdAt.getTime() > ctx.clock.now().getTime() - staleCreatedAfterMs(ctx)) return;
  await resolveOrphanedAttempt(ctx, attempt, 'The invoice reference was never saved (the shop stopped while calling SEQR)');
}

/** Settle a CREATED attempt whose sendInvoice outcome is unknown; `why` opens the timeline entry. */
export async function resolveOrphanedAttempt(ctx: Ctx, attempt: AttemptRow, why: string, options: { mayBeInFlight?: boolean } = {}): Promise<void> {
  if (attempt.status !== 'CREATED') return;
  if (!ctx.invoiceLookup) {
    await closeAttempt(ctx, attempt, ['CREATED'], 'FAILED', {}, `${why}. SEQR cannot look invoices up by order number; nobody was shown that invoice, so it cannot be paid, and SEQR lets it expire. Attempt given up.`);
    return;
  }
  let found: FoundInvoice[];
  try {
    found = await ctx.invoiceLookup.findByClientInvoiceId(attempt.clientInvoiceId);
  } catch (error) {
    await note(ctx, attempt.orderId, `${sentenceOf(error)} Trying again shortly.`);
    return; // the sweeper's lease pushed nextCheckAt: it looks again in a few seconds
  }
  // The notificationUrl carries this attempt's secret token: it tells this attempt's invoice apart
  // from any other with the same order number (another database against the same terminal).
  const mine = found.filter((invoice) => invoice.notificationUrl?.endsWith(`/api/seqr/notify/${attempt.notificationToken}`));
  // Nothing yet, but a request we gave up waiting for may still reach SEQR: settle it only once it
  // cannot be in flight any more (the sweeper comes back to stale CREATED attempts). Any answer at
  // all (an HTTP error, a fault, garbage) means SEQR is done with it.
  if (mine.length === 0 && options.mayBeInFlight && attempt.createdAt.getTime() > ctx.clock.now().getTime() - staleCreatedAfterMs(ctx)) return;
  const adopt = async (reference: string, reason: string) => {
    const adopted = await transition.attempt(ctx.db, attempt, 'ISSUED', {
      from: ['CREATED'],
      data: { invoiceReference: reference, lastStatusAt: null, nextCheckAt: ctx.clock.now() },
      timeline: { at: ctx.clock.now(), message: `${why}. Invoice ${reference} found by order number (${reason}).` },
    });
    if (adopted) await askSeqrNow(ctx, attempt.id, 'sweeper');
  };
  const cancelled: string[] = [];
  for (const invoice of mine) {
    if (invoice.status === 'PAID' || invoice.status === 'RESERVED') return adopt(invoice.invoiceReference, `SEQR says ${invoice.status}`);
    if (invoice.status !== 'ISSUED' && invoice.status !== 'PENDING_ISSUER_ACKNOWLEDGE') continue; // already final, unpaid
    let resultCode = 0;
    try {
      await withSeqrLog(ctx, attempt.orderId, (options) => ctx.seqr.cancelInvoice(invoice.invoiceReference, options));
    } catch (error) {
      if (isSeqrTransportError(error)) return; // no answer: look again on the next sweep
      if (!isSeqrResultError(error)) throw error;
      resultCode = error.code;
    }
    if (cancelOutcome(resultCode) !== 'cancelled') {
      // Anything but "cancelled": adopt the invoice and let the status decide (paid, being paid,
      // ended by SEQR); the adopted attempt is an ordinary open one from here on.
      return adopt(invoice.invoiceReference, `cancelInvoice answered ${resultCode}`);
    }
    cancelled.push(invoice.invoiceReference);
  }
  const message =
    cancelled.length > 0
      ? `${why}. Found the orphan invoice ${cancelled.join(', ')} by order number and cancelled it.`
      : mine.length > 0
        ? `${why}. The invoice SEQR created has already ended unpaid.`
        : `${why}, and SEQR never created the invoice.`;
  await closeAttempt(ctx, attempt, ['CREATED'], 'FAILED', {}, message);
}
