// The cart of an order awaiting payment changed: bring the open invoice in step (updateInvoice), or
// withdraw it (cancelInvoice) when it cannot be updated or the cart is empty. Never leaves two payable
// invoices, and the order always holds what the invoice asks for. The attempt is marked before the
// call (updatePendingSince, with the order it would become in pendingUpdate); the order takes the new
// contents once SEQR has the update, or when a payment of the new amount shows that it arrived
// (confirm.ts). A mark left behind (the shop stopped mid-call) tells the sweeper to withdraw that
// invoice, whose amount is uncertain.
import { loadOpenCart } from '../cart';
import { Prisma } from '../generated/prisma/client';
import type { ShippingLine } from '../checkout/shipping';
import { applyOrderSnapshot, findOrderById, orderLinesFromCart, orderTotals, upsertOrderFromCart, type OrderSnapshot, type OrderView } from '../orders';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { withdrawInvoice } from './cancel';
import { loadAttempt, timeline, withSeqrLog, type AttemptRow, type Ctx } from './context';
import { invoiceFor } from './issue';
import { holdForAttempt, isStockShortage } from '../stock';
import { largerOf, orderStockLines, snapshotStockLines } from './stock';

/** An update mark older than the SEQR deadline plus this margin belongs to a call that is over. */
export const UPDATE_SETTLE_MARGIN_MS = 5000;

/** `shipping`: a shipping choice made at checkout (undefined keeps the order's). */
export async function syncOpenInvoiceWithCart(ctx: Ctx, cartId: string, round = 0, shipping?: ShippingLine | null): Promise<void> {
  const snapshot = () => upsertOrderFromCart(cartId, { db: ctx.db, now: ctx.clock.now(), newToken: () => ctx.ids.token(24), shipping });
  const order = await ctx.db.order.findFirst({ where: { cartId, status: 'AWAITING_PAYMENT' }, orderBy: { createdAt: 'desc' }, select: { id: true, openAttemptId: true } });
  if (!order) return;
  const attempt = order.openAttemptId ? await loadAttempt(ctx, order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) {
    if (!order.openAttemptId) await snapshot(); // nothing payable: just re-snapshot
    return;
  }
  const reference = attempt.invoiceReference;
  const current = await findOrderById(order.id, ctx.db);
  const preview = current ? await previewOrderFromCart(ctx, cartId, current, shipping) : null;
  if (!current || !preview) {
    await withdrawInvoice(ctx, attempt, 'CANCELED', 'The cart was emptied; the shop withdrew the invoice.');
    return;
  }
  if (preview.totalOre === current.totalOre && JSON.stringify(preview.lines) === JSON.stringify(current.lines) && JSON.stringify(preview.shipping) === JSON.stringify(current.shipping)) return;
  // Claimed by compare-and-set: while another update of this invoice is in flight (a second tab),
  // this one leaves it alone; that one looks at the cart again when it is done.
  // While the update is in flight the invoice may be paid at either amount: it holds, per product,
  // the larger of the old and the new contents (reserved with the mark, in one transaction).
  const pending: OrderSnapshot = { totalOre: preview.totalOre, taxOre: preview.taxOre, lines: preview.lines, shipping: preview.shipping };
  const claimed = await ctx.db
    .$transaction(async (tx) => {
      const { count } = await tx.paymentAttempt.updateMany({
        where: { id: attempt.id, status: 'ISSUED', updatePendingSince: null },
        data: { updatePendingSince: ctx.clock.now(), pendingUpdate: pending as unknown as Prisma.InputJsonValue },
      });
      if (count !== 1) return 'busy' as const;
      await holdForAttempt(tx, attempt.id, largerOf(await orderStockLines(tx, order.id), await snapshotStockLines(tx, pending.lines)));
      return 'claimed' as const;
    })
    .catch((error: unknown) => {
      if (isStockShortage(error)) return 'short' as const;
      throw error;
    });
  if (claimed === 'busy') return;
  if (claimed === 'short') {
    // The new contents are not in stock: no invoice may ask for them. Withdraw it; the next
    // checkout tells the shopper what is short.
    const outcome = await withdrawInvoice(ctx, attempt, 'CANCELED', 'The cart changed to more than is in stock; the shop withdrew the invoice.');
    if (outcome === 'closed') await snapshot();
    return;
  }
  try {
    await withSeqrLog(ctx, order.id, (options) => ctx.seqr.updateInvoice(reference, invoiceFor(ctx, preview, attempt), options));
  } catch (error) {
    if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error;
    // A result code, a refused connection or a SOAP fault: SEQR certainly did not apply it, and the
    // order still holds what the invoice asks for. Otherwise the mark stays until the invoice ends.
    const notApplied = isSeqrResultError(error) || error.failure === 'refused' || error.failure === 'soap-fault';
    if (notApplied) {
      await ctx.db.$transaction(async (tx) => {
        const { count } = await tx.paymentAttempt.updateMany({ where: { id: attempt.id, updatePendingSince: { not: null } }, data: { updatePendingSince: null, pendingUpdate: DB_NULL } });
        if (count === 1) await holdForAttempt(tx, attempt.id, await orderStockLines(tx, order.id)); // back to what the invoice asks
      });
    }
    const outcome = await withdrawInvoice(ctx, (await loadAttempt(ctx, attempt.id)) ?? attempt, 'CANCELED', 'The cart changed and the invoice could not be updated; the shop withdrew it.');
    if (outcome === 'closed') await snapshot(); // nothing payable now: the order follows the cart
    return;
  }
  await ctx.db.$transaction((tx) => completePendingUpdate(tx, attempt, ctx.clock.now()));
  // The amounts go with the note: the pay page tells the shopper the amount changed (old → new).
  const change: InvoiceAmountChange = { attemptId: attempt.id, fromOre: current.totalOre, toOre: preview.totalOre };
  await timeline(ctx, order.id, { kind: 'NOTE', message: `Invoice ${reference} updated to ${preview.totalOre} öre after a cart change.`, data: { invoiceAmountChange: change } });
  // The cart may have changed again while SEQR was answering.
  if (round < 3) await syncOpenInvoiceWithCart(ctx, cartId, round + 1, shipping);
}

