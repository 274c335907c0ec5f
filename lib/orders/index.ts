// Orders: a snapshot of a cart at checkout (names, prices, VAT frozen), reached publicly only
// through an unguessable token. Payment state is changed by lib/payments, never here.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadOpenCart, type CartView, type DbClient } from '../cart';
import { cartTotals, type VatGroup } from '../cart/totals';
import { getDb } from '../db';
import type { FulfilmentStatus, OrderEventKind, OrderStatus, PaymentAttemptStatus, Prisma, PrismaClient } from '../generated/prisma/client';
import type { ShippingLine } from '../checkout/shipping';

export const OrderTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

export type OrderLineView = { position: number; sku: string; name: string; unitPriceOre: number; taxRateBp: number; quantity: number; lineTotalOre: number };

export type AttemptView = {
  id: string;
  attemptNumber: number;
  status: PaymentAttemptStatus;
  invoiceReference: string | null;
  invoiceQRCode: string | null;
  amountOre: number;
  ersReference: string | null;
  expiresAt: Date;
  paidAt: Date | null;
  resultCode: number | null;
};

export type OrderView = {
  id: string;
  number: number;
  publicToken: string;
  status: OrderStatus;
  currency: string;
  totalOre: number;
  taxOre: number;
  paidOre: number;
  paidCurrency: string | null;
  refundedOre: number;
  refundReservedOre: number;
  reviewReason: string | null;
  paidAt: Date | null;
  createdAt: Date;
  openAttemptId: string | null;
  /** The order's cart is open and holds something: only then can a new invoice be asked for. */
  cartHasItems: boolean;
  lines: OrderLineView[];
  /** The chosen shipping, a priced line of its own (in totalOre, taxOre and vat); null when none was chosen. */
  shipping: ShippingLine | null;
  /** VAT per rate over the lines and the shipping. */
  vat: VatGroup[];
  /** Newest first. */
  attempts: AttemptView[];
  email: string | null;
  /** The invoice's backURL when an app created the payment; null: the web done page. */
  returnUrl: string | null;
  delivery: DeliveryDetails | null;
  fulfilment: FulfilmentView;
};

/** Who gets the parcel, and where (checkout details). */
export type DeliveryDetails = { name: string; phone: string; street: string; postcode: string; city: string };

export type FulfilmentView = { status: FulfilmentStatus; packedAt: Date | null; shippedAt: Date | null; carrier: string | null; trackingNumber: string | null };

/** Total and VAT of an order: its lines plus its shipping as one more priced line. */
export function orderTotals(lines: readonly { unitPriceOre: number; quantity: number; taxRateBp: number }[], shipping: ShippingLine | null) {
  const totals = cartTotals(shipping ? [...lines, { unitPriceOre: shipping.priceOre, quantity: 1, taxRateBp: shipping.taxRateBp }] : lines);
  return { totalOre: totals.totalOre, taxOre: totals.vatOre, vat: totals.vat };
}

type ShippingColumns = { shippingMethod: ShippingLine['method'] | null; shippingOre: number; shippingTaxRateBp: number };

export function shippingFromColumns(row: ShippingColumns): ShippingLine | null {
  return row.shippingMethod ? { method: row.shippingMethod, priceOre: row.shippingOre, taxRateBp: row.shippingTaxRateBp } : null;
}

export function shippingColumns(shipping: ShippingLine | null): ShippingColumns {
  return shipping ? { shippingMethod: shipping.method, shippingOre: shipping.priceOre, shippingTaxRateBp: shipping.taxRateBp } : { shippingMethod: null, shippingOre: 0, shippingTaxRateBp: 0 };
}

const sameShipping = (a: ShippingLine | null, b: ShippingLine | null) => a?.method === b?.method && a?.priceOre === b?.priceOre && a?.taxRateBp === b?.taxRateBp;

export class OrderInputError extends Error {
  override readonly name = 'OrderInputError';
}

export function newPublicToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Human-facing order number, as printed on receipts and sent as clientInvoiceId. */
export function orderNumberLabel(number: number): string {
  return `NV-${String(number).padStart(6, '0')}`;
}

