// "Pay with SEQR": the order from the cart's current contents and prices, and its invoice. The common
// path (no invoice open for this cart) is the cart read, one transaction before sendInvoice and one
// after: the cart locked, the order written with its details, the attempt saved with the order's open slot
// claimed and the stock reserved, all or nothing; then sendInvoice; then ISSUED with the call in the
// timeline (issue.ts). An invoice already open for the cart takes the longer way (cart-sync.ts).
import { loadOpenCart, rememberCartLocale } from '../cart';
import type { CheckoutDetails } from '../checkout/details';
import { shippingLineOf } from '../checkout/shipping';
import type { Locale } from '../i18n';
import { upsertOrderInTransaction, type OrderDetailsInput } from '../orders';
import { firstShortage, isStockShortage, StockShortage, type Shortage } from '../stock';
import { syncOpenInvoiceWithCart } from './cart-sync';
import { isTransactionStartTimeout, type Ctx } from './context';
import { claimNewAttempt, isSlotTaken, sendClaimedInvoice, startAttempt, type StartResult } from './issue';

export type CheckoutResult =
  | { kind: 'started'; token: string; start: StartResult }
  | { kind: 'empty-cart' }
  /** Stock cannot cover the cart: no invoice; the shopper is told which product is short. */
  | { kind: 'out-of-stock'; shortage: Shortage }
  /** No database connection came in time for the order's transaction (a load peak): nothing was written. */
  | { kind: 'busy' };

/** What the checkout form adds to an order: contact and delivery details, and the shipping choice. */
export type CheckoutInput = {
  email?: string;
  details?: CheckoutDetails;
  /** The language of the order's e-mails and lines. */
  locale?: Locale;
  /**
   * The invoice's backURL for an app (the app API checks it against APP_RETURN_URL_PREFIXES); the
   * web checkout leaves it unset: the done page.
   */
  returnUrl?: string;
};

class InvoiceOpen extends Error {
  readonly code = 'INVOICE_OPEN';
}

export async function checkoutCart(ctx: Ctx, cartId: string, input: CheckoutInput = {}): Promise<CheckoutResult> {
  try {
    return await checkoutCartOnce(ctx, cartId, input);
  } catch (error) {
    // Before sendInvoice nothing outlives a transaction that never started, so the shopper may
    // simply press again; after it, issue.ts records the invoice without a transaction instead.
    if (isTransactionStartTimeout(error)) return { kind: 'busy' };
    throw error;
  }
}

