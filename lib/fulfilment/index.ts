// Fulfilment: the merchant packs a paid order, then ships it with a carrier and tracking number.
// Each step is a compare-and-set (UPDATE … WHERE fulfilmentStatus = expected AND the order is paid),
// recorded in the order's timeline in the same transaction: a double click ships once. The payment
// state is not touched here (lib/payments owns it); this only reads it.
import { z } from 'zod';
import { getDb } from '../db';
import type { FulfilmentStatus, OrderStatus, PrismaClient } from '../generated/prisma/client';
import type { Message, MessageKey } from '../i18n';
import { kickMailer } from '../mail/wiring';

export const CARRIERS = ['PostNord', 'DHL', 'DB Schenker', 'Bring', 'Budbee', 'Instabox', 'Airmee'] as const;
export type Carrier = (typeof CARRIERS)[number];

/** Order states in which goods are owed: paid, or refunded only in part. */
const SHIPPABLE_ORDER: readonly OrderStatus[] = ['PAID', 'PARTIALLY_REFUNDED'];

export const ShipmentSchema = z.object({
  carrier: z.enum(CARRIERS, { error: 'admin.fulfilment.badCarrier' }),
  trackingNumber: z
    .string({ error: 'admin.fulfilment.badTracking' })
    .transform((value) => value.replace(/\s+/g, '').toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9-]{4,40}$/, { error: 'admin.fulfilment.badTracking' })),
});
export type Shipment = z.infer<typeof ShipmentSchema>;

export function parseShipment(input: { carrier: unknown; trackingNumber: unknown }): { ok: true; shipment: Shipment } | { ok: false; message: Message } {
  const parsed = ShipmentSchema.safeParse({ carrier: input.carrier ?? '', trackingNumber: input.trackingNumber ?? '' });
  if (parsed.success) return { ok: true, shipment: parsed.data };
  return { ok: false, message: { key: parsed.error.issues[0]!.message as MessageKey } };
}

type FulfilmentOrder = { status: OrderStatus; fulfilmentStatus: FulfilmentStatus };

export function canPack(order: FulfilmentOrder): boolean {
  return SHIPPABLE_ORDER.includes(order.status) && order.fulfilmentStatus === 'UNFULFILLED';
}

export function canShip(order: FulfilmentOrder): boolean {
  return SHIPPABLE_ORDER.includes(order.status) && order.fulfilmentStatus === 'PACKED';
}

export type FulfilmentOutcome = { ok: boolean; message: Message; status?: number };

/** Mark a paid order packed. */
export async function markPacked(orderId: string, actor: string, options: { db?: PrismaClient; now?: Date } = {}): Promise<FulfilmentOutcome> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const done = await db.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, fulfilmentStatus: 'UNFULFILLED', status: { in: [...SHIPPABLE_ORDER] } },
      data: { fulfilmentStatus: 'PACKED', packedAt: now },
    });
    if (count !== 1) return false;
    await tx.orderEvent.create({ data: { orderId, at: now, kind: 'STATUS_CHANGE', fromStatus: 'fulfilment:UNFULFILLED', toStatus: 'PACKED', message: `Packed by ${actor}.` } });
    return true;
  });
  if (done) return { ok: true, message: { key: 'admin.fulfilment.packed' } };
  return refusal(db, orderId, 'pack');
}

/** Mark a packed, paid order shipped with its carrier and tracking number. */
export async function markShipped(orderId: string, shipment: Shipment, actor: string, options: { db?: PrismaClient; now?: Date } = {}): Promise<FulfilmentOutcome> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const done = await db.$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, fulfilmentStatus: 'PACKED', status: { in: [...SHIPPABLE_ORDER] } },
      data: { fulfilmentStatus: 'SHIPPED', shippedAt: now, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber },
    });
    if (count !== 1) return false;
    await tx.orderEvent.create({
      data: {
        orderId,
        at: now,
        kind: 'STATUS_CHANGE',
        fromStatus: 'fulfilment:PACKED',
        toStatus: 'SHIPPED',
        message: `Shipped by ${actor} with ${shipment.carrier}, tracking number ${shipment.trackingNumber}.`,
        data: { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber },
      },
    });
    return true;
  });
  if (done) {
    kickMailer(); // the "shipped" e-mail is derived from shippedAt: send it now, not at the next pass
    return { ok: true, message: { key: 'admin.fulfilment.shipped' } };
  }
  return refusal(db, orderId, 'ship');
}

/** Why a step did not happen (a second click, or an order that owes no goods), as a 409. */
async function refusal(db: PrismaClient, orderId: string, step: 'pack' | 'ship'): Promise<FulfilmentOutcome> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true, fulfilmentStatus: true } });
  if (!order) return { ok: false, message: { key: 'admin.fulfilment.notShippable' }, status: 404 };
  const key: MessageKey =
    order.fulfilmentStatus === 'SHIPPED'
      ? 'admin.fulfilment.alreadyShipped'
      : step === 'pack' && order.fulfilmentStatus === 'PACKED'
        ? 'admin.fulfilment.alreadyPacked'
        : !SHIPPABLE_ORDER.includes(order.status)
          ? 'admin.fulfilment.notShippable'
          : 'admin.fulfilment.packFirst';
  return { ok: false, message: { key }, status: 409 };
}

/** What the shopper's order page says the order is at. */
export type ShopperOrderStatus = 'awaiting' | 'paid' | 'packed' | 'shipped' | 'partlyRefunded' | 'refunded' | 'abandoned' | 'review';

export function shopperOrderStatus(order: FulfilmentOrder): ShopperOrderStatus {
  if (order.status === 'REVIEW') return 'review';
  if (order.status === 'ABANDONED') return 'abandoned';
  if (order.status === 'AWAITING_PAYMENT') return 'awaiting';
  if (order.status === 'REFUNDED') return 'refunded';
  if (order.fulfilmentStatus === 'SHIPPED') return 'shipped';
  if (order.status === 'PARTIALLY_REFUNDED') return 'partlyRefunded';
  return order.fulfilmentStatus === 'PACKED' ? 'packed' : 'paid';
}

export const shopperStatusKey = (status: ShopperOrderStatus) => `order.status.${status}` as const satisfies MessageKey;
