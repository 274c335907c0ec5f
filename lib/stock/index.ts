// Stock: units on hand per product, and units held for open invoices. A product's available units
// are stockOnHand - stockReserved. Every change is one conditional UPDATE on the product row
// (`… WHERE stockOnHand - stockReserved >= n`), so two shoppers can never both take the last unit,
// on PGlite or PostgreSQL. Reservations belong to a payment attempt and change only inside the
// transaction of that attempt's own state change (lib/payments calls in here): a crash rolls both
// back together, so stock is never leaked or counted twice.
import { z } from 'zod';
import type { DbClient } from '../cart';
import { getDb } from '../db';
import { Prisma } from '../generated/prisma/client';
import type { Message } from '../i18n';

type Tx = Prisma.TransactionClient;

/** "Only N left" is shown from this many available units down. */
export const LOW_STOCK_THRESHOLD = 5;

/** What an order line asks of stock (a line whose product was deleted asks nothing). */
export type StockLine = { productId: string | null; quantity: number };

export type Shortage = { productId: string; name: string; available: number };

/** A reservation could not be had. Branded (Next bundles modules more than once: no instanceof). */
export class StockShortage extends Error {
  readonly code = 'STOCK_SHORTAGE';
  constructor(readonly shortage: Shortage) {
    super(`Only ${shortage.available} left of ${shortage.name}.`);
    this.name = 'StockShortage';
  }
}

export function isStockShortage(error: unknown): error is StockShortage {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'STOCK_SHORTAGE';
}

/** The shopper's sentence for a shortage. */
export function shortageMessage(shortage: Pick<Shortage, 'name' | 'available'>): Message {
  const available = Math.max(0, shortage.available);
  return available === 0 ? { key: 'stock.soldOutNamed', params: { name: shortage.name } } : { key: 'stock.onlyLeft', params: { name: shortage.name, available } };
}

function unitsByProduct(lines: readonly StockLine[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const line of lines) if (line.productId && line.quantity > 0) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
  return units;
}

async function availableOf(tx: Tx, productId: string): Promise<Shortage> {
  const product = await tx.product.findUniqueOrThrow({ where: { id: productId }, select: { name: true, stockOnHand: true, stockReserved: true } });
  return { productId, name: product.name, available: Math.max(0, product.stockOnHand - product.stockReserved) };
}

/**
 * Make the attempt hold exactly `lines` (raising or lowering its reservation per product). A rise
 * that stock cannot cover throws StockShortage, and the caller's transaction rolls back. The caller
 * has already written the attempt's row in this transaction (its own compare-and-set), which locks
 * it: nobody else changes this attempt's reservation until the transaction ends. A closed attempt
 * holds nothing, whatever it is asked.
 */
export async function holdForAttempt(tx: Tx, attemptId: string, lines: readonly StockLine[]): Promise<void> {
  const attempt = await tx.paymentAttempt.findUnique({ where: { id: attemptId }, select: { status: true } });
  const open = attempt?.status === 'CREATED' || attempt?.status === 'ISSUED';
  const target = open ? unitsByProduct(lines) : new Map<string, number>();
  const held = new Map((await tx.stockReservation.findMany({ where: { attemptId } })).map((row) => [row.productId, row.quantity]));
  // Product rows in one order everywhere: two transactions never wait on each other in a circle.
  const changes = [...new Set([...target.keys(), ...held.keys()])]
    .sort()
    .map((productId) => ({ productId, want: target.get(productId) ?? 0, have: held.get(productId) ?? 0 }))
    .filter((change) => change.want !== change.have);
  // The attempt's own rows first (nobody else writes them), the contended product rows last: a
  // product row stays locked only from its UPDATE to the commit.
  for (const { productId, want } of changes) {
    if (want === 0) await tx.stockReservation.delete({ where: { attemptId_productId: { attemptId, productId } } });
    else await tx.stockReservation.upsert({ where: { attemptId_productId: { attemptId, productId } }, create: { attemptId, productId, quantity: want }, update: { quantity: want } });
  }
  for (const { productId, want, have } of changes) {
    const delta = want - have;
    if (delta > 0) {
      const taken = await tx.$executeRaw(Prisma.sql`
        UPDATE "Product" SET "stockReserved" = "stockReserved" + ${delta}, "updatedAt" = now()
        WHERE "id" = ${productId}::uuid AND "stockOnHand" - "stockReserved" >= ${delta}`);
      if (taken !== 1) throw new StockShortage(await availableOf(tx, productId).then((s) => ({ ...s, available: s.available + have })));
    } else {
      await tx.$executeRaw(Prisma.sql`
        UPDATE "Product" SET "stockReserved" = GREATEST(0, "stockReserved" - ${-delta}), "updatedAt" = now() WHERE "id" = ${productId}::uuid`);
    }
  }
}

