// A payment under review (SEQR reports another amount or currency than the invoice): the merchant
// looks at it and accepts it, after which the order is an ordinary paid order and gets its receipt.
// Refunds stay possible before and after, up to what SEQR reports as paid.
import type { Message } from '../i18n';
import type { Ctx } from './context';
import { submitReceipt } from './receipt';
import { orderStatusAfterRefund, transition } from './transitions';

export async function acceptReviewedPayment(ctx: Ctx, orderId: string, actor: string): Promise<{ ok: boolean; message: Message }> {
  const now = ctx.clock.now();
  const accepted = await ctx.db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: orderId }, select: { status: true, paidOre: true, refundedOre: true } });
    if (!order || order.status !== 'REVIEW') return false;
    // Refunds made while it was under review stay counted.
    const to = orderStatusAfterRefund('PAID', order.paidOre, order.refundedOre);
    return transition.order(tx, orderId, to, { from: ['REVIEW'], data: { reviewReason: null, lastActivityAt: now }, timeline: { at: now, message: `${actor} accepted the payment as it is.` } });
  });
  if (!accepted) return { ok: false, message: { key: 'admin.review.none' } };
  ctx.onSettled?.('paid');
  const payment = await ctx.db.paymentAttempt.findFirst({ where: { orderId, status: 'PAID' }, select: { id: true } });
  if (payment) await submitReceipt(ctx, payment.id);
  return { ok: true, message: { key: 'admin.review.accepted' } };
}