const DB_NULL = Prisma.DbNull;

/** SEQR has the invoice update (it answered, or a payment of the new amount arrived): the order takes it. */
export async function completePendingUpdate(tx: Prisma.TransactionClient, attempt: { id: string; orderId: string }, now: Date): Promise<boolean> {
  const row = await tx.paymentAttempt.findUnique({ where: { id: attempt.id }, select: { pendingUpdate: true, updatePendingSince: true } });
  if (!row?.updatePendingSince || !row.pendingUpdate) return false;
  const pending = row.pendingUpdate as unknown as OrderSnapshot;
  const { count } = await tx.paymentAttempt.updateMany({
    where: { id: attempt.id, updatePendingSince: row.updatePendingSince },
    data: { amountOre: pending.totalOre, updatePendingSince: null, pendingUpdate: DB_NULL },
  });
  if (count !== 1) return false;
  await applyOrderSnapshot(tx, attempt.orderId, pending, now);
  // The invoice now asks for the new contents only: hold exactly those (the larger hold was taken
  // with the mark, so this only lowers; a closed attempt holds nothing).
  await holdForAttempt(tx, attempt.id, await snapshotStockLines(tx, pending.lines));
  return true;
}

/** Sweeper: an update mark whose call is over (the shop stopped mid-call): withdraw that invoice. */
export async function settlePendingUpdate(ctx: Ctx, attempt: AttemptRow): Promise<boolean> {
  if (attempt.status !== 'ISSUED' || !attempt.updatePendingSince) return false;
  if (attempt.updatePendingSince.getTime() > ctx.clock.now().getTime() - ctx.settings.seqrTimeoutMs - UPDATE_SETTLE_MARGIN_MS) return false;
  await withdrawInvoice(ctx, attempt, 'CANCELED', 'The shop stopped while updating the invoice after a cart change; it withdrew the invoice, whose amount was uncertain.');
  return true;
}

/** What the order would look like with the cart's current contents (nothing is written). */
async function previewOrderFromCart(ctx: Ctx, cartId: string, order: OrderView, shipping: ShippingLine | null | undefined): Promise<OrderView | null> {
  const cart = await loadOpenCart(cartId, ctx.db);
  if (!cart || cart.lines.length === 0) return null;
  const lines = orderLinesFromCart(cart);
  const chosen = shipping !== undefined ? shipping : order.shipping;
  return { ...order, ...orderTotals(lines, chosen), lines, shipping: chosen };
}

export type InvoiceAmountChange = { attemptId: string; fromOre: number; toOre: number };

/**
 * How the amount of this invoice changed through cart changes: from what it first asked for to what
 * it asks for now; null when it never changed (or changed back).
 */
export async function invoiceAmountChange(ctx: Ctx, orderId: string, attemptId: string): Promise<{ fromOre: number; toOre: number } | null> {
  const events = await ctx.db.orderEvent.findMany({ where: { orderId, kind: 'NOTE', data: { not: DB_NULL } }, orderBy: { id: 'asc' }, select: { data: true } });
  const changes = events
    .map((event) => (event.data as { invoiceAmountChange?: InvoiceAmountChange } | null)?.invoiceAmountChange)
    .filter((change): change is InvoiceAmountChange => change?.attemptId === attemptId);
  const first = changes[0];
  const last = changes[changes.length - 1];
  return first && last && first.fromOre !== last.toOre ? { fromOre: first.fromOre, toOre: last.toOre } : null;
}
