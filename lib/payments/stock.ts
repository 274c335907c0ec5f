// The payment lifecycle's side of stock (lib/stock): what an order or a pending invoice update asks
// for, and the late-payment rule. Called only inside the transaction of the attempt's own move.
import type { Prisma } from '../generated/prisma/client';
import type { OrderLineView } from '../orders';
import { consumeForPayment, type StockLine } from '../stock';

type Tx = Prisma.TransactionClient;

export async function orderStockLines(tx: Tx, orderId: string): Promise<StockLine[]> {
  return tx.orderLine.findMany({ where: { orderId }, select: { productId: true, quantity: true } });
}

/** Lines of a snapshot (no product ids: matched by SKU, as applyOrderSnapshot does). */
export async function snapshotStockLines(tx: Tx, lines: readonly Pick<OrderLineView, 'sku' | 'quantity'>[]): Promise<StockLine[]> {
  const products = await tx.product.findMany({ where: { sku: { in: lines.map((l) => l.sku) } }, select: { id: true, sku: true } });
  return lines.map((line) => ({ productId: products.find((p) => p.sku === line.sku)?.id ?? null, quantity: line.quantity }));
}

/** Per product, the larger of two sets of lines: what an invoice holds while its update is in flight. */
export function largerOf(a: readonly StockLine[], b: readonly StockLine[]): StockLine[] {
  const units = new Map<string, number>();
  for (const lines of [a, b]) {
    const mine = new Map<string, number>();
    for (const line of lines) if (line.productId) mine.set(line.productId, (mine.get(line.productId) ?? 0) + line.quantity);
    for (const [id, n] of mine) units.set(id, Math.max(units.get(id) ?? 0, n));
  }
  return [...units].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * A payment takes the order's goods out of stock. When it came after its reservation was released
 * (expired, cancelled, abandoned) and the goods were sold meanwhile, the payment is still the
 * shop's: the goods count as sold, and the order is flagged oversold for the merchant to restock
 * or refund, with a line in its timeline.
 */
export async function consumeOrderStock(tx: Tx, attemptId: string, orderId: string, now: Date): Promise<void> {
  const consumed = await consumeForPayment(tx, attemptId, await orderStockLines(tx, orderId), now);
  if (!consumed || consumed.oversold === 0) return;
  const what = consumed.short.map((s) => `${s.available} × ${s.name}`).join(', ');
  await tx.order.update({ where: { id: orderId }, data: { oversoldUnits: { increment: consumed.oversold } } });
  await tx.orderEvent.create({
    data: { orderId, at: now, kind: 'NOTE', message: `Oversold: the payment came after its stock was released and ${what} was no longer in stock. Restock or refund.`, data: { oversold: consumed.short } },
  });
}