const attemptSelect = {
  id: true,
  attemptNumber: true,
  status: true,
  invoiceReference: true,
  invoiceQRCode: true,
  amountOre: true,
  ersReference: true,
  expiresAt: true,
  paidAt: true,
  resultCode: true,
} as const;

export async function findOrderByToken(token: string, db: DbClient = getDb()): Promise<OrderView | null> {
  const parsed = OrderTokenSchema.safeParse(token);
  if (!parsed.success) return null;
  return loadOrder({ publicToken: parsed.data }, db);
}

/** What the pay page's live status needs, and nothing more: it is read on every poll. */
export type OrderPaymentState = Pick<OrderView, 'id' | 'publicToken' | 'status' | 'totalOre' | 'openAttemptId' | 'cartHasItems'> & {
  /** The cart whose fill decides canRetry/cartEmptied (a cached state is dropped when it changes). */
  cartId?: string | null;
  attempts: AttemptView[];
};

/** The order's payment state with its latest attempt only (`attempts` holds at most one). */
export async function findOrderPaymentState(token: string, db: DbClient = getDb()): Promise<OrderPaymentState | null> {
  const parsed = OrderTokenSchema.safeParse(token);
  if (!parsed.success) return null;
  const order = await db.order.findUnique({
    where: { publicToken: parsed.data },
    select: { id: true, publicToken: true, status: true, totalOre: true, openAttemptId: true, cartId: true, cart: cartFillSelect, attempts: { orderBy: { attemptNumber: 'desc' }, take: 1, select: attemptSelect } },
  });
  if (!order) return null;
  const { cart, ...rest } = order;
  return { ...rest, cartHasItems: cartHasItems(cart) };
}

const cartFillSelect = { select: { status: true, _count: { select: { lines: true } } } } as const;
const cartHasItems = (cart: { status: string; _count: { lines: number } } | null) => cart?.status === 'OPEN' && cart._count.lines > 0;

export async function findOrderById(id: string, db: DbClient = getDb()): Promise<OrderView | null> {
  return loadOrder({ id }, db);
}

async function loadOrder(where: Prisma.OrderWhereUniqueInput, db: DbClient): Promise<OrderView | null> {
  const order = await db.order.findUnique({
    where,
    include: {
      lines: { orderBy: { position: 'asc' } },
      attempts: { orderBy: { attemptNumber: 'desc' }, select: attemptSelect },
      cart: cartFillSelect,
    },
  });
  if (!order) return null;
  const lines = order.lines.map(({ position, sku, name, unitPriceOre, taxRateBp, quantity, lineTotalOre }) => ({
    position, sku, name, unitPriceOre, taxRateBp, quantity, lineTotalOre,
  }));
  const shipping = shippingFromColumns(order);
  const delivery =
    order.customerName && order.phone && order.deliveryStreet && order.deliveryPostcode && order.deliveryCity
      ? { name: order.customerName, phone: order.phone, street: order.deliveryStreet, postcode: order.deliveryPostcode, city: order.deliveryCity }
      : null;
  return {
    id: order.id,
    number: order.number,
    publicToken: order.publicToken,
    status: order.status,
    currency: order.currency,
    totalOre: order.totalOre,
    taxOre: order.taxOre,
    paidOre: order.paidOre,
    paidCurrency: order.paidCurrency,
    refundedOre: order.refundedOre,
    refundReservedOre: order.refundReservedOre,
    reviewReason: order.reviewReason,
    paidAt: order.paidAt,
    createdAt: order.createdAt,
    openAttemptId: order.openAttemptId,
    cartHasItems: cartHasItems(order.cart),
    lines,
    shipping,
    vat: orderTotals(lines, shipping).vat,
    attempts: order.attempts,
    email: order.email,
    returnUrl: order.returnUrl,
    delivery,
    fulfilment: { status: order.fulfilmentStatus, packedAt: order.packedAt, shippedAt: order.shippedAt, carrier: order.carrier, trackingNumber: order.trackingNumber },
  };
}

/**
 * The order awaiting payment for this cart, created or brought up to date with the cart's current
 * contents and catalog prices. Returns null when the cart is empty or not open.
 */
