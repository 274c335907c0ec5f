// The payment core as one object over its ports: what the shop's pages, route handlers and the
// sweeper use (through wiring.ts in production), and what tests and the simulation build with fakes.
import { randomUUID } from 'node:crypto';
import type { Locale } from '../i18n';
import { findOrderByToken, findOrderPaymentState, upsertOrderFromCart, type OrderView } from '../orders';
import { cancelOpenAttemptByMerchant, cancelOpenAttemptByShopper, type ShopperCancelResult } from './cancel';
import { invoiceAmountChange, syncOpenInvoiceWithCart } from './cart-sync';
import { askSeqrNow } from './confirm';
import type { Ctx } from './context';
import { closeDayByHand, dayClosePass, startDayCloseLoop } from './day-close';
import { acceptReviewedPayment } from './review';
import { startAttempt, type StartResult } from './issue';
import { checkoutCart, type CheckoutInput } from './checkout';
import type { PaymentPorts } from './ports';
import { refundOrder } from './refunds';
import { paymentStateCache } from './status-cache';
import { startSweeperLoop, sweepPass } from './sweeper';
import { canRetry } from './transitions';
import { paymentView, type PaymentView } from './view';

export type { CheckoutInput, CheckoutResult } from './checkout';

export type RetryResult = StartResult | { kind: 'empty-cart' };

/**
 * "Try again" (pay page, done page): a new invoice for an order whose last attempt ended unpaid, for
 * what its cart holds now (the order follows the cart while no invoice is open); none for an empty cart.
 */
async function retryPayment(ctx: Ctx, token: string): Promise<RetryResult | null> {
  const order = await findOrderByToken(token, ctx.db);
  if (!order) return null;
  if (canRetry(order)) {
    const cartId = (await ctx.db.order.findUnique({ where: { id: order.id }, select: { cartId: true } }))?.cartId;
    const upserted = cartId ? await upsertOrderFromCart(cartId, { db: ctx.db, now: ctx.clock.now(), newToken: () => ctx.ids.token(24) }) : null;
    if (!upserted || upserted.orderId !== order.id) return { kind: 'empty-cart' };
  }
  return startAttempt(ctx, order.id);
}

/**
 * The pay page's live status, from the stored state only: a poll or a stream never asks SEQR (the
 * sweeper and notifications do). With a change feed the state comes from memory, kept fresh by it.
 */
async function currentPaymentView(ctx: Ctx, token: string, locale: Locale = 'en'): Promise<PaymentView | null> {
  const cache = paymentStateCache(ctx);
  const order = cache ? await cache.read(token) : await findOrderPaymentState(token, ctx.db);
  return order ? paymentView(order, locale) : null;
}

/**
 * Call back when the order behind `token` (or its cart) changes: a status stream sends the new view
 * at once. Without a change feed it never calls (the stream's slow re-read still runs).
 */
function watchPaymentView(ctx: Ctx, token: string, onChange: () => void): () => void {
  return paymentStateCache(ctx)?.watch(token, onChange) ?? (() => {});
}

/** The return page (backURL): one final status read at once, then the order as it stands. */
async function finalizeOnReturn(ctx: Ctx, token: string): Promise<OrderView | null> {
  const order = await findOrderByToken(token, ctx.db);
  if (!order?.openAttemptId) return order;
  await askSeqrNow(ctx, order.openAttemptId, 'return-page');
  return findOrderByToken(token, ctx.db);
}

/**
 * The notificationUrl: SEQR's hint that an invoice was paid. SEQR posts `invoiceReference=<ref>`
 * (PROTOCOL.md §11); the token in the URL already names the attempt, so the reference is only
 * compared, never used to choose what to ask about. Only SEQR's status counts.
 */
async function handleNotification(ctx: Ctx, notificationToken: string, claimedReference?: string): Promise<'applied' | 'mismatch' | 'unknown'> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(notificationToken)) return 'unknown';
  const attempt = await ctx.db.paymentAttempt.findUnique({ where: { notificationToken } });
  if (!attempt) return 'unknown';
  // Another invoice's reference under this attempt's token: forged or misrouted. Asking SEQR about
  // this attempt's own invoice is still harmless, and a real payment is then never missed.
  if (attempt.status === 'ISSUED') await askSeqrNow(ctx, attempt.id, 'notification', attempt);
  return claimedReference !== undefined && attempt.invoiceReference !== null && claimedReference !== attempt.invoiceReference ? 'mismatch' : 'applied';
}

/** The shopper cancels the order's open invoice (app API). */
async function cancelPaymentByShopper(ctx: Ctx, token: string): Promise<ShopperCancelResult> {
  const order = await findOrderByToken(token, ctx.db);
  if (!order) return 'no-order';
  return cancelOpenAttemptByShopper(ctx, order.id);
}

/** The cart's order while an invoice for it is open: the cart page links to its pay page. */
async function openPaymentOfCart(ctx: Ctx, cartId: string): Promise<{ token: string } | null> {
  const order = await ctx.db.order.findFirst({
    where: { cartId, status: 'AWAITING_PAYMENT', openAttemptId: { not: null } },
    orderBy: { createdAt: 'desc' },
    select: { publicToken: true },
  });
  return order ? { token: order.publicToken } : null;
}

export function createPaymentCore(ports: PaymentPorts) {
  const ctx: Ctx = ports;
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  return {
    ports,
    checkoutCart: (cartId: string, input?: CheckoutInput) => checkoutCart(ctx, cartId, input),
    retryPayment: (token: string) => retryPayment(ctx, token),
    syncOpenInvoiceWithCart: (cartId: string) => syncOpenInvoiceWithCart(ctx, cartId, 0),
    openPaymentOfCart: (cartId: string) => openPaymentOfCart(ctx, cartId),
    invoiceAmountChange: (orderId: string, attemptId: string) => invoiceAmountChange(ctx, orderId, attemptId),
    currentPaymentView: (token: string, locale?: Locale) => currentPaymentView(ctx, token, locale),
    watchPaymentView: (token: string, onChange: () => void) => watchPaymentView(ctx, token, onChange),
    finalizeOnReturn: (token: string) => finalizeOnReturn(ctx, token),
    handleNotification: (notificationToken: string, claimedReference?: string) => handleNotification(ctx, notificationToken, claimedReference),
    refundOrder: (orderId: string, amountOre: number, actor: string) => refundOrder(ctx, orderId, amountOre, actor),
    cancelOpenAttemptByMerchant: (orderId: string) => cancelOpenAttemptByMerchant(ctx, orderId),
    cancelPaymentByShopper: (token: string) => cancelPaymentByShopper(ctx, token),
    acceptReviewedPayment: (orderId: string, actor: string) => acceptReviewedPayment(ctx, orderId, actor),
    /** One sweeper pass (what is due as of `at`, default now); returns how many attempts it worked on. */
    sweepOnce: async (at?: Date) => (await sweepPass(ctx, { owner, at })).worked,
    startSweeper: (intervalMs: number) => startSweeperLoop(ctx, { owner, intervalMs }),
    /** Day close by hand (back office): the shop's and the terminal's period marked now. */
    closeDayByHand: (actor: string) => closeDayByHand(ctx, actor),
    /** One pass of the day close loop (tests pass their own clock through the ports). */
    dayClosePass: () => dayClosePass(ctx, ctx.settings.dayClose, owner),
    startDayCloseLoop: (intervalMs: number) => startDayCloseLoop(ctx, ctx.settings.dayClose, { owner, intervalMs }),
  };
}

export type PaymentCore = ReturnType<typeof createPaymentCore>;
