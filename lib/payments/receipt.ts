// submitPaymentReceipt, at most once per payment, and never left hanging. The receipt is claimed
// (SENDING) by compare-and-set just before the call. A certain refusal returns it to NOT_SENT (sent
// again later). A claim whose outcome is not known (no answer, or the process died mid-call) is
// settled once the call can no longer be in flight: with an invoice lookup, by asking whether SEQR
// stored it; without one, it is marked UNKNOWN and not resent, so a receipt is never sent twice.
import { findOrderById } from '../orders';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { loadAttempt, note, sentenceOf, withSeqrLog, type AttemptRow, type Ctx } from './context';
import { sellerDetails } from '../shop/seller';
import { receiptHtml } from './receipt-document';
import { showsReceipt, transition } from './transitions';

/** A SENDING claim older than the SEQR deadline plus this margin belongs to a call that is over. */
export const RECEIPT_SETTLE_MARGIN_MS = 15_000;

export async function submitReceipt(ctx: Ctx, attemptId: string): Promise<void> {
  const attempt = await loadAttempt(ctx, attemptId);
  if (!attempt?.ersReference || attempt.status !== 'PAID' || attempt.receiptStatus !== 'NOT_SENT') return;
  const order = await findOrderById(attempt.orderId, ctx.db);
  // A payment under review gets its receipt when the merchant accepts it: the receipt would state
  // the order's total, which is not what SEQR charged.
  if (!order || !showsReceipt(order)) return;
  const ersReference = attempt.ersReference;
  const document = receiptHtml(order, { ersReference, paidAt: attempt.paidAt ?? ctx.clock.now() }, sellerDetails());
  const claimed = await transition.receipt(ctx.db, attempt, 'SENDING', { from: ['NOT_SENT'], data: { receiptClaimedAt: ctx.clock.now() } });
  if (!claimed) return;
  try {
    const sent = await withSeqrLog(ctx, order.id, (options) => ctx.seqr.submitPaymentReceipt(ersReference, { mimeType: 'text/html', data: document, receiptType: 'PAYMENT_RECEIPT' }, options));
    await transition.receipt(ctx.db, attempt, 'SUBMITTED', {
      from: ['SENDING'],
      data: { receiptSubmittedAt: ctx.clock.now(), receiptErsReference: sent.ersReference ?? null },
      timeline: { at: ctx.clock.now(), message: `Receipt submitted to SEQR${sent.ersReference ? ` (${sent.ersReference})` : ''}.` },
    });
  } catch (error) {
    if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error; // stays SENDING: settled later
    const notStored = (isSeqrResultError(error) && error.retryable) || (isSeqrTransportError(error) && error.failure === 'refused');
    const refused = isSeqrResultError(error) && !error.retryable;
    if (notStored) {
      await transition.receipt(ctx.db, attempt, 'NOT_SENT', { from: ['SENDING'], data: { receiptClaimedAt: null }, timeline: { at: ctx.clock.now(), message: `Receipt not submitted: ${sentenceOf(error)} It will be sent again.` } });
    } else if (refused) {
      // SEQR answered no for good (e.g. unknown reference): nothing was stored, and sending again would
      // get the same answer. Recorded for the merchant.
      await transition.receipt(ctx.db, attempt, 'UNKNOWN', { from: ['SENDING'], timeline: { at: ctx.clock.now(), message: `SEQR refused the receipt: ${sentenceOf(error)}` } });
    } else if (!ctx.invoiceLookup) {
      await giveUpReceipt(ctx, attempt, `Receipt outcome unknown: ${sentenceOf(error)}`);
    } else {
      await note(ctx, order.id, `Receipt outcome unknown: ${sentenceOf(error)} The shop checks with SEQR before sending it again.`);
    }
  }
}

async function giveUpReceipt(ctx: Ctx, attempt: AttemptRow, why: string): Promise<void> {
  await transition.receipt(ctx.db, attempt, 'UNKNOWN', {
    from: ['SENDING'],
    timeline: { at: ctx.clock.now(), message: `${why} SEQR cannot say whether it stored the receipt, so it is not sent again (never twice).` },
  });
}

/** A SENDING claim whose call is over (no answer, or its process died): learn the outcome or record it as unknown. */
export async function settleReceiptClaim(ctx: Ctx, attempt: AttemptRow): Promise<void> {
  if (attempt.status !== 'PAID' || attempt.receiptStatus !== 'SENDING') return;
  const claimedAt = attempt.receiptClaimedAt?.getTime() ?? 0;
  if (claimedAt > ctx.clock.now().getTime() - ctx.settings.seqrTimeoutMs - RECEIPT_SETTLE_MARGIN_MS) return;
  if (!ctx.invoiceLookup) return giveUpReceipt(ctx, attempt, 'The receipt was being sent when the call ended without an answer or the shop stopped.');
  let stored: boolean | undefined;
  try {
    const found = await ctx.invoiceLookup.findByClientInvoiceId(attempt.clientInvoiceId);
    const mine = found.find((invoice) => invoice.invoiceReference === attempt.invoiceReference);
    stored = mine?.receiptCount === undefined ? undefined : mine.receiptCount > 0;
  } catch (error) {
    await note(ctx, attempt.orderId, `${sentenceOf(error)} The receipt is checked again shortly.`);
    return;
  }
  if (stored === undefined) return giveUpReceipt(ctx, attempt, 'The receipt was being sent when the call ended without an answer or the shop stopped.');
  if (stored) {
    await transition.receipt(ctx.db, attempt, 'SUBMITTED', {
      from: ['SENDING'],
      data: { receiptSubmittedAt: ctx.clock.now() },
      timeline: { at: ctx.clock.now(), message: 'SEQR had stored the receipt whose answer was lost.' },
    });
    return;
  }
  const reset = await transition.receipt(ctx.db, attempt, 'NOT_SENT', {
    from: ['SENDING'],
    data: { receiptClaimedAt: null },
    timeline: { at: ctx.clock.now(), message: 'SEQR never received the receipt whose call was cut off; sending it now.' },
  });
  if (reset) await submitReceipt(ctx, attempt.id);
}
