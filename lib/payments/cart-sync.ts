// The cart of an order awaiting payment changed: bring the open invoice in step (updateInvoice), or
// withdraw it (cancelInvoice) when it cannot be updated or the cart is empty. Never leaves two payable
// invoices, and never lets the order's lines differ from what the invoice asks for.
import { loadOpenCart } from '../cart';
import { findOrderById, orderLinesFromCart, upsertOrderFromCart, type OrderView } from '../orders';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { withdrawInvoice } from './cancel';
import { loadAttempt, note, withSeqrLog, type Ctx } from './context';
import { invoiceFor } from './issue';

export async function syncOpenInvoiceWithCart(ctx: Ctx, cartId: string): Promise<void> {
  const upsert = () => upsertOrderFromCart(cartId, { db: ctx.db, now: ctx.clock.now(), newToken: () => ctx.ids.token(24) });
  const order = await ctx.db.order.findFirst({ where: { cartId, status: 'AWAITING_PAYMENT' }, orderBy: { createdAt: 'desc' }, select: { id: true, openAttemptId: true } });
  if (!order) return;
  const attempt = order.openAttemptId ? await loadAttempt(ctx, order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) {
    if (!order.openAttemptId) await upsert(); // nothing payable: just re-snapshot
    return;
  }
  const reference = attempt.invoiceReference;
  const current = await findOrderById(order.id, ctx.db);
  const preview = current ? await previewOrderFromCart(ctx, cartId, current) : null;
  if (!current || !preview) {
    await withdrawInvoice(ctx, attempt, 'CANCELED', 'The cart was emptied; the shop withdrew the invoice.');
    return;
  }
  if (preview.totalOre === current.totalOre && JSON.stringify(preview.lines) === JSON.stringify(current.lines)) return;
  try {
    await withSeqrLog(ctx, order.id, (options) => ctx.seqr.updateInvoice(reference, invoiceFor(ctx, preview, attempt), options));
  } catch (error) {
    if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error;
    const outcome = await withdrawInvoice(ctx, attempt, 'CANCELED', 'The cart changed and the invoice could not be updated; the shop withdrew it.');
    if (outcome === 'closed') await upsert();
    return;
  }
  await upsert();
  await ctx.db.paymentAttempt.updateMany({ where: { id: attempt.id, status: 'ISSUED' }, data: { amountOre: preview.totalOre } });
  await note(ctx, order.id, `Invoice ${reference} updated to ${preview.totalOre} öre after a cart change.`);
}

/** What the order would look like with the cart's current contents (nothing is written). */
async function previewOrderFromCart(ctx: Ctx, cartId: string, order: OrderView): Promise<OrderView | null> {
  const cart = await loadOpenCart(cartId, ctx.db);
  if (!cart || cart.lines.length === 0) return null;
  return { ...order, totalOre: cart.totals.totalOre, taxOre: cart.totals.vatOre, vat: cart.totals.vat, lines: orderLinesFromCart(cart) };
}
