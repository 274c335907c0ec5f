// The payment use cases of the app API, over lib/payments exactly as the web checkout, pay page and
// done page use it: no second payment path. What differs is only the backURL (the app's own).
import { getConfig } from '../config';
import { findOrderByToken, type OrderView } from '../orders';
import { savedCheckoutDetails } from '../cart';
import type { Locale } from '../i18n';
import { canRetry, cancelPaymentByShopper, checkoutCart, finalizeOnReturn, needsReview, retryPayment, showsReceipt } from '../payments';
import { sellerDetails } from '../shop/seller';
import { shortageMessage } from '../stock';
import { openCartOrProblem } from './cart';
import { paymentStateDto, receiptDto } from './present';
import { ApiProblem } from './problems';
import { returnUrlProblem } from './return-url';
import type { PaymentStateDto, ReceiptDto } from './schemas';

async function orderOrProblem(token: string): Promise<OrderView> {
  const order = await findOrderByToken(token);
  if (!order) throw new ApiProblem('order-not-found');
  return order;
}

async function stateOf(token: string, locale: Locale, final = false): Promise<PaymentStateDto> {
  return paymentStateDto(await orderOrProblem(token), locale, final);
}

/**
 * The payment, and whether its answer may be kept for the request's Idempotency-Key: not when SEQR
 * could not be reached or did not answer (the attempt ended FAILED, or is being settled), since
 * then nothing happened at SEQR and a repeat with the same key must try again, as a 5xx would.
 * A refusal by SEQR is its answer, and is kept (retryPayment tries again).
 */
export type PaymentAnswer = { payment: PaymentStateDto; keep: boolean };

export async function createPaymentForApp(input: { cartId: string; returnUrl?: string }, locale: Locale): Promise<PaymentAnswer> {
  const cart = await openCartOrProblem(input.cartId, locale);
  if (cart.lines.length === 0) throw new ApiProblem('cart-empty');
  const details = await savedCheckoutDetails(cart.id);
  if (!details) throw new ApiProblem('checkout-details-missing');
  if (input.returnUrl !== undefined) {
    const problem = returnUrlProblem(input.returnUrl, getConfig().appReturnUrlPrefixes);
    if (problem) throw new ApiProblem('return-url-not-allowed', problem);
  }
  const result = await checkoutCart(cart.id, { details, locale, ...(input.returnUrl !== undefined ? { returnUrl: input.returnUrl } : {}) });
  switch (result.kind) {
    case 'empty-cart':
      throw new ApiProblem('cart-empty');
    case 'busy':
      throw new ApiProblem('shop-busy');
    case 'out-of-stock':
      throw new ApiProblem('out-of-stock', shortageMessage(result.shortage));
    default:
      // Issued, or refused / not answered by SEQR: the order exists either way, and its state says which.
      return { payment: await stateOf(result.token, locale), keep: result.start.kind !== 'unavailable' };
  }
}

/** final: the app is back from the SEQR app, and the shop asks SEQR once before answering (as the done page does). */
export async function paymentStateForApp(token: string, locale: Locale, final: boolean): Promise<PaymentStateDto> {
  if (!final) return stateOf(token, locale);
  const order = await finalizeOnReturn(token);
  if (!order) throw new ApiProblem('order-not-found');
  return paymentStateDto(order, locale, true);
}

export async function retryPaymentForApp(token: string, locale: Locale): Promise<PaymentAnswer> {
  const order = await orderOrProblem(token);
  if (!canRetry(order)) throw new ApiProblem('payment-not-retryable', undefined, { payment: paymentStateDto(order, locale, false) });
  const result = await retryPayment(token);
  if (!result) throw new ApiProblem('order-not-found');
  if (result.kind === 'empty-cart') throw new ApiProblem('cart-empty', undefined, { payment: await stateOf(token, locale) });
  if (result.kind === 'out-of-stock') throw new ApiProblem('out-of-stock', shortageMessage(result.shortage), { payment: await stateOf(token, locale) });
  if (result.kind === 'not-payable') throw new ApiProblem('payment-not-retryable', undefined, { payment: await stateOf(token, locale) });
  return { payment: await stateOf(token, locale), keep: result.kind !== 'unavailable' };
}

export async function cancelPaymentForApp(token: string, locale: Locale): Promise<PaymentStateDto> {
  const outcome = await cancelPaymentByShopper(token);
  if (outcome === 'no-order') throw new ApiProblem('order-not-found');
  const state = await stateOf(token, locale);
  switch (outcome) {
    case 'closed':
      return state;
    case 'nothing-open':
      throw new ApiProblem('payment-not-cancelable', undefined, { payment: state });
    case 'paid':
      throw new ApiProblem('payment-already-paid', undefined, { payment: state });
    default:
      throw new ApiProblem('payment-cancel-pending', undefined, { payment: state, retryAfterS: 2 });
  }
}

export async function receiptForApp(token: string, locale: Locale): Promise<ReceiptDto> {
  const order = await finalizeOnReturn(token);
  if (!order) throw new ApiProblem('order-not-found');
  const paid = showsReceipt(order) ? order.attempts.find((attempt) => attempt.ersReference !== null) : undefined;
  if (!paid?.ersReference) {
    const detail = needsReview(order) ? { key: 'api.paymentUnderReview' as const } : undefined;
    throw new ApiProblem('payment-not-completed', detail, { payment: paymentStateDto(order, locale, true) });
  }
  return receiptDto(order, { ersReference: paid.ersReference, paidAt: paid.paidAt ?? order.paidAt ?? order.createdAt }, sellerDetails(), locale);
}
