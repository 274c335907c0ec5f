// Back-office reads of orders: list with status filter and search, and one order with its history.
import { z } from 'zod';
import { getDb } from '../db';
import type { OrderStatus, Prisma } from '../generated/prisma/client';
import type { Message } from '../i18n';
import { formatMoney } from '../money';
import { refundableOre } from '../payments/transitions';

export const ORDER_STATUSES = ['AWAITING_PAYMENT', 'REVIEW', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'ABANDONED'] as const satisfies readonly OrderStatus[];

export const OrderListQuerySchema = z.object({
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

/** Orders, newest first. `q` finds an order token, order number, SEQR reference or e-mail. */
export async function listOrdersForAdmin(query: OrderListQuery, limit = 100) {
  const and: Prisma.OrderWhereInput[] = [];
  if (query.status) and.push({ status: query.status });
  const q = query.q?.trim();
  if (q) {
    const number = /^(?:NV-)?0*(\d{1,9})$/i.exec(q)?.[1];
    and.push({
      OR: [
        { publicToken: q },
        { email: { contains: q, mode: 'insensitive' } },
        { attempts: { some: { OR: [{ ersReference: q }, { invoiceReference: q }] } } },
        { refunds: { some: { ersReference: q } } },
        ...(number ? [{ number: Number(number) }] : []),
      ],
    });
  }
  return getDb().order.findMany({
    where: { AND: and },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: { id: true, number: true, status: true, email: true, totalOre: true, paidOre: true, refundedOre: true, createdAt: true, paidAt: true },
  });
}

export async function orderForAdmin(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return getDb().order.findUnique({
    where: { id },
    include: {
      lines: { orderBy: { position: 'asc' } },
      attempts: { orderBy: { attemptNumber: 'desc' } },
      refunds: { orderBy: { createdAt: 'asc' } },
      events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      mails: { orderBy: { createdAt: 'asc' }, select: { id: true, kind: true, to: true, subject: true, status: true, tries: true, nextTryAt: true, sentAt: true, lastError: true } },
    },
  });
}

/** Order ids are UUIDs; anything else is answered 404 before it reaches the database (which would throw). */
export const isOrderId = (id: string) => z.uuid().safeParse(id).success;

export const orderNotFound = () => Response.json({ error: 'There is no order with this id.' }, { status: 404 });

/**
 * The first step of a refund: is `amountOre` refundable now? Nothing is reserved or sent; the
 * merchant confirms the amount, and refundOrder checks it again under its reservation.
 */
export async function checkRefundRequest(id: string, amountOre: number): Promise<{ ok: true } | { ok: false; message: Message }> {
  if (!Number.isSafeInteger(amountOre) || amountOre <= 0) return { ok: false, message: { key: 'admin.refund.positive' } };
  const order = await getDb().order.findUnique({ where: { id }, select: { status: true, paidOre: true, refundedOre: true, refundReservedOre: true } });
  if (!order || order.paidOre === 0) return { ok: false, message: { key: 'admin.refund.noPayment' } };
  const left = refundableOre(order);
  if (amountOre > left) {
    return { ok: false, message: { key: 'admin.refund.tooMuch', params: { left: formatMoney(left), paid: formatMoney(order.paidOre), refunded: formatMoney(order.refundedOre + order.refundReservedOre) } } };
  }
  return { ok: true };
}

/** `?confirmRefund=<öre>` on the order page: the amount waiting for the merchant's confirmation. */
export const ConfirmRefundSchema = z.coerce.number().int().positive().max(999_999_999_99).optional().catch(undefined);
