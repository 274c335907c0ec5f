// Refunds (PROTOCOL.md §6.7). The amount is reserved on the order by one conditional UPDATE before
// SEQR is called, so concurrent refunds can never add up to more than SEQR reports as paid. A refusal
// releases the reservation; an unknown outcome keeps it and is settled from SEQR's own transaction
// report (refund-settlement.ts), so nothing is refunded twice and nothing stays reserved forever.
import { formatMoney, parseKronorInput } from '../money';
import { Prisma } from '../generated/prisma/client';
import type { Message } from '../i18n';
import { orderNumberLabel } from '../orders';
import { isSeqrResultError, isSeqrTransportError, type SeqrCallRecord } from '../seqr';
import { note, timeline, type Ctx } from './context';
import { orderStatusAfterRefund, refundableOre, transition } from './transitions';

export type RefundResult = { ok: boolean; message: Message };

/** An unknown refund outcome is settled this long after its deadline: the request cannot be in flight any more. */
export const REFUND_SETTLE_GRACE_MS = 30_000;

/** The refund amount a merchant typed ("1346,50", "1 346,50", "1346.50") -> öre; null when it is no amount. */
export function parseRefundAmount(text: unknown): number | null {
  return parseKronorInput(text);
}

type RefundRow = { id: string; orderId: string; amountOre: number };

/**
 * Record a refund's outcome: SUCCEEDED moves the amount from reserved to refunded (and the order's
 * status with it), FAILED releases it. One transaction, and only the caller whose move wins touches
 * the sums, so a racing settlement can never count a refund twice.
 */
export async function settleRefund(ctx: Ctx, refund: RefundRow, outcome: { ok: true; ersReference: string; message: string } | { ok: false; resultCode?: number; message: string }): Promise<boolean> {
  const now = ctx.clock.now();
  const moved = await ctx.db.$transaction(async (tx) => {
    const moved = outcome.ok
      ? await transition.refund(tx, refund, 'SUCCEEDED', { data: { ersReference: outcome.ersReference, resultCode: 0, message: null }, timeline: { at: now, message: outcome.message } })
      : await transition.refund(tx, refund, 'FAILED', { data: { resultCode: outcome.resultCode ?? null, message: outcome.message, nextCheckAt: null }, timeline: { at: now, message: outcome.message } });
    if (!moved) return false;
    if (!outcome.ok) {
      await tx.$executeRaw(Prisma.sql`UPDATE "Order" SET "refundReservedOre" = "refundReservedOre" - ${refund.amountOre}, "updatedAt" = ${now} WHERE "id" = ${refund.orderId}::uuid`);
      return true;
    }
    await tx.$executeRaw(Prisma.sql`
      UPDATE "Order" SET "refundReservedOre" = "refundReservedOre" - ${refund.amountOre}, "refundedOre" = "refundedOre" + ${refund.amountOre}, "updatedAt" = ${now}
       WHERE "id" = ${refund.orderId}::uuid`);
    const order = await tx.order.findUniqueOrThrow({ where: { id: refund.orderId }, select: { status: true, paidOre: true, refundedOre: true } });
    const to = orderStatusAfterRefund(order.status, order.paidOre, order.refundedOre);
    if (to !== order.status) {
      await transition.order(tx, refund.orderId, to, { from: [order.status], timeline: { at: now, message: `Refunded ${formatMoney(order.refundedOre)} of ${formatMoney(order.paidOre)} in all.` } });
    }
    return true;
  });
  if (moved && outcome.ok) ctx.onSettled?.('refunded');
  return moved;
}