/**
 * Reserve `lines` for an attempt created in this same transaction (it holds nothing yet): the
 * checkout's fast path, without holdForAttempt's reads of what the attempt holds. All or nothing as
 * there: a product stock cannot cover throws StockShortage and the caller's transaction rolls back.
 */
export async function reserveForNewAttempt(tx: Tx, attemptId: string, lines: readonly StockLine[]): Promise<void> {
  const units = [...unitsByProduct(lines)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (units.length === 0) return;
  // One create per product rather than createMany (see createSeqrCallEvents in lib/payments/context.ts).
  for (const [productId, quantity] of units) await tx.stockReservation.create({ data: { attemptId, productId, quantity }, select: { attemptId: true } });
  // Product rows in the same order as holdForAttempt, last: locked only from here to the commit.
  for (const [productId, quantity] of units) {
    const taken = await tx.$executeRaw(Prisma.sql`
      UPDATE "Product" SET "stockReserved" = "stockReserved" + ${quantity}, "updatedAt" = now()
      WHERE "id" = ${productId}::uuid AND "stockOnHand" - "stockReserved" >= ${quantity}`);
    if (taken !== 1) throw new StockShortage(await availableOf(tx, productId));
  }
}

/** The attempt ended unpaid: what it held is available again. */
export function releaseForAttempt(tx: Tx, attemptId: string): Promise<void> {
  return holdForAttempt(tx, attemptId, []);
}

/**
 * A payment takes its goods out of stock, once per attempt (stockConsumedAt is its compare-and-set).
 * What the attempt holds is used first; anything more (a payment that arrived after its reservation
 * was released) is taken from what is available, and what was not available is returned as
 * `oversold`: the money is real, so the goods are sold anyway and the merchant restocks or refunds.
 * Returns null when this payment's stock was already taken.
 */
export async function consumeForPayment(tx: Tx, attemptId: string, lines: readonly StockLine[], now: Date): Promise<{ oversold: number; short: Shortage[] } | null> {
  const { count } = await tx.paymentAttempt.updateMany({ where: { id: attemptId, stockConsumedAt: null }, data: { stockConsumedAt: now } });
  if (count !== 1) return null;
  const target = unitsByProduct(lines);
  const held = new Map((await tx.stockReservation.findMany({ where: { attemptId } })).map((row) => [row.productId, row.quantity]));
  const productIds = [...new Set([...target.keys(), ...held.keys()])].sort();
  const short: Shortage[] = [];
  for (const productId of productIds) {
    const sold = target.get(productId) ?? 0;
    const have = held.get(productId) ?? 0;
    const beyondHold = Math.max(0, sold - have);
    const rows = await tx.$queryRaw<{ available: number; name: string }[]>(Prisma.sql`
      UPDATE "Product" SET "stockOnHand" = "stockOnHand" - ${sold}, "stockReserved" = GREATEST(0, "stockReserved" - ${have}), "updatedAt" = now()
      WHERE "id" = ${productId}::uuid
      RETURNING ("stockOnHand" - "stockReserved")::int AS "available", "name"`);
    const after = rows[0];
    if (!after) continue;
    // Units taken beyond the hold that were not there: available went below zero because of them.
    const missing = Math.min(beyondHold, Math.max(0, -after.available));
    if (missing > 0) short.push({ productId, name: after.name, available: missing });
  }
  await tx.stockReservation.deleteMany({ where: { attemptId } });
  return { oversold: short.reduce((sum, s) => sum + s.available, 0), short };
}

// ---------------------------------------------------------------------------------------------
// Reads for pages.

export type StockLevel = { available: number; soldOut: boolean; low: boolean };

export function stockLevel(product: { stockOnHand: number; stockReserved: number }, heldByShopper = 0): StockLevel {
  const available = Math.max(0, product.stockOnHand - product.stockReserved) + heldByShopper;
  return { available, soldOut: available <= 0, low: available > 0 && available <= LOW_STOCK_THRESHOLD };
}

/** Stock per product id; units the cart's own open invoice holds count as the shopper's. */
export async function stockLevels(productIds: readonly string[], options: { cartId?: string; db?: DbClient } = {}): Promise<Map<string, StockLevel>> {
  const db = options.db ?? getDb();
  const products = await db.product.findMany({ where: { id: { in: [...productIds] } }, select: { id: true, stockOnHand: true, stockReserved: true } });
  const held = new Map<string, number>();
  if (options.cartId) {
    const rows = await db.stockReservation.findMany({
      where: { productId: { in: [...productIds] }, attempt: { status: { in: ['CREATED', 'ISSUED'] }, order: { cartId: options.cartId } } },
      select: { productId: true, quantity: true },
    });
    for (const row of rows) held.set(row.productId, (held.get(row.productId) ?? 0) + row.quantity);
  }
  return new Map(products.map((product) => [product.id, stockLevel(product, held.get(product.id) ?? 0)]));
}

/** The first line of a cart that stock cannot cover now (checkout refuses it), or null. */
export async function firstShortage(lines: readonly { productId: string; name: string; quantity: number }[], options: { cartId?: string; db?: DbClient } = {}): Promise<Shortage | null> {
  const levels = await stockLevels(lines.map((line) => line.productId), options);
  for (const line of lines) {
    const level = levels.get(line.productId);
    if (level && line.quantity > level.available) return { productId: line.productId, name: line.name, available: level.available };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The merchant's stock edits (back office).

export const StockEditSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('set'), quantity: z.coerce.number({ error: 'admin.stock.badNumber' }).int({ error: 'admin.stock.badNumber' }).min(0, { error: 'admin.stock.badNumber' }).max(1_000_000, { error: 'admin.stock.badNumber' }) }),
  z.object({ mode: z.literal('adjust'), quantity: z.coerce.number({ error: 'admin.stock.badNumber' }).int({ error: 'admin.stock.badNumber' }).min(-1_000_000, { error: 'admin.stock.badNumber' }).max(1_000_000, { error: 'admin.stock.badNumber' }).refine((n) => n !== 0, { error: 'admin.stock.badNumber' }) }),
]);
export type StockEdit = z.infer<typeof StockEditSchema>;

