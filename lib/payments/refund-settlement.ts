// Settling a refund whose outcome is unknown (no answer, or the shop stopped mid-call), without ever
// refunding twice. SEQR's API has no "get refund" operation, and resending refundPayment could refund
// twice. But SEQR's transaction report (STD_RECON_003, one row per transaction with its cashier and
// reference) lists every refund, and each of ours carries a unique cashierId. So once the request
// cannot be in flight any more, the shop closes a reconciliation period (markTransactionPeriod,
// recorded like any day close) and reads the report of every period since the refund was sent:
// a row with the refund's cashierId means SUCCEEDED (with SEQR's reference); no row in all of them
// means SEQR never made it, and the reservation is released.
import { parseReportXml } from '../seqr/reports';
import type { Refund } from '../generated/prisma/client';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { note, sentenceOf, type Ctx } from './context';
import { REFUND_SETTLE_GRACE_MS, settleRefund } from './refunds';
import { transition } from './transitions';
import { formatMoney } from '../money';

const DETAILS_REPORT = 'Reconciliation/STD_RECON_003.xml';
const SETTLEMENT = 'refund settlement';
/** Periods are cut by SEQR's clock; look this far before the send time for the one that holds it. */
const CLOCK_SKEW_MS = 60_000;

/** A refund whose call is over without an answer: its outcome from SEQR's report, when it can be known. */
export async function settleUnknownRefund(ctx: Ctx, refund: Refund, now: Date = ctx.clock.now()): Promise<void> {
  const sentAt = (refund.sentAt ?? refund.createdAt).getTime();
  if (refund.status !== 'UNKNOWN' && refund.status !== 'PENDING') return;
  if (now.getTime() < sentAt + ctx.settings.seqrTimeoutMs + REFUND_SETTLE_GRACE_MS) return;
  // Lease it: one settler at a time across processes (the move itself is a compare-and-set anyway).
  const { count } = await ctx.db.refund.updateMany({
    where: { id: refund.id, status: refund.status, OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: now } }] },
    data: { nextCheckAt: new Date(now.getTime() + 15_000) },
  });
  if (count !== 1) return;
  if (refund.status === 'PENDING') {
    // Its process stopped mid-call (a live one records the outcome itself within the deadline).
    await transition.refund(ctx.db, refund, 'UNKNOWN', { from: ['PENDING'], timeline: { at: now, message: `The shop stopped while refunding ${formatMoney(refund.amountOre)}; settling it from SEQR's transaction report.` } });
  }
  try {
    // Read every period since the refund was sent, up to one that ended when the refund could no
    // longer be in flight; when no such period was closed yet (by a day close or an earlier try),
    // cut one now.
    const known = await ctx.db.transactionPeriod.findMany({ where: { closedAt: { gt: new Date(sentAt - CLOCK_SKEW_MS) } }, orderBy: { closedAt: 'asc' } });
    const certain = sentAt + ctx.settings.seqrTimeoutMs + REFUND_SETTLE_GRACE_MS;
    const periods = [...known];
    if (!known.some((period) => period.closedAt.getTime() >= certain)) {
      const previous = await ctx.db.transactionPeriod.findFirst({ where: { scope: 'TERMINAL' }, orderBy: { closedAt: 'desc' }, select: { closedAt: true } });
      const { transactionPeriodId } = await ctx.seqr.markTransactionPeriod({ terminalId: ctx.settings.terminalId });
      periods.push(
        await ctx.db.transactionPeriod.create({
          data: { transactionPeriodId, startedAt: previous?.closedAt ?? null, closedAt: ctx.clock.now(), terminalId: ctx.settings.terminalId, closedBy: SETTLEMENT },
        }),
      );
      await note(ctx, refund.orderId, `Closed reconciliation period ${transactionPeriodId} to settle the refund of ${formatMoney(refund.amountOre)} from SEQR's transaction report.`);
    }
    for (const period of periods) {
      const report = await ctx.seqr.executeReport({ reportId: DETAILS_REPORT, language: 'en', transactionPeriodId: period.transactionPeriodId });
      const row = parseReportXml(report.contentString).rows.find((r) => r.CashierId === refund.cashierId);
      if (row) {
        const ersReference = row.ErsReference ?? '';
        await settleRefund(ctx, refund, { ok: true, ersReference, message: `SEQR's transaction report shows the refund of ${formatMoney(refund.amountOre)} (SEQR reference ${ersReference}).` });
        return;
      }
    }
    await settleRefund(ctx, refund, {
      ok: false,
      message: `SEQR's transaction reports since the refund was sent have no refund of ${formatMoney(refund.amountOre)}: SEQR never made it. The amount is released and may be refunded again.`,
    });
  } catch (error) {
    if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error;
    // Report not ready (2), SEQR busy or unreachable: the lease above brings it back shortly.
    if (!(isSeqrResultError(error) && error.code === 2)) await note(ctx, refund.orderId, `Settling the refund of ${formatMoney(refund.amountOre)} waits for SEQR: ${sentenceOf(error)}`);
  }
}
