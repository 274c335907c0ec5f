// lib/payments: the payment lifecycle. Only this module changes a payment's state.
import { getConfig } from '../config';
import { getDb } from '../db';
import { findOrderByToken, findOrderPaymentState, upsertOrderFromCart, type OrderPaymentState, type OrderView } from '../orders';
import { seqrReason, translator, type Locale } from '../i18n';
import { appLink } from '../seqr';
import { refreshAttempt, startAttempt, STATUS_INTERVAL_MS, syncOpenInvoiceWithCart, type StartResult } from './lifecycle';

export { applySeqrStatus, cancelOpenAttemptByMerchant, refreshAttempt, submitReceipt, syncOpenInvoiceWithCart, STATUS_INTERVAL_MS } from './lifecycle';
export { parseRefundAmount, refundOrder, type RefundResult } from './refunds';
export { startSweeper, sweepOnce } from './sweeper';

export type CheckoutResult = { kind: 'started'; token: string; start: StartResult } | { kind: 'empty-cart' };

/** "Pay with SEQR": the order from the cart's current contents and prices, and its invoice. */
export async function checkoutCart(cartId: string, details: { email?: string } = {}): Promise<CheckoutResult> {
  await syncOpenInvoiceWithCart(cartId); // an open invoice must match the cart before we reuse it
  const upserted = await upsertOrderFromCart(cartId);
  if (!upserted) return { kind: 'empty-cart' };
  if (details.email) await getDb().order.update({ where: { id: upserted.orderId }, data: { email: details.email } });
  const order = await getDb().order.findUniqueOrThrow({ where: { id: upserted.orderId }, select: { publicToken: true } });
  const start = await startAttempt(upserted.orderId);
  return { kind: 'started', token: order.publicToken, start };
}

/** "Try again" on the pay page: a new invoice for an order whose last attempt ended unpaid. */
export async function retryPayment(token: string): Promise<StartResult | null> {
  const order = await findOrderByToken(token);
  if (!order) return null;
  return startAttempt(order.id);
}

export type PaymentView = {
  orderStatus: OrderView['status'];
  totalOre: number;
  attempt: null | {
    number: number;
    status: string;
    invoiceReference: string | null;
    invoiceQRCode: string | null;
    appLink: string | null;
    walletSimulatorUrl: string | null;
    expiresAt: string;
    message: string | null;
  };
  /** The shopper may ask for a new invoice. */
  canRetry: boolean;
  doneUrl: string;
};

function attemptMessage(attempt: OrderPaymentState['attempts'][number], locale: Locale): string | null {
  const t = translator(locale);
  switch (attempt.status) {
    case 'CANCELED':
      return t('payment.canceled');
    case 'EXPIRED':
      return t('payment.expired');
    case 'FAILED':
      if (attempt.resultCode !== null && attempt.resultCode !== 0) return t('payment.refused', { reason: seqrReason(locale, attempt.resultCode) });
      return attempt.invoiceReference ? t('payment.failedInApp') : t('payment.unavailable');
    default:
      return null;
  }
}

/** What the pay page shows, with its message in the shopper's language. */
export function paymentView(order: OrderPaymentState, locale: Locale = 'en'): PaymentView {
  const { seqr } = getConfig();
  const latest = order.attempts[0];
  return {
    orderStatus: order.status,
    totalOre: order.totalOre,
    attempt: latest
      ? {
          number: latest.attemptNumber,
          status: latest.status,
          invoiceReference: latest.invoiceReference,
          invoiceQRCode: latest.invoiceQRCode,
          appLink: latest.invoiceQRCode ? appLink(latest.invoiceQRCode, seqr.appScheme) : null,
          walletSimulatorUrl: seqr.usesSandbox && latest.invoiceReference ? `${seqr.sandboxBaseUrl}/app/R${latest.invoiceReference}` : null,
          expiresAt: latest.expiresAt.toISOString(),
          message: attemptMessage(latest, locale),
        }
      : null,
    canRetry: order.status === 'AWAITING_PAYMENT' && order.openAttemptId === null,
    doneUrl: `/orders/${order.publicToken}/done`,
  };
}

/** The pay page's live status: asks SEQR (coalesced) while an invoice is open, then reads the order. */
export async function currentPaymentView(token: string, locale: Locale = 'en'): Promise<PaymentView | null> {
  const order = await findOrderPaymentState(token);
  if (!order) return null;
  // Most polls come within a second of the last question to SEQR and change nothing: those skip the
  // compare-and-set, and the order is read again only after this call asked SEQR.
  const open = order.attempts[0]?.id === order.openAttemptId ? order.attempts[0] : undefined;
  const askedRecently = open?.lastStatusAt != null && open.lastStatusAt.getTime() > Date.now() - STATUS_INTERVAL_MS;
  if (order.openAttemptId && !askedRecently && (await refreshAttempt(order.openAttemptId, 'browser'))) {
    const fresh = await findOrderPaymentState(token);
    return fresh ? paymentView(fresh, locale) : null;
  }
  return paymentView(order, locale);
}

/** The return page (backURL): one final status read, then the order as it stands. */
export async function finalizeOnReturn(token: string): Promise<OrderView | null> {
  const order = await findOrderByToken(token);
  if (!order?.openAttemptId) return order;
  await refreshAttempt(order.openAttemptId, 'return-page', true);
  return findOrderByToken(token);
}

/** The notificationUrl: SEQR's hint that an invoice was paid. Only SEQR's status counts. */
export async function handleNotification(notificationToken: string): Promise<'applied' | 'unknown'> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(notificationToken)) return 'unknown';
  const attempt = await getDb().paymentAttempt.findUnique({ where: { notificationToken }, select: { id: true, status: true } });
  if (!attempt) return 'unknown';
  if (attempt.status === 'ISSUED') await refreshAttempt(attempt.id, 'notification', true);
  return 'applied';
}