export type StockRow = { id: string; slug: string; sku: string; name: string; stockOnHand: number; stockReserved: number; available: number };

export async function listStock(db: DbClient = getDb()): Promise<StockRow[]> {
  const products = await db.product.findMany({ orderBy: { sku: 'asc' }, select: { id: true, slug: true, sku: true, name: true, stockOnHand: true, stockReserved: true } });
  return products.map((p) => ({ ...p, available: p.stockOnHand - p.stockReserved }));
}

export async function listStockChanges(limit = 20, db: DbClient = getDb()) {
  return db.stockChange.findMany({ orderBy: { id: 'desc' }, take: limit, include: { product: { select: { sku: true, name: true } } } });
}

/**
 * Set a product's units on hand, or add to / remove from them. Never below what open invoices hold
 * (those may still be paid): the conditional UPDATE refuses it, so a concurrent checkout is never
 * oversold by an edit. Each edit is written to StockChange.
 */
export async function editStock(productId: string, edit: StockEdit, actor: string, db = getDb()): Promise<{ ok: true; onHand: number; name: string } | { ok: false; message: Message }> {
  return db.$transaction(async (tx) => {
    const rows =
      edit.mode === 'set'
        ? await tx.$queryRaw<{ before: number; after: number; name: string }[]>(Prisma.sql`
            UPDATE "Product" p SET "stockOnHand" = ${edit.quantity}, "updatedAt" = now()
            FROM (SELECT "id", "stockOnHand" AS before FROM "Product" WHERE "id" = ${productId}::uuid FOR UPDATE) old
            WHERE p."id" = old."id" AND p."stockReserved" <= ${edit.quantity}
            RETURNING old.before::int AS before, p."stockOnHand"::int AS after, p."name"`)
        : await tx.$queryRaw<{ before: number; after: number; name: string }[]>(Prisma.sql`
            UPDATE "Product" SET "stockOnHand" = "stockOnHand" + ${edit.quantity}, "updatedAt" = now()
            WHERE "id" = ${productId}::uuid AND "stockOnHand" + ${edit.quantity} >= "stockReserved" AND "stockOnHand" + ${edit.quantity} >= 0
            RETURNING ("stockOnHand" - ${edit.quantity})::int AS before, "stockOnHand"::int AS after, "name"`);
    const row = rows[0];
    if (!row) {
      const product = await tx.product.findUnique({ where: { id: productId }, select: { stockReserved: true } });
      if (!product) return { ok: false, message: { key: 'admin.stock.missing' } };
      return { ok: false, message: { key: 'admin.stock.belowReserved', params: { reserved: product.stockReserved } } };
    }
    await tx.stockChange.create({ data: { productId, actor, delta: row.after - row.before, onHandBefore: row.before, onHandAfter: row.after, note: edit.mode === 'set' ? 'set' : 'adjust' } });
    return { ok: true, onHand: row.after, name: row.name };
  });
}

/** What stops a new invoice for this order now ("Try again"): the first line stock cannot cover. */
export async function orderShortage(orderId: string, db: DbClient = getDb()): Promise<Shortage | null> {
  const lines = await db.orderLine.findMany({ where: { orderId }, orderBy: { position: 'asc' }, select: { productId: true, name: true, quantity: true } });
  const known = lines.flatMap((line) => (line.productId ? [{ productId: line.productId, name: line.name, quantity: line.quantity }] : []));
  return firstShortage(known, { db });
}
