// lib/payments: the payment lifecycle. Only this module changes a payment's state. The functions
// here are the production core (wiring.ts); the use cases live one per file and take their ports.
import type { Locale } from '../i18n';
import { paymentCore } from './wiring';

export { createPaymentCore, type CheckoutInput, type CheckoutResult, type PaymentCore } from './core';
import type { CheckoutInput } from './core';
export type { StartResult } from './issue';
export type { PaymentPorts } from './ports';
export { parseRefundAmount, type RefundResult } from './refunds';
export { paymentView, type PaymentView } from './view';
export { productionPorts, startSweeper } from './wiring';
export { canAcceptReview, canCancel, canRetry, isPayable, isPending, needsReview, paymentIsOver, refundableOre, showsReceipt } from './transitions';

export const checkoutCart = (cartId: string, input?: CheckoutInput) => paymentCore().checkoutCart(cartId, input);
export const retryPayment = (token: string) => paymentCore().retryPayment(token);
export const syncOpenInvoiceWithCart = (cartId: string) => paymentCore().syncOpenInvoiceWithCart(cartId);
export const openPaymentOfCart = (cartId: string) => paymentCore().openPaymentOfCart(cartId);
export const invoiceAmountChange = (orderId: string, attemptId: string) => paymentCore().invoiceAmountChange(orderId, attemptId);
export const currentPaymentView = (token: string, locale?: Locale) => paymentCore().currentPaymentView(token, locale);
export const watchPaymentView = (token: string, onChange: () => void) => paymentCore().watchPaymentView(token, onChange);
export const finalizeOnReturn = (token: string) => paymentCore().finalizeOnReturn(token);
export const handleNotification = (notificationToken: string, claimedReference?: string) => paymentCore().handleNotification(notificationToken, claimedReference);
export const refundOrder = (orderId: string, amountOre: number, actor: string) => paymentCore().refundOrder(orderId, amountOre, actor);
export const cancelPaymentByShopper = (token: string) => paymentCore().cancelPaymentByShopper(token);
export const cancelOpenAttemptByMerchant = (orderId: string) => paymentCore().cancelOpenAttemptByMerchant(orderId);
export const acceptReviewedPayment = (orderId: string, actor: string) => paymentCore().acceptReviewedPayment(orderId, actor);
export const sweepOnce = (at?: Date) => paymentCore().sweepOnce(at);