async function checkoutCartOnce(ctx: Ctx, cartId: string, input: CheckoutInput): Promise<CheckoutResult> {
  const { details, locale } = input;
  const email = details?.email ?? input.email;
  // The shipping is part of the invoice: undefined (no details) keeps what the order has.
  const shipping = details ? shippingLineOf(details.shipping) : undefined;
  const orderDetails: OrderDetailsInput = {
    returnUrl: input.returnUrl ?? null,
    ...(email ? { email } : {}),
    ...(locale ? { locale } : {}),
    ...(details ? { customerName: details.name, phone: details.phone, deliveryStreet: details.street, deliveryPostcode: details.postcode, deliveryCity: details.city } : {}),
  };
  // The cart and its products' stock, read before the transaction (as the order was always built):
  // what stock plainly cannot cover is refused here without a transaction, so when a product sells
  // out the rush of checkouts for it holds no connection. The reservation below is what decides.
  // (Units the cart's own open invoice holds are the shopper's: that case takes the longer way.)
  const cart = await loadOpenCart(cartId, ctx.db, locale);
  if (!cart || cart.lines.length === 0) return { kind: 'empty-cart' };
  const short = cart.lines.find((line) => line.quantity > line.unreserved);
  if (short) {
    if (await cartHasOpenInvoice(ctx, cartId)) return checkoutWithOpenInvoice(ctx, cartId, input);
    return { kind: 'out-of-stock', shortage: { productId: short.product.id, name: short.product.name, available: short.unreserved } };
  }
  let claimed;
  try {
    claimed = await ctx.db.$transaction(async (tx) => {
      // First the cart row (its language: the order's lines are named in the shopper's): it is
      // locked until the commit, so two checkouts of one cart (a double click, two tabs) take turns
      // and never make two orders.
      const { count } = await tx.cart.updateMany({ where: { id: cartId, status: 'OPEN' }, data: locale ? { locale } : { updatedAt: ctx.clock.now() } });
      if (count !== 1) return null;
      // Stock again, fresh: checkouts that started together read the cart before any of them
      // reserved, and those that find a product sold out by now end here, before writing anything.
      const fresh = await tx.product.findMany({ where: { id: { in: cart.lines.map((line) => line.product.id) } }, select: { id: true, stockOnHand: true, stockReserved: true } });
      for (const line of cart.lines) {
        const row = fresh.find((product) => product.id === line.product.id);
        const available = row ? Math.max(0, row.stockOnHand - row.stockReserved) : 0;
        if (line.quantity > available) throw new StockShortage({ productId: line.product.id, name: line.product.name, available });
      }
      const order = await upsertOrderInTransaction(tx, cart, { now: ctx.clock.now(), newToken: () => ctx.ids.token(24), shipping, details: orderDetails });
      if (order.openAttemptId) throw new InvoiceOpen(); // rolled back: the longer way does it all
      return { order, attempt: await claimNewAttempt(ctx, tx, order, order.stockLines) };
    });
  } catch (error) {
    if (isStockShortage(error)) return (await cartHasOpenInvoice(ctx, cartId)) ? checkoutWithOpenInvoice(ctx, cartId, input) : { kind: 'out-of-stock', shortage: error.shortage };
    if (isSlotTaken(error) || (error as { code?: unknown } | null)?.code === 'INVOICE_OPEN') return checkoutWithOpenInvoice(ctx, cartId, input);
    throw error;
  }
  if (!claimed) return { kind: 'empty-cart' };
  const start = await sendClaimedInvoice(ctx, claimed.order, claimed.attempt);
  return { kind: 'started', token: claimed.order.publicToken, start };
}

async function cartHasOpenInvoice(ctx: Ctx, cartId: string): Promise<boolean> {
  return (await ctx.db.order.count({ where: { cartId, status: 'AWAITING_PAYMENT', openAttemptId: { not: null } } })) > 0;
}

/**
 * The rare way: an invoice is already open for this cart (a second "Pay with SEQR", another tab).
 * It must match the cart before the shopper is sent to it: updated, or withdrawn and a new one made.
 */
async function checkoutWithOpenInvoice(ctx: Ctx, cartId: string, input: CheckoutInput): Promise<CheckoutResult> {
  const { details, locale } = input;
  const email = details?.email ?? input.email;
  const shipping = details ? shippingLineOf(details.shipping) : undefined;
  if (locale) await rememberCartLocale(cartId, locale, ctx.db); // the order's lines are named in the shopper's language
  await syncOpenInvoiceWithCart(ctx, cartId, 0, shipping); // an open invoice must match the cart before we reuse it
  const cart = await loadOpenCart(cartId, ctx.db, locale);
  if (!cart || cart.lines.length === 0) return { kind: 'empty-cart' };
  const short = await firstShortage(cart.lines.map((line) => ({ productId: line.product.id, name: line.product.name, quantity: line.quantity })), { cartId, db: ctx.db });
  if (short) return { kind: 'out-of-stock', shortage: short };
  // While an invoice is still open (the sync could neither update nor withdraw it), the order keeps
  // what that invoice asks for: the shopper is sent to it rather than to a changed order.
  const order = await ctx.db.$transaction((tx) =>
    upsertOrderInTransaction(tx, cart, {
      now: ctx.clock.now(),
      newToken: () => ctx.ids.token(24),
      shipping,
      details: { returnUrl: input.returnUrl ?? null, ...(email ? { email } : {}), ...(locale ? { locale } : {}), ...(details ? { customerName: details.name, phone: details.phone, deliveryStreet: details.street, deliveryPostcode: details.postcode, deliveryCity: details.city } : {}) },
    }),
  );
  const start = await startAttempt(ctx, order.id);
  if (start.kind === 'out-of-stock') return { kind: 'out-of-stock', shortage: start.shortage };
  return { kind: 'started', token: order.publicToken, start };
}