/** The order lines a cart becomes: a snapshot of names, prices and VAT rates now. */
export function orderLinesFromCart(cart: CartView): OrderLineView[] {
  return cart.lines.map((line, index) => ({
    position: index + 1,
    sku: line.product.sku,
    name: line.product.name,
    unitPriceOre: line.unitPriceOre,
    taxRateBp: line.product.taxRateBp,
    quantity: line.quantity,
    lineTotalOre: line.lineTotalOre,
  }));
}

/** db, clock and token source default to the process's; lib/payments passes its ports. */
export type UpsertOptions = {
  db?: PrismaClient;
  now?: Date;
  newToken?: () => string;
  /** The shipping chosen at checkout; undefined keeps an existing order's (a cart change). */
  shipping?: ShippingLine | null;
};

export async function upsertOrderFromCart(cartId: string, options: UpsertOptions = {}): Promise<{ orderId: string; changed: boolean } | null> {
  const db = options.db ?? getDb();
  const cart = await loadOpenCart(cartId, db);
  if (!cart || cart.lines.length === 0) return null;
  const saved = await db.$transaction((tx) => upsertOrderInTransaction(tx, cart, options));
  return { orderId: saved.id, changed: saved.changed };
}

/** Contact details, language and the like, written with the order (the checkout form). */
export type OrderDetailsInput = Pick<Prisma.OrderUncheckedUpdateInput, 'email' | 'locale' | 'returnUrl' | 'customerName' | 'phone' | 'deliveryStreet' | 'deliveryPostcode' | 'deliveryCity'>;

/** The order the cart became, as its writer knows it without reading it back. */
export type SavedOrder = Pick<OrderView, 'id' | 'number' | 'publicToken' | 'totalOre' | 'currency' | 'lines' | 'shipping' | 'openAttemptId' | 'returnUrl'> & {
  changed: boolean;
  /** The highest attempt number so far (0: none). */
  lastAttemptNumber: number;
  /** The order's lines as stock sees them. */
  stockLines: { productId: string | null; quantity: number }[];
};

/**
 * upsertOrderFromCart inside the caller's transaction, for an already loaded (non-empty) cart;
 * `details` are written with the order whether or not its contents changed. An order with an open
 * invoice keeps its contents (only lib/payments' cart sync changes them, with the invoice).
 */