export async function refundOrder(ctx: Ctx, orderId: string, amountOre: number, actor: string): Promise<RefundResult> {
  const db = ctx.db;
  if (!Number.isSafeInteger(amountOre) || amountOre <= 0) return { ok: false, message: { key: 'admin.refund.positive' } };
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { attempts: { where: { ersReference: { not: null }, paidAt: { not: null } }, orderBy: { paidAt: 'desc' }, take: 1 }, _count: { select: { refunds: true } } },
  });
  const payment = order?.attempts[0];
  if (!order || !payment?.ersReference) return { ok: false, message: { key: 'admin.refund.noPayment' } };
  const ersReference = payment.ersReference;
  const left = refundableOre(order);
  if (amountOre > left) {
    return { ok: false, message: { key: 'admin.refund.tooMuch', params: { left: formatMoney(left), paid: formatMoney(order.paidOre), refunded: formatMoney(order.refundedOre + order.refundReservedOre) } } };
  }

  // Reserve the amount and record the refund in one transaction (a crash in between would leave a
  // reservation with no refund to settle it). The conditional UPDATE succeeds for one of two racing
  // refunds when together they exceed what is left.
  const now = ctx.clock.now();
  // The clientReference doubles as the refund's cashierId: SEQR's transaction report names the
  // cashier of every transaction, which is how an unknown outcome is settled later.
  const clientReference = `${orderNumberLabel(order.number)}-R${order._count.refunds + 1}-${ctx.ids.token(4)}`;
  const refund = await db.$transaction(async (tx) => {
    const reserved = await tx.$executeRaw(Prisma.sql`
      UPDATE "Order" SET "refundReservedOre" = "refundReservedOre" + ${amountOre}, "updatedAt" = ${now}
       WHERE "id" = ${orderId}::uuid AND "status" IN ('PAID', 'REVIEW', 'PARTIALLY_REFUNDED')
         AND "refundedOre" + "refundReservedOre" + ${amountOre} <= "paidOre"`);
    if (reserved !== 1) return null;
    return tx.refund.create({
      data: { orderId, attemptId: payment.id, amountOre, clientReference, cashierId: clientReference, sentAt: now, createdAt: now, nextCheckAt: new Date(now.getTime() + ctx.settings.seqrTimeoutMs + REFUND_SETTLE_GRACE_MS) },
    });
  });
  if (!refund) {
    const fresh = await db.order.findUniqueOrThrow({ where: { id: orderId } });
    return { ok: false, message: { key: 'admin.refund.raced', params: { left: formatMoney(refundableOre(fresh)) } } };
  }
  await note(ctx, orderId, `${actor} started a refund of ${formatMoney(amountOre)}.`);

  const records: SeqrCallRecord[] = [];
  try {
    let result: { ersReference: string };
    try {
      result = await ctx.seqr.refundPayment(
        ersReference,
        { title: `Refund, order ${orderNumberLabel(order.number)}`, totalOre: amountOre, currency: order.paidCurrency ?? order.currency, clientInvoiceId: clientReference, cashierId: clientReference },
        { onCall: (record) => records.push(record) },
      );
    } catch (error) {
      if (isSeqrResultError(error)) {
        await settleRefund(ctx, refund, { ok: false, resultCode: error.code, message: `SEQR refused the refund of ${formatMoney(amountOre)}: ${error.code} ${error.resultName}.` });
        return { ok: false, message: { key: 'admin.refund.refused', seqrCode: error.code } };
      }
      if (isSeqrTransportError(error) && error.failure === 'refused') {
        // The connection was refused: the request never reached SEQR.
        await settleRefund(ctx, refund, { ok: false, message: `SEQR could not be reached; nothing of ${formatMoney(amountOre)} was refunded.` });
        return { ok: false, message: { key: 'admin.refund.notReached', params: { amount: formatMoney(amountOre) } } };
      }
      if (isSeqrTransportError(error)) {
        const why = `SEQR did not answer, so it is not known yet whether ${formatMoney(amountOre)} was refunded; the amount stays reserved until SEQR's transaction report settles it.`;
        await transition.refund(db, refund, 'UNKNOWN', { from: ['PENDING'], data: { message: why }, timeline: { at: ctx.clock.now(), message: why } });
        return { ok: false, message: { key: 'admin.refund.unknown', params: { amount: formatMoney(amountOre) } } };
      }
      throw error; // the refund stays PENDING; the sweeper settles it like an unknown one
    }
    await settleRefund(ctx, refund, { ok: true, ersReference: result.ersReference, message: `Refunded ${formatMoney(amountOre)}, SEQR reference ${result.ersReference}.` });
    const after = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
    return { ok: true, message: { key: after.status === 'REFUNDED' ? 'admin.refund.doneFull' : 'admin.refund.donePartial', params: { amount: formatMoney(amountOre) } } };
  } finally {
    for (const record of records) {
      await timeline(ctx, orderId, { kind: 'SEQR_CALL', operation: record.operation, resultCode: record.resultCode, durationMs: record.durationMs, message: record.failure ? `No answer: ${record.failure}` : record.resultName });
    }
  }
}


