// The app API's operations: one table that both the route handlers (handler.ts: what they parse and
// what they may answer) and the OpenAPI document (openapi.ts) are made from, so the two cannot drift.
import { z } from 'zod';
import type { ProblemType } from './problems';
import * as S from './schemas';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type Operation = {
  operationId: string;
  method: Method;
  /** Under /api/v1, OpenAPI style: /carts/{cartId}. */
  path: string;
  tag: 'Catalog' | 'Cart' | 'Payment';
  summary: string;
  description: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean };
  /** The success answer: JSON with this schema, or a server-sent event stream of it. */
  success: { status: 200 | 201; description: string; schema: z.ZodType; stream?: true };
  problems: ProblemType[];
};

const cartParams = z.object({ cartId: S.CartId });
const itemParams = z.object({ cartId: S.CartId, slug: S.Slug });
const orderParams = z.object({ orderToken: S.OrderToken });
const parameterProblems: ProblemType[] = ['invalid-parameter'];
const bodyProblems: ProblemType[] = ['invalid-request', 'unsupported-media-type', 'body-too-large', 'cross-site-request'];
const postProblems: ProblemType[] = [...bodyProblems, 'invalid-idempotency-key', 'idempotency-key-reused', 'idempotency-key-in-use'];

const define = <const O extends Operation>(operation: O) => operation;