export async function upsertOrderInTransaction(tx: Prisma.TransactionClient, cart: CartView, options: UpsertOptions & { details?: OrderDetailsInput } = {}): Promise<SavedOrder> {
  const now = options.now ?? new Date();
  const cartId = cart.id;
  const lines = orderLinesFromCart(cart).map((line, index) => ({ ...line, productId: cart.lines[index]!.product.id as string | null }));
  const existing = await tx.order.findFirst({
    where: { cartId, status: 'AWAITING_PAYMENT' },
    orderBy: { createdAt: 'desc' },
    include: { lines: { orderBy: { position: 'asc' } }, attempts: { orderBy: { attemptNumber: 'desc' }, take: 1, select: { attemptNumber: true } } },
  });
  const details = options.details ?? {};
  const shipping = options.shipping !== undefined ? options.shipping : existing ? shippingFromColumns(existing) : null;
  const totals = orderTotals(lines, shipping);
  const stockLines = lines.map(({ productId, quantity }) => ({ productId, quantity }));
  const saved = (order: { id: string; number: number; publicToken: string; currency: string; openAttemptId: string | null; returnUrl: string | null }, changed: boolean, lastAttemptNumber: number): SavedOrder => ({
    id: order.id, number: order.number, publicToken: order.publicToken, currency: order.currency, openAttemptId: order.openAttemptId,
    returnUrl: typeof details.returnUrl === 'string' || details.returnUrl === null ? details.returnUrl : order.returnUrl,
    totalOre: totals.totalOre, lines: lines.map(({ productId: _productId, ...line }) => line), shipping, changed, lastAttemptNumber, stockLines,
  });
  if (existing) {
    const lastAttemptNumber = existing.attempts[0]?.attemptNumber ?? 0;
    const same =
      existing.totalOre === totals.totalOre &&
      sameShipping(shippingFromColumns(existing), shipping) &&
      existing.lines.length === lines.length &&
      existing.lines.every((l, i) => l.sku === lines[i]!.sku && l.name === lines[i]!.name && l.quantity === lines[i]!.quantity && l.unitPriceOre === lines[i]!.unitPriceOre);
    // An open invoice asks for the order as it is: only lib/payments' cart sync changes it then,
    // together with the invoice (applyOrderSnapshot).
    if (same || existing.openAttemptId) {
      if (options.details) await tx.order.update({ where: { id: existing.id }, data: { ...details, lastActivityAt: now }, select: { id: true } });
      if (existing.openAttemptId) {
        const asIs = existing.lines.map(({ position, sku, name, unitPriceOre, taxRateBp, quantity, lineTotalOre }) => ({ position, sku, name, unitPriceOre, taxRateBp, quantity, lineTotalOre }));
        return { ...saved(existing, false, lastAttemptNumber), totalOre: existing.totalOre, lines: asIs, shipping: shippingFromColumns(existing), stockLines: existing.lines.map(({ productId, quantity }) => ({ productId, quantity })) };
      }
      return saved(existing, false, lastAttemptNumber);
    }
    await tx.orderLine.deleteMany({ where: { orderId: existing.id } });
    await tx.order.update({
      where: { id: existing.id },
      data: { ...details, totalOre: totals.totalOre, taxOre: totals.taxOre, ...shippingColumns(shipping), lastActivityAt: now, lines: { create: lines } },
      select: { id: true },
    });
    await tx.orderEvent.create({
      data: { orderId: existing.id, at: now, kind: 'NOTE', message: `The cart changed; the order now totals ${totals.totalOre} öre.` },
      select: { id: true },
    });
    return saved(existing, true, lastAttemptNumber);
  }
  const order = await tx.order.create({
    data: {
      ...(details as Prisma.OrderUncheckedCreateInput),
      publicToken: (options.newToken ?? newPublicToken)(),
      cartId,
      currency: 'SEK',
      totalOre: totals.totalOre,
      taxOre: totals.taxOre,
      ...shippingColumns(shipping),
      createdAt: now,
      lastActivityAt: now,
      lines: { create: lines },
      events: { create: { at: now, kind: 'ORDER_CREATED', toStatus: 'AWAITING_PAYMENT', message: `Order created from the cart, ${cart.totals.itemCount} item(s).` } },
    },
    select: { id: true, number: true, publicToken: true, currency: true, openAttemptId: true, returnUrl: true },
  });
  return saved(order, true, 0);
}

export type OrderEventInput = {
  kind: OrderEventKind;
  operation?: string;
  resultCode?: number;
  durationMs?: number;
  fromStatus?: string;
  toStatus?: string;
  message?: string;
  data?: Prisma.InputJsonValue;
};

export async function appendOrderEvent(orderId: string, event: OrderEventInput & { at?: Date }, db: DbClient = getDb()): Promise<void> {
  await db.orderEvent.create({ data: { orderId, ...event } });
}

export async function listOrderEvents(orderId: string) {
  return getDb().orderEvent.findMany({ where: { orderId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
}

/**
 * What an order becomes after a cart change: totals, lines and shipping (a snapshot, JSON-safe).
 * `shipping` is absent in snapshots saved before shipping existed: the order keeps its own then.
 */
export type OrderSnapshot = { totalOre: number; taxOre: number; lines: OrderLineView[]; shipping?: ShippingLine | null };

/** Give an order new contents (lib/payments, once SEQR has the matching invoice update). */
export async function applyOrderSnapshot(tx: Prisma.TransactionClient, orderId: string, snapshot: OrderSnapshot, now: Date): Promise<void> {
  const products = await tx.product.findMany({ where: { sku: { in: snapshot.lines.map((l) => l.sku) } }, select: { id: true, sku: true } });
  await tx.orderLine.deleteMany({ where: { orderId } });
  await tx.orderLine.createMany({ data: snapshot.lines.map((line) => ({ ...line, orderId, productId: products.find((p) => p.sku === line.sku)?.id ?? null })) });
  await tx.order.update({
    where: { id: orderId },
    data: { totalOre: snapshot.totalOre, taxOre: snapshot.taxOre, ...(snapshot.shipping !== undefined ? shippingColumns(snapshot.shipping) : {}), lastActivityAt: now },
  });
  await tx.orderEvent.create({ data: { orderId, at: now, kind: 'NOTE', message: `The cart changed; the order now totals ${snapshot.totalOre} öre.` } });
}
