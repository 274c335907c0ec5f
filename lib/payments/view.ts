// What the pay page and the status endpoint show for an order: pure, from the order's stored state.
import { getConfig } from '../config';
import { seqrReason, translator, type Locale } from '../i18n';
import type { OrderPaymentState, OrderView } from '../orders';
import { appLink } from '../seqr';
import { canRetry } from './transitions';

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
  /** The shopper may ask for a new invoice (for what the cart holds now). */
  canRetry: boolean;
  /** The invoice ended and the cart is empty now: there is nothing left to pay for. */
  cartEmptied: boolean;
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
    // Never a new invoice for an old amount: "Try again" pays for the cart as it is, so none when it is empty.
    canRetry: canRetry(order) && order.cartHasItems,
    cartEmptied: canRetry(order) && !order.cartHasItems,
    doneUrl: `/orders/${order.publicToken}/done`,
  };
}
