// The app API's errors, one stable type each (RFC 9457 application/problem+json). The title is
// English and fixed; the detail is a sentence in the request's language (Accept-Language).
import { resolveLocale, translateMessage, type Locale, type Message } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import type { PaymentStateDto, ProblemDto } from './schemas';

type ProblemSpec = { status: number; title: string; key: MessageKey; about: string };

/** Every problem the API answers with. The reference page lists them (docs). */
export const PROBLEMS = {
  'invalid-request': { status: 400, title: 'Invalid request', key: 'api.invalidRequest', about: 'The body is not JSON, or a field is missing or of the wrong kind. `errors` names each field.' },
  'invalid-parameter': { status: 400, title: 'Invalid parameter', key: 'api.invalidParameter', about: 'A path or query parameter is malformed.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', key: 'api.unsupportedMediaType', about: 'A request body must be application/json.' },
  'body-too-large': { status: 413, title: 'Body too large', key: 'api.bodyTooLarge', about: 'The request body is larger than the API accepts.' },
  'invalid-idempotency-key': { status: 400, title: 'Invalid Idempotency-Key', key: 'api.invalidIdempotencyKey', about: 'An Idempotency-Key is 1–255 visible ASCII characters; a UUID is best.' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused', key: 'api.idempotencyKeyReused', about: 'This key was used for another request (another path or body). Use a new key for a new request.' },
  'idempotency-key-in-use': { status: 409, title: 'Request with this key in progress', key: 'api.idempotencyKeyInUse', about: 'A request with this key is still being handled. Send it again after Retry-After seconds to get its answer.' },
  'cross-site-request': { status: 403, title: 'Cross-site request', key: 'api.crossSiteRequest', about: 'A web page of another site sent this change; the API takes changes from apps (which send no Origin) and the shop\'s own pages only.' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', key: 'api.methodNotAllowed', about: 'The path exists, but not with this method. Allow lists the methods it has.' },
  'unknown-endpoint': { status: 404, title: 'Unknown endpoint', key: 'api.unknownEndpoint', about: 'No operation has this path; see /api/v1/openapi.json.' },
  'product-not-found': { status: 404, title: 'Product not found', key: 'api.productNotFound', about: 'No product on sale has this slug.' },
  'cart-not-found': { status: 404, title: 'Cart not found', key: 'api.cartNotFound', about: 'There is no cart with this id.' },
  'cart-closed': { status: 410, title: 'Cart closed', key: 'api.cartClosed', about: 'The cart became a paid order. Start a new cart.' },
  'item-not-in-cart': { status: 404, title: 'Item not in cart', key: 'api.itemNotInCart', about: 'The cart has no item with this slug.' },
  'invalid-quantity': { status: 422, title: 'Invalid quantity', key: 'api.invalidQuantity', about: 'The quantity is not allowed (a whole number, at most 99 of a product in a cart).' },
  'out-of-stock': { status: 409, title: 'Out of stock', key: 'api.outOfStock', about: 'There are not enough units of a product for the cart.' },
  'cart-empty': { status: 409, title: 'Cart empty', key: 'api.cartEmpty', about: 'There is nothing in the cart to pay for.' },
  'invalid-checkout-details': { status: 422, title: 'Invalid checkout details', key: 'api.invalidCheckoutDetails', about: 'A checkout detail is not valid. `errors` names each field with a sentence for the shopper.' },
  'checkout-details-missing': { status: 409, title: 'Checkout details missing', key: 'api.checkoutDetailsMissing', about: 'Set the checkout details (setCheckoutDetails) before creating the payment.' },
  'return-url-not-allowed': { status: 422, title: 'Return URL not allowed', key: 'api.returnUrlNotAllowed', about: 'The returnUrl does not start with one of the shop\'s APP_RETURN_URL_PREFIXES.' },
  'order-not-found': { status: 404, title: 'Order not found', key: 'api.orderNotFound', about: 'There is no order with this token.' },
  'payment-not-retryable': { status: 409, title: 'Payment cannot be retried', key: 'api.paymentNotRetryable', about: 'Only an order whose latest invoice ended unpaid, with items in its cart, gets a new invoice. `payment` is the state now.' },
  'payment-not-cancelable': { status: 409, title: 'Payment cannot be cancelled', key: 'api.paymentNotCancelable', about: 'The order has no open invoice to cancel. `payment` is the state now.' },
  'payment-already-paid': { status: 409, title: 'Payment already made', key: 'api.paymentAlreadyPaid', about: 'The invoice was paid before it could be cancelled. `payment` is the state now.' },
  'payment-cancel-pending': { status: 409, title: 'Cancel not settled yet', key: 'api.paymentCancelPending', about: 'SEQR did not settle the cancel yet (the invoice may be being paid). Follow the status; ask again after Retry-After seconds.' },
  'payment-not-completed': { status: 409, title: 'Payment not completed', key: 'api.paymentNotCompleted', about: 'The order is not paid (or its payment is under review), so it has no receipt. `payment` is the state now.' },
  'too-many-streams': { status: 429, title: 'Too many status streams', key: 'api.tooManyStreams', about: 'This order (or the shop) has as many live status streams as allowed. Poll getPaymentState once a second instead.' },
  'shop-busy': { status: 503, title: 'Shop busy', key: 'api.shopBusy', about: 'The shop could not take the request right now and changed nothing. Send it again after Retry-After seconds.' },
  'internal-error': { status: 500, title: 'Internal error', key: 'api.internalError', about: 'Something failed in the shop. Nothing about it is in this answer; the shop logged it.' },
} as const satisfies Record<string, ProblemSpec>;

export type ProblemType = keyof typeof PROBLEMS;

export const problemTypeUri = (type: ProblemType) => `/api/v1/docs#problem-${type}`;

/**
 * A problem to answer with, thrown from a use case. Recognised by its brand, not instanceof: Next
 * may load this module more than once.
 */
export class ApiProblem extends Error {
  readonly brand = 'seqr-shop.ApiProblem';
  constructor(
    readonly type: ProblemType,
    readonly detail?: Message,
    readonly extra: { errors?: ProblemDto['errors']; payment?: PaymentStateDto; retryAfterS?: number } = {},
  ) {
    super(type);
    this.name = 'ApiProblem';
  }
}

export function isApiProblem(error: unknown): error is ApiProblem {
  return typeof error === 'object' && error !== null && (error as { brand?: unknown }).brand === 'seqr-shop.ApiProblem';
}

export function problemBody(problem: ApiProblem, locale: Locale, instance?: string): ProblemDto {
  const spec = PROBLEMS[problem.type];
  return {
    type: problemTypeUri(problem.type),
    title: spec.title,
    status: spec.status,
    detail: translateMessage(locale, problem.detail ?? { key: spec.key }),
    ...(instance ? { instance } : {}),
    ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
    ...(problem.extra.payment ? { payment: problem.extra.payment } : {}),
  };
}

export function problemResponse(problem: ApiProblem, locale: Locale, instance?: string): Response {
  const body = problemBody(problem, locale, instance);
  const retryAfter = problem.extra.retryAfterS ?? (body.status === 503 || body.status === 429 || problem.type === 'idempotency-key-in-use' ? 1 : undefined);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: {
      'content-type': 'application/problem+json',
      'content-language': locale,
      'cache-control': 'no-store',
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    },
  });
}

/**
 * A path under /api/v1 with a broken %-escape (%ZZ, a cut UTF-8 sequence) never reaches a route:
 * Next answers it with its HTML 400 page while decoding the path's parameters. proxy.ts, which runs
 * first, answers it with this problem instead (null: the path decodes).
 */
export function malformedApiPathResponse(pathname: string, acceptLanguage: string | null): Response | null {
  if (!pathname.startsWith('/api/v1/')) return null;
  try {
    decodeURIComponent(pathname);
    return null;
  } catch {
    return problemResponse(new ApiProblem('invalid-parameter', { key: 'api.malformedPath' }), resolveLocale(undefined, acceptLanguage), pathname);
  }
}

/** A change to the app API sent by a web page of another site (proxy.ts refuses it): as a problem. */
export function crossSiteApiResponse(pathname: string, acceptLanguage: string | null): Response | null {
  if (!pathname.startsWith('/api/v1/')) return null;
  return problemResponse(new ApiProblem('cross-site-request'), resolveLocale(undefined, acceptLanguage), pathname);
}
