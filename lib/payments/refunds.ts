// Refunds (PROTOCOL.md §6.7). The amount is reserved on the order by one conditional UPDATE before
// SEQR is called, so concurrent refunds can never add up to more than was paid. A refusal releases
// the reservation; an unknown outcome keeps it (nothing is refunded twice) and says so.
import { randomBytes } from 'node:crypto';
import { getDb } from '../db';
import { Prisma } from '../generated/prisma/client';
import { appendOrderEvent, orderNumberLabel } from '../orders';
import { decimalStringToOre, formatMoney } from '../money';
import type { Message } from '../i18n';
import { getSeqrClient, SeqrResultError, SeqrTransportError, type SeqrCallRecord } from '../seqr';
import { orderStatusAfterRefund } from './state-machine';

export type RefundResult = { ok: boolean; message: Message };

/** "123.45" or "123,45" kronor -> öre; null when it is not an amount with at most 2 decimals. */
export function parseRefundAmount(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const normalised = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(normalised)) return null;
  try {
    return decimalStringToOre(normalised);
  } catch {
    return null;
  }
}

export async function refundOrder(orderId: string, amountOre: number, actor: string): Promise<RefundResult> {
  const db = getDb();
  if (!Number.isSafeInteger(amountOre) || amountOre <= 0) return { ok: false, message: { key: 'admin.refund.positive' } };
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { attempts: { where: { status: 'PAID' }, take: 1 }, refunds: { select: { id: true } } },
  });
  const payment = order?.attempts[0];
  if (!order || !payment?.ersReference) return { ok: false, message: { key: 'admin.refund.noPayment' } };
  const ersReference = payment.ersReference;
  const left = order.paidOre - order.refundedOre;
  if (amountOre > left) {
    return { ok: false, message: { key: 'admin.refund.tooMuch', params: { left: formatMoney(left), paid: formatMoney(order.paidOre), refunded: formatMoney(order.refundedOre) } } };
  }

  // Reserve: succeeds for one of two racing refunds when together they exceed what is left.
  const reserved = await db.$executeRaw(Prisma.sql`
    UPDATE "Order" SET "refundedOre" = "refundedOre" + ${amountOre}, "updatedAt" = now()
     WHERE "id" = ${orderId}::uuid AND "status" IN ('PAID', 'PARTIALLY_REFUNDED') AND "refundedOre" + ${amountOre} <= "paidOre"`);
  if (reserved !== 1) {
    const fresh = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { paidOre: true, refundedOre: true } });
    return { ok: false, message: { key: 'admin.refund.raced', params: { left: formatMoney(fresh.paidOre - fresh.refundedOre) } } };
  }
  const refundNumber = order.refunds.length + 1;
  const refund = await db.refund.create({
    data: { orderId, attemptId: payment.id, amountOre, clientReference: `${orderNumberLabel(order.number)}-R${refundNumber}-${randomBytes(3).toString('hex')}` },
  });
  await appendOrderEvent(orderId, { kind: 'NOTE', message: `${actor} started a refund of ${formatMoney(amountOre)}.` });

  const records: SeqrCallRecord[] = [];
  try {
    const result = await getSeqrClient().refundPayment(
      ersReference,
      { title: `Refund, order ${orderNumberLabel(order.number)}`, totalOre: amountOre, currency: order.currency, clientInvoiceId: refund.clientReference.slice(0, 64), cashierId: actor },
      { onCall: (record) => records.push(record) },
    );
    const updated = await db.$transaction(async (tx) => {
      await tx.refund.update({ where: { id: refund.id }, data: { status: 'SUCCEEDED', ersReference: result.ersReference, resultCode: 0 } });
      const current = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { paidOre: true, refundedOre: true, status: true } });
      const status = orderStatusAfterRefund(current.paidOre, current.refundedOre);
      await tx.order.update({ where: { id: orderId }, data: { status } });
      await tx.orderEvent.create({ data: { orderId, kind: 'STATUS_CHANGE', fromStatus: current.status, toStatus: status, message: `Refunded ${formatMoney(amountOre)}, SEQR reference ${result.ersReference}.` } });
      return status;
    });
    return { ok: true, message: { key: updated === 'REFUNDED' ? 'admin.refund.doneFull' : 'admin.refund.donePartial', params: { amount: formatMoney(amountOre) } } };
  } catch (error) {
    if (error instanceof SeqrResultError) {
      await db.$transaction([
        db.refund.update({ where: { id: refund.id }, data: { status: 'FAILED', resultCode: error.code, message: error.sentence } }),
        db.$executeRaw(Prisma.sql`UPDATE "Order" SET "refundedOre" = "refundedOre" - ${amountOre}, "updatedAt" = now() WHERE "id" = ${orderId}::uuid`),
        db.orderEvent.create({ data: { orderId, kind: 'NOTE', message: `SEQR refused the refund of ${formatMoney(amountOre)}: ${error.code} ${error.resultName}.` } }),
      ]);
      return { ok: false, message: { key: 'admin.refund.refused', seqrCode: error.code } };
    }
    if (error instanceof SeqrTransportError) {
      const message: Message = { key: 'admin.refund.unknown', params: { amount: formatMoney(amountOre) } };
      const note = `SEQR did not answer, so it is not known whether ${formatMoney(amountOre)} was refunded; the amount stays reserved.`;
      await db.refund.update({ where: { id: refund.id }, data: { message: note } });
      await appendOrderEvent(orderId, { kind: 'NOTE', message: note });
      return { ok: false, message };
    }
    throw error;
  } finally {
    for (const record of records) {
      await appendOrderEvent(orderId, { kind: 'SEQR_CALL', operation: record.operation, resultCode: record.resultCode, durationMs: record.durationMs, message: record.failure ? `No answer: ${record.failure}` : record.resultName });
    }
  }
}