export const operations = {
  listProducts: define({
    operationId: 'listProducts',
    method: 'get',
    path: '/products',
    tag: 'Catalog',
    summary: 'List the products on sale',
    description: 'Names and descriptions in the Accept-Language language (Swedish or English). Prices include VAT.',
    success: { status: 200, description: 'The products.', schema: S.ProductList },
    problems: [],
  }),
  getProduct: define({
    operationId: 'getProduct',
    method: 'get',
    path: '/products/{slug}',
    tag: 'Catalog',
    summary: 'One product',
    description: 'A product on sale, with the units that can be bought now.',
    params: z.object({ slug: S.Slug }),
    success: { status: 200, description: 'The product.', schema: S.Product },
    problems: ['product-not-found'],
  }),
  createCart: define({
    operationId: 'createCart',
    method: 'post',
    path: '/carts',
    tag: 'Cart',
    summary: 'Start a cart',
    description: 'A new cart, empty or with the given items. Its id is the only way to reach it: keep it in the app.',
    body: { schema: S.CreateCartInput, required: false },
    success: { status: 201, description: 'The new cart. Location names it.', schema: S.Cart },
    problems: [...postProblems, 'product-not-found', 'invalid-quantity', 'out-of-stock'],
  }),
  getCart: define({
    operationId: 'getCart',
    method: 'get',
    path: '/carts/{cartId}',
    tag: 'Cart',
    summary: 'The cart as it is now',
    description: 'Priced from the catalog now; names in the Accept-Language language.',
    params: cartParams,
    success: { status: 200, description: 'The cart.', schema: S.Cart },
    problems: [...parameterProblems, 'cart-not-found', 'cart-closed'],
  }),
  addCartItem: define({
    operationId: 'addCartItem',
    method: 'post',
    path: '/carts/{cartId}/items',
    tag: 'Cart',
    summary: 'Add a product',
    description: 'Adds the quantity to what the cart holds of the product. An invoice open for the cart is updated to match (or replaced).',
    params: cartParams,
    body: { schema: S.CartItemInput, required: true },
    success: { status: 200, description: 'The cart after the change.', schema: S.Cart },
    problems: [...parameterProblems, ...postProblems, 'cart-not-found', 'cart-closed', 'product-not-found', 'invalid-quantity', 'out-of-stock'],
  }),
  updateCartItem: define({
    operationId: 'updateCartItem',
    method: 'patch',
    path: '/carts/{cartId}/items/{slug}',
    tag: 'Cart',
    summary: 'Change an item\'s quantity',
    description: 'Sets the quantity (0 removes the item). Repeating it changes nothing more.',
    params: itemParams,
    body: { schema: S.CartItemQuantityInput, required: true },
    success: { status: 200, description: 'The cart after the change.', schema: S.Cart },
    problems: [...parameterProblems, ...bodyProblems, 'cart-not-found', 'cart-closed', 'item-not-in-cart', 'invalid-quantity'],
  }),
  removeCartItem: define({
    operationId: 'removeCartItem',
    method: 'delete',
    path: '/carts/{cartId}/items/{slug}',
    tag: 'Cart',
    summary: 'Remove an item',
    description: 'Removes the product from the cart. Removing one that is not there is not an error.',
    params: itemParams,
    success: { status: 200, description: 'The cart after the change.', schema: S.Cart },
    problems: [...parameterProblems, 'cart-not-found', 'cart-closed', 'cross-site-request'],
  }),
  setCheckoutDetails: define({
    operationId: 'setCheckoutDetails',
    method: 'put',
    path: '/carts/{cartId}/checkout-details',
    tag: 'Cart',
    summary: 'Set the checkout details',
    description: 'Who gets the parcel, where, and the shipping: checked as the web checkout checks them, with a sentence per field. createPayment needs them.',
    params: cartParams,
    body: { schema: S.CheckoutDetailsInput, required: true },
    success: { status: 200, description: 'The cart with its details (normalised) and the shipping in its total.', schema: S.Cart },
    problems: [...parameterProblems, ...bodyProblems, 'cart-not-found', 'cart-closed', 'invalid-checkout-details'],
  }),
  createPayment: define({
    operationId: 'createPayment',
    method: 'post',
    path: '/payments',
    tag: 'Payment',
    summary: 'Order the cart and issue its SEQR invoice',
    description:
      'Makes the order from the cart (catalog prices now, the checkout details) and calls SEQR sendInvoice. Open `attempt.appLink` to pay in the SEQR app on this phone, or show `attempt.invoiceQRCode` as a QR code. The SEQR app then opens `returnUrl`; ask getPaymentState with final=true there. If SEQR refused or did not answer, the attempt says so (FAILED, `message`) and retryPayment tries again. An answer given because SEQR could not be reached is not kept for the Idempotency-Key: repeating the request tries SEQR again. A cart with an open invoice gets that invoice (brought up to date).',
    body: { schema: S.CreatePaymentInput, required: true },
    success: { status: 201, description: 'The order and its invoice. Location is its getPaymentState.', schema: S.PaymentState },
    problems: [...postProblems, 'cart-not-found', 'cart-closed', 'cart-empty', 'checkout-details-missing', 'return-url-not-allowed', 'out-of-stock', 'shop-busy'],
  }),
  getPaymentState: define({
    operationId: 'getPaymentState',
    method: 'get',
    path: '/payments/{orderToken}',
    tag: 'Payment',
    summary: 'The payment\'s state',
    description:
      'What the shop knows now, as the web pay page shows it: poll it once a second, or use streamPaymentState. It does not ask SEQR (notifications and the shop\'s own checks do) unless final=true: ask that once when the SEQR app returns to your app, and the shop asks SEQR (getPaymentStatus) before answering, as its web receipt page does.',
    params: orderParams,
    query: z.object({ final: z.enum(['true', 'false']).optional().meta({ description: 'true: ask SEQR now (once, on return from the SEQR app).' }) }),
    success: { status: 200, description: 'The state.', schema: S.PaymentState },
    problems: [...parameterProblems, 'order-not-found'],
  }),
  streamPaymentState: define({
    operationId: 'streamPaymentState',
    method: 'get',
    path: '/payments/{orderToken}/events',
    tag: 'Payment',
    summary: 'Follow the payment live (server-sent events)',
    description:
      'text/event-stream: each `data:` line is a PaymentState, sent at once and whenever it changes; comment lines keep the connection alive. The stream ends when the payment is over (paid, or ended unpaid). A refused stream (429 too-many-streams: the order, or the shop, has as many as allowed) means: poll getPaymentState once a second.',
    params: orderParams,
    success: { status: 200, description: 'An event stream of PaymentState.', schema: S.PaymentState, stream: true },
    problems: [...parameterProblems, 'order-not-found', 'too-many-streams'],
  }),
  retryPayment: define({
    operationId: 'retryPayment',
    method: 'post',
    path: '/payments/{orderToken}/retry',
    tag: 'Payment',
    summary: 'A new invoice after one ended unpaid',
    description: 'For an order whose latest invoice expired, was cancelled or failed (canRetry): a new invoice for what the cart holds now.',
    params: orderParams,
    body: { schema: S.EmptyInput, required: false },
    success: { status: 200, description: 'The state with the new invoice.', schema: S.PaymentState },
    problems: [...parameterProblems, ...postProblems, 'order-not-found', 'payment-not-retryable', 'cart-empty', 'out-of-stock'],
  }),
  cancelPayment: define({
    operationId: 'cancelPayment',
    method: 'post',
    path: '/payments/{orderToken}/cancel',
    tag: 'Payment',
    summary: 'Cancel the open invoice',
    description: 'The shopper gives up paying: the shop withdraws the invoice at SEQR (cancelInvoice). The order stays, and retryPayment can issue a new invoice.',
    params: orderParams,
    body: { schema: S.EmptyInput, required: false },
    success: { status: 200, description: 'The state, the latest attempt CANCELED.', schema: S.PaymentState },
    problems: [...parameterProblems, ...postProblems, 'order-not-found', 'payment-not-cancelable', 'payment-already-paid', 'payment-cancel-pending'],
  }),
  getReceipt: define({
    operationId: 'getReceipt',
    method: 'get',
    path: '/payments/{orderToken}/receipt',
    tag: 'Payment',
    summary: 'The receipt of a paid order',
    description: 'Lines, shipping, VAT, the total SEQR charged, SEQR\'s reference and the time of payment: what the web receipt page shows. Asks SEQR first if the payment is still open.',
    params: orderParams,
    success: { status: 200, description: 'The receipt.', schema: S.Receipt },
    problems: [...parameterProblems, 'order-not-found', 'payment-not-completed'],
  }),
} as const;

export type OperationId = keyof typeof operations;
export const API_PREFIX = '/api/v1';
