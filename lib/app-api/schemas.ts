// The app API's request and response shapes: zod schemas that validate every request and every
// answer, and from which the OpenAPI document is generated (openapi.ts). `id` makes a schema a named
// component; `example` values are real: they work against `npm start` (README "Apps"). Request
// bodies are strict: a field the operation does not have (a typo such as `returnURL`) is a 400 that
// names it, not silently dropped.
import 'zod-openapi';
import { z } from 'zod';
import { MAX_LINE_QUANTITY } from '../cart/totals';
import { SHIPPING_METHODS } from '../checkout/shipping';

const EXAMPLE_CART_ID = 'Xb3Q9fJ2kLm8Np4Rs6Tu0Vw1Yz5Ab7Cd';
const EXAMPLE_ORDER_TOKEN = 'q8Hh2Lk9Zx4Mn7Bv1Cx5Qw3Er6Ty0Ui2';

export const Slug = z.string().min(1).max(80).meta({ description: 'A product\'s slug, from listProducts.', example: 'linen-tea-towel' });
export const CartId = z.string().regex(/^[A-Za-z0-9_-]{32}$/).meta({ description: 'The cart\'s id, from createCart. Whoever holds it can change the cart: keep it like a password.', example: EXAMPLE_CART_ID });
export const OrderToken = z.string().regex(/^[A-Za-z0-9_-]{32}$/).meta({ description: 'The order\'s token, from createPayment. Whoever holds it can see and pay the order.', example: EXAMPLE_ORDER_TOKEN });

export const Money = z
  .object({
    minor: z.int().meta({ description: 'The amount in minor units (öre): 12900 is 129,00 kr.', example: 12900 }),
    currency: z.literal('SEK'),
    formatted: z.string().meta({ description: 'The amount as the shopper reads it, in the request\'s language.', example: '129,00 kr' }),
  })
  .meta({ id: 'Money', description: 'An amount of money. Compute with `minor`; show `formatted`.' });

export const VatGroup = z.object({ rateBp: z.int().meta({ description: 'VAT rate in basis points: 2500 is 25 %.', example: 2500 }), vat: Money }).meta({ id: 'VatGroup' });

export const Product = z
  .object({
    slug: Slug,
    sku: z.string().meta({ example: 'NV-1001' }),
    name: z.string().meta({ description: 'In the request\'s language (Accept-Language).', example: 'Linen tea towel' }),
    description: z.string(),
    price: Money,
    vatRateBp: z.int().meta({ example: 2500 }),
    imageUrl: z.url(),
    available: z.int().min(0).meta({ description: 'Units that can be bought now (on hand and not held by an open payment).', example: 12 }),
  })
  .meta({ id: 'Product' });

export const ProductList = z.object({ products: z.array(Product) }).meta({ id: 'ProductList' });

export const CartItem = z
  .object({
    slug: Slug,
    sku: z.string(),
    name: z.string(),
    quantity: z.int().min(1).max(MAX_LINE_QUANTITY),
    unitPrice: Money,
    lineTotal: Money,
    vatRateBp: z.int(),
    available: z.int().min(0).meta({ description: 'Units of the product that can be bought now; a quantity above it cannot be checked out.' }),
  })
  .meta({ id: 'CartItem' });

export const ShippingMethod = z.enum(SHIPPING_METHODS).meta({ id: 'ShippingMethod', description: 'PICKUP_POINT: 49 kr. HOME_DELIVERY: 99 kr. Both include 25 % VAT.', example: 'PICKUP_POINT' });

