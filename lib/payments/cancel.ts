// Ending an open invoice from the shop's side: the shop's TTL, a cart change, the merchant. Only
// cancelInvoice's 0 and 95 settle it; after any other answer the status is read before deciding
// (PROTOCOL.md §6.4): SEQR may have been paid (50), be paying (51/48), or have ended it itself
// (58 expired; 54 unknown invoice), and a busy answer tells nothing.
import type { Message } from '../i18n';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { closeAttempt } from './close-attempt';
import { later, loadAttempt, withSeqrLog, type AttemptRow, type Ctx } from './context';
import { readStatusAndApply } from './confirm';
import { cancelOutcome } from './state-machine';

export type WithdrawResult = 'closed' | 'paid' | 'open';

/** cancelInvoice for an open attempt, then whatever SEQR's answer means. */
export async function withdrawInvoice(ctx: Ctx, attempt: AttemptRow, to: 'EXPIRED' | 'CANCELED', message: string): Promise<WithdrawResult> {
  const reference = attempt.invoiceReference;
  if (!reference || attempt.status !== 'ISSUED') return stateOf(ctx, attempt.id);
  let resultCode = 0;
  try {
    await withSeqrLog(ctx, attempt.orderId, (options) => ctx.seqr.cancelInvoice(reference, options));
  } catch (error) {
    if (isSeqrResultError(error)) resultCode = error.code;
    else if (isSeqrTransportError(error)) {
      // No answer: it may or may not be cancelled. The status says which (now, or on the next sweep).
      resultCode = -1;
    } else throw error;
  }
  if (resultCode !== -1 && cancelOutcome(resultCode) === 'cancelled') {
    await closeAttempt(ctx, attempt, ['ISSUED'], to, { resultCode }, message);
    return stateOf(ctx, attempt.id);
  }
  const read = await readStatusAndApply(ctx, attempt, 'cancel');
  const state = await stateOf(ctx, attempt.id);
  if (state === 'open') {
    // Being paid right now, SEQR busy, or no answer: look again shortly.
    await ctx.db.paymentAttempt.updateMany({ where: { id: attempt.id, status: 'ISSUED' }, data: { nextCheckAt: later(ctx, read === 'no-answer' ? 5000 : 2000) } });
  }
  return state;
}

async function stateOf(ctx: Ctx, attemptId: string): Promise<WithdrawResult> {
  const now = await loadAttempt(ctx, attemptId);
  if (!now) return 'closed';
  if (now.status === 'PAID') return 'paid';
  return now.status === 'ISSUED' || now.status === 'CREATED' ? 'open' : 'closed';
}

/** Shop-side TTL reached: withdraw the invoice. */
export async function expireAttempt(ctx: Ctx, attempt: AttemptRow): Promise<void> {
  await withdrawInvoice(ctx, attempt, 'EXPIRED', 'The payment timed out; the shop cancelled the invoice.');
}

/** The merchant withdraws an unpaid invoice from the back office. */
export async function cancelOpenAttemptByMerchant(ctx: Ctx, orderId: string): Promise<{ ok: boolean; message: Message }> {
  const order = await ctx.db.order.findUnique({ where: { id: orderId }, select: { openAttemptId: true } });
  const attempt = order?.openAttemptId ? await loadAttempt(ctx, order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) return { ok: false, message: { key: 'admin.cancel.none' } };
  const outcome = await withdrawInvoice(ctx, attempt, 'CANCELED', 'The merchant cancelled the invoice.');
  switch (outcome) {
    case 'closed':
      return { ok: true, message: { key: 'admin.cancel.done', params: { reference: attempt.invoiceReference } } };
    case 'paid':
      return { ok: false, message: { key: 'admin.cancel.paid' } };
    default:
      return { ok: false, message: { key: 'admin.cancel.open' } };
  }
}

export type ShopperCancelResult = 'no-order' | 'nothing-open' | WithdrawResult;

/** The shopper gives up paying (the app API's cancelPayment): the open invoice is withdrawn. */
export async function cancelOpenAttemptByShopper(ctx: Ctx, orderId: string): Promise<Exclude<ShopperCancelResult, 'no-order'>> {
  const order = await ctx.db.order.findUnique({ where: { id: orderId }, select: { openAttemptId: true } });
  const attempt = order?.openAttemptId ? await loadAttempt(ctx, order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) return 'nothing-open';
  return withdrawInvoice(ctx, attempt, 'CANCELED', 'The customer cancelled the invoice in the app.');
}