export const CheckoutDetailsInput = z
  .strictObject({
    name: z.string().meta({ description: 'Full name, 2–100 characters.', example: 'Anna Svensson' }),
    email: z.string().meta({ description: 'Where the receipt and delivery e-mails go.', example: 'anna@example.se' }),
    phone: z.string().meta({ description: 'Swedish (070-123 45 67) or international (+46 70 123 45 67).', example: '070-123 45 67' }),
    street: z.string().meta({ example: 'Storgatan 1' }),
    postcode: z.string().meta({ description: 'Five digits, such as 123 45.', example: '123 45' }),
    city: z.string().meta({ example: 'Stockholm' }),
    shipping: ShippingMethod,
  })
  .meta({
    id: 'CheckoutDetailsInput',
    description: 'What the web checkout asks: who gets the parcel, where, and how it is shipped. Checked as the web form checks it.',
    example: { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm', shipping: 'PICKUP_POINT' },
  });

export const CheckoutDetails = z
  .object({
    name: z.string(),
    email: z.string(),
    phone: z.string().meta({ description: 'Normalised: digits, with + for an international number.', example: '0701234567' }),
    street: z.string(),
    postcode: z.string().meta({ description: 'Normalised to "NNN NN".', example: '123 45' }),
    city: z.string(),
    shipping: ShippingMethod,
    shippingPrice: Money,
  })
  .meta({ id: 'CheckoutDetails' });

export const Cart = z
  .object({
    id: CartId,
    items: z.array(CartItem),
    itemCount: z.int().min(0),
    itemsTotal: Money.meta({ description: 'The items, VAT included, without shipping.' }),
    vat: z.array(VatGroup).meta({ description: 'VAT of the items per rate.' }),
    checkoutDetails: CheckoutDetails.nullable().meta({ description: 'Set by setCheckoutDetails; createPayment needs them.' }),
    total: Money.meta({ description: 'What createPayment would ask for now: the items and, once checkout details are set, the shipping.' }),
    openPayment: z
      .object({ orderToken: OrderToken })
      .nullable()
      .meta({ description: 'An invoice for this cart is open now: its payment. A change to the cart updates or replaces it.' }),
  })
  .meta({ id: 'Cart' });

export const CartItemInput = z
  .strictObject({
    slug: Slug,
    quantity: z.int().min(1).max(MAX_LINE_QUANTITY).meta({ example: 2 }),
  })
  .meta({ id: 'CartItemInput', example: { slug: 'linen-tea-towel', quantity: 2 } });

export const CreateCartInput = z
  .strictObject({ items: z.array(CartItemInput).max(50).optional().meta({ description: 'Items to start the cart with (each as addCartItem adds it).' }) })
  .meta({ id: 'CreateCartInput', example: { items: [{ slug: 'linen-tea-towel', quantity: 2 }] } });

export const CartItemQuantityInput = z
  .strictObject({ quantity: z.int().min(0).max(MAX_LINE_QUANTITY).meta({ description: 'The new quantity; 0 removes the item.', example: 3 }) })
  .meta({ id: 'CartItemQuantityInput', example: { quantity: 3 } });

export const CreatePaymentInput = z
  .strictObject({
    cartId: CartId,
    returnUrl: z
      .string()
      .max(1000)
      .optional()
      .meta({
        description:
          'Where the SEQR app sends the shopper after paying or cancelling (the invoice\'s backURL): your app\'s URL, such as nordvik://orders/{orderToken}. `{orderToken}` is replaced by the order\'s token. It must start with one of the shop\'s APP_RETURN_URL_PREFIXES. Without it, the web receipt page.',
        example: 'nordvik://orders/{orderToken}',
      }),
  })
  .meta({ id: 'CreatePaymentInput', example: { cartId: EXAMPLE_CART_ID, returnUrl: 'nordvik://orders/{orderToken}' } });

export const EmptyInput = z.strictObject({}).meta({ id: 'EmptyInput', description: 'No fields: send {} or no body.', example: {} });

export const AttemptStatus = z.enum(['CREATED', 'ISSUED', 'PAID', 'EXPIRED', 'CANCELED', 'FAILED']).meta({
  id: 'AttemptStatus',
  description: 'CREATED: being issued. ISSUED: payable now. PAID: SEQR confirmed it. EXPIRED, CANCELED, FAILED: over, nothing was charged (retryPayment makes a new invoice).',
});

export const OrderStatus = z.enum(['AWAITING_PAYMENT', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'ABANDONED', 'REVIEW']).meta({
  id: 'OrderStatus',
  description: 'REVIEW: SEQR reported a payment of another amount; the merchant decides (no receipt until then).',
});

export const PaymentAttempt = z
  .object({
    number: z.int().min(1),
    status: AttemptStatus,
    invoiceReference: z.string().nullable().meta({ description: 'SEQR\'s invoice reference.' }),
    invoiceQRCode: z.string().nullable().meta({ description: 'SEQR\'s invoice URL (HTTP://SEQR.SE/…): show it as a QR code on another screen.' }),
    appLink: z.string().nullable().meta({ description: 'Open this to pay in the SEQR app on this phone (seqr:// or seqr-demo://, as the shop is configured).' }),
    walletSimulatorUrl: z.string().nullable().meta({ description: 'Sandbox only: the wallet simulator page that plays the SEQR app. Null against real SEQR.' }),
    expiresAt: z.iso.datetime({ offset: true }).meta({ description: 'The shop withdraws the invoice at this time if it is unpaid.' }),
    message: z.string().nullable().meta({ description: 'Why the attempt ended unpaid, in the request\'s language.' }),
  })
  .meta({ id: 'PaymentAttempt' });

export const PaymentState = z
  .object({
    orderToken: OrderToken,
    orderNumber: z.string().meta({ example: 'NV-000042' }),
    status: OrderStatus,
    amount: Money,
    attempt: PaymentAttempt.nullable().meta({ description: 'The latest invoice.' }),
    canRetry: z.boolean().meta({ description: 'The latest invoice ended unpaid and the cart holds items: retryPayment makes a new one.' }),
    cartEmptied: z.boolean().meta({ description: 'The latest invoice ended unpaid and the cart is empty now: there is nothing left to pay for.' }),
    returnUrl: z.string().nullable().meta({ description: 'Where the SEQR app returns the shopper (the invoice\'s backURL); null: the web receipt page.' }),
    ersReference: z.string().nullable().meta({ description: 'SEQR\'s payment reference, once paid: show it on the receipt.' }),
    paidAt: z.iso.datetime({ offset: true }).nullable(),
    final: z.boolean().meta({ description: 'True when the status was asked of SEQR for this answer (final=true), not only read from the shop.' }),
  })
  .meta({ id: 'PaymentState' });

export const ReceiptLine = z
  .object({ name: z.string(), sku: z.string(), quantity: z.int(), unitPrice: Money, lineTotal: Money, vatRateBp: z.int() })
  .meta({ id: 'ReceiptLine' });

export const Receipt = z
  .object({
    orderToken: OrderToken,
    orderNumber: z.string(),
    ersReference: z.string().meta({ description: 'SEQR\'s payment reference.' }),
    paidAt: z.iso.datetime({ offset: true }),
    lines: z.array(ReceiptLine),
    shipping: z.object({ method: ShippingMethod, name: z.string(), price: Money, vatRateBp: z.int() }).nullable(),
    vat: z.array(VatGroup),
    total: Money.meta({ description: 'What SEQR charged.' }),
    refunded: Money,
    delivery: z.object({ name: z.string(), phone: z.string(), street: z.string(), postcode: z.string(), city: z.string() }).nullable(),
    seller: z.object({ name: z.string(), address: z.string(), orgNr: z.string(), vatNr: z.string(), email: z.string(), phone: z.string() }),
  })
  .meta({ id: 'Receipt' });

export const FieldError = z
  .object({
    pointer: z.string().meta({ description: 'JSON Pointer (RFC 6901) to the field in the request body.', example: '/postcode' }),
    detail: z.string().meta({ example: 'Enter a Swedish postcode: five digits, such as 123 45.' }),
  })
  .meta({ id: 'FieldError' });

export const Problem = z
  .object({
    type: z.string().meta({ description: 'Stable: what went wrong. One of the types in the reference page\'s "Problems".', example: '/api/v1/docs#problem-cart-not-found' }),
    title: z.string().meta({ description: 'A short English summary of the type; the same for every occurrence.', example: 'Cart not found' }),
    status: z.int(),
    detail: z.string().meta({ description: 'What happened, as a sentence in the Accept-Language language (Swedish or English).', example: 'There is no cart with this id.' }),
    instance: z.string().optional().meta({ description: 'The request\'s path.' }),
    errors: z.array(FieldError).optional().meta({ description: 'For invalid-request and invalid-checkout-details: each field\'s problem.' }),
    payment: PaymentState.optional().meta({ description: 'For problems about a payment\'s state: the state now.' }),
  })
  .meta({ id: 'Problem', description: 'An error, as RFC 9457 application/problem+json.' });

export type MoneyDto = z.infer<typeof Money>;
export type ProductDto = z.infer<typeof Product>;
export type CartDto = z.infer<typeof Cart>;
export type PaymentStateDto = z.infer<typeof PaymentState>;
export type ReceiptDto = z.infer<typeof Receipt>;
export type ProblemDto = z.infer<typeof Problem>;
