// The properties a run must keep, over SEQR's model and the shop's database. Each failure names
// the invariant, the order and the invoice. The shop's rows come from one consistent snapshot
// (one SQL statement), read while the model holds still, so both sides are seen at one instant.
import { decimalStringToOre } from '../../lib/money';
import type { Invoice, SandboxModel } from '../../sandbox/model';
import { modelPaid } from './fake-seqr';

export type Failure = { invariant: string; message: string; at: number };

export type AttemptRow = {
  id: string;
  orderId: string;
  attemptNumber: number;
  status: string;
  clientInvoiceId: string;
  invoiceReference: string | null;
  notificationToken: string;
  amountOre: number;
  ersReference: string | null;
  expiresAt: string;
  receiptStatus?: string;
};

export type OrderRow = {
  id: string;
  number: number;
  publicToken: string;
  status: string;
  totalOre: number;
  paidOre: number;
  refundedOre: number;
  refundReservedOre?: number;
  paidCurrency?: string | null;
  reviewReason?: string | null;
  oversoldUnits?: number;
  openAttemptId: string | null;
  cartId: string | null;
};

export type RefundRow = { id: string; orderId: string; attemptId: string; amountOre: number; status: string; ersReference: string | null };

export type ProductRow = { id: string; sku: string; stockOnHand: number; stockReserved: number };
export type ReservationRow = { attemptId: string; productId: string; quantity: number };

export type Snapshot = { attempts: AttemptRow[]; orders: OrderRow[]; refunds: RefundRow[]; products?: ProductRow[]; reservations?: ReservationRow[] };

/** One statement, so the three tables are read at one instant (schema-agnostic: whole rows as JSON). */
export const SNAPSHOT_SQL = `SELECT
  (SELECT coalesce(json_agg(a), '[]'::json) FROM "PaymentAttempt" a) AS attempts,
  (SELECT coalesce(json_agg(o), '[]'::json) FROM "Order" o) AS orders,
  (SELECT coalesce(json_agg(r), '[]'::json) FROM "Refund" r) AS refunds,
  (SELECT coalesce(json_agg(p), '[]'::json) FROM "Product" p) AS products,
  (SELECT coalesce(json_agg(s), '[]'::json) FROM "StockReservation" s) AS reservations`;

export type Book = {
  now: number;
  /** The shop's clock now (world time + the process's skew). */
  shopNow: number;
  ttlMs: number;
  seqrTimeoutMs: number;
  sweepEveryMs: number;
  confirmWindowMs: number;
  maxSkewMs: number;
  withLookup: boolean;
  shown: Map<string, { at: number; shopper: number }>;
  hostile: Map<string, string>;
  /** Orders whose payment under review the merchant accepted. */
  accepted: Set<string>;
  /** Invoices whose updateInvoice ended without a usable answer that a live shop process saw (it knew it did not know). */
  uncertainUpdates: Set<string>;
  /** Time in [from, to] during which the shop was down or frozen, or SEQR unreachable by schedule. */
  unavailableMs(from: number, to: number): number;
};

/** The 20-second rule is excused when the shop or SEQR was unavailable for at least half of it. */
export const EXCUSE_UNAVAILABLE_MS = 10_000;

const OPEN = new Set(['CREATED', 'ISSUED']);
const PAID_FAMILY = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const NON_FINAL = new Set(['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED']);

function tokenOf(url: string | undefined): string | undefined {
  return url?.split('/').pop();
}

export class Index {
  readonly attemptByToken = new Map<string, AttemptRow>();
  readonly attemptByRef = new Map<string, AttemptRow>();
  readonly attemptByClientId = new Map<string, AttemptRow>();
  readonly orderById = new Map<string, OrderRow>();
  readonly attemptsByOrder = new Map<string, AttemptRow[]>();
  readonly refundsByAttempt = new Map<string, RefundRow[]>();

  constructor(readonly snap: Snapshot) {
    for (const a of snap.attempts) {
      this.attemptByToken.set(a.notificationToken, a);
      if (a.invoiceReference) this.attemptByRef.set(a.invoiceReference, a);
      this.attemptByClientId.set(a.clientInvoiceId, a);
      const list = this.attemptsByOrder.get(a.orderId) ?? [];
      list.push(a);
      this.attemptsByOrder.set(a.orderId, list);
    }
    for (const o of snap.orders) this.orderById.set(o.id, o);
    for (const r of snap.refunds) {
      const list = this.refundsByAttempt.get(r.attemptId) ?? [];
      list.push(r);
      this.refundsByAttempt.set(r.attemptId, list);
    }
  }

  /** The shop's attempt behind a SEQR invoice: by the token in its notificationUrl, else its clientInvoiceId. */
  attemptOf(invoice: Invoice): AttemptRow | undefined {
    const token = tokenOf(invoice.body.notificationUrl);
    return (token ? this.attemptByToken.get(token) : undefined) ?? (invoice.body.clientInvoiceId ? this.attemptByClientId.get(invoice.body.clientInvoiceId) : undefined);
  }
}

const label = (order: OrderRow | undefined) => (order ? `order NV-${String(order.number).padStart(6, '0')}` : 'order ?');
const refundSum = (refunds: RefundRow[] | undefined, status: string) => (refunds ?? []).filter((r) => r.status === status).reduce((s, r) => s + r.amountOre, 0);
const modelRefunded = (invoice: Invoice) => invoice.refunds.reduce((s, r) => s + decimalStringToOre(r.amount.value), 0);
const paymentReceipts = (invoice: Invoice) => invoice.receipts.filter((r) => r.forKind === 'payment').length;

/** Checks that need only SEQR's model: cheap, run after every event. */
export function checkModel(model: SandboxModel, now: number): Failure[] {
  const failures: Failure[] = [];
  for (const invoice of model.state.invoices) {
    if (paymentReceipts(invoice) > 1) {
      failures.push({ invariant: 'one-receipt', at: now, message: `invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId}): SEQR holds ${paymentReceipts(invoice)} payment receipts for payment ${invoice.ersReference}` });
    }
    if (invoice.ersReference && modelRefunded(invoice) > modelPaid(invoice).ore) {
      failures.push({ invariant: 'refund-le-paid', at: now, message: `invoice ${invoice.invoiceReference}: SEQR refunded ${modelRefunded(invoice)} öre of ${modelPaid(invoice).ore}` });
    }
  }
  return failures;
}

/** Checks over both sides at one instant; run every couple of simulated seconds. */
export function checkContinuous(model: SandboxModel, snap: Snapshot, book: Book): Failure[] {
  const failures: Failure[] = [];
  const fail = (invariant: string, message: string) => failures.push({ invariant, message, at: book.now });
  const ix = new Index(snap);

  // The order's single open slot, and refunds within what was paid.
  for (const order of snap.orders) {
    const attempts = ix.attemptsByOrder.get(order.id) ?? [];
    const open = attempts.filter((a) => OPEN.has(a.status));
    if (open.length > 1) fail('one-open-attempt', `${label(order)} has ${open.length} open attempts: ${open.map((a) => `#${a.attemptNumber} ${a.status} ${a.invoiceReference ?? '(no reference)'}`).join(', ')}`);
    for (const a of open) {
      if (order.openAttemptId !== a.id) fail('one-open-attempt', `${label(order)}: attempt #${a.attemptNumber} is ${a.status} but the order's open slot holds ${order.openAttemptId ?? 'nothing'}`);
    }
    if (order.refundedOre + (order.refundReservedOre ?? 0) > order.paidOre) {
      fail('refund-le-paid', `${label(order)}: refunded ${order.refundedOre} + reserved ${order.refundReservedOre ?? 0} öre > paid ${order.paidOre}`);
    }
    const succeeded = attempts.reduce((s, a) => s + refundSum(ix.refundsByAttempt.get(a.id), 'SUCCEEDED'), 0);
    if (succeeded > order.paidOre) fail('refund-le-paid', `${label(order)}: refunds SUCCEEDED ${succeeded} öre > paid ${order.paidOre}`);
  }

  // Stock: what open invoices hold is what the products count as reserved, only open attempts hold
  // any, and reserved + sold never exceeds the stock there was (reserved ≤ on hand), except units a
  // late payment took and the order is flagged oversold for.
  if (snap.products && snap.reservations) {
    const attemptById = new Map(snap.attempts.map((a) => [a.id, a]));
    const heldByProduct = new Map<string, number>();
    for (const r of snap.reservations) {
      heldByProduct.set(r.productId, (heldByProduct.get(r.productId) ?? 0) + r.quantity);
      const attempt = attemptById.get(r.attemptId);
      if (!attempt || !OPEN.has(attempt.status)) {
        fail('stock-held-by-open-attempts', `${label(attempt && ix.orderById.get(attempt.orderId))}: attempt #${attempt?.attemptNumber ?? '?'} (${attempt?.status ?? 'missing'}) still holds ${r.quantity} of product ${r.productId}`);
      }
    }
    let overReserved = 0;
    for (const p of snap.products) {
      const held = heldByProduct.get(p.id) ?? 0;
      if (held !== p.stockReserved) fail('stock-reserved-matches', `${p.sku}: ${p.stockReserved} reserved, but open invoices hold ${held}`);
      overReserved += Math.max(0, p.stockReserved - p.stockOnHand);
    }
    const flagged = snap.orders.reduce((sum, o) => sum + (o.oversoldUnits ?? 0), 0);
    if (overReserved > flagged) fail('stock-never-oversold', `reserved + sold exceed the stock by ${overReserved} unit(s); orders flagged oversold account for ${flagged}`);
  }

  // Refunds the shop calls SUCCEEDED exist at SEQR.
  const modelRefundRefs = new Set(model.state.invoices.flatMap((i) => i.refunds.map((r) => r.ersReference)));
  for (const refund of snap.refunds) {
    if (refund.status === 'SUCCEEDED' && (!refund.ersReference || !modelRefundRefs.has(refund.ersReference))) {
      fail('refunds-match', `${label(ix.orderById.get(refund.orderId))}: refund ${refund.id} of ${refund.amountOre} öre is SUCCEEDED in the shop with reference ${refund.ersReference ?? '(none)'}, which SEQR does not have`);
    }
  }

  // Never two payable invoices for one order; unshown ones withdrawn in time.
  const margin = 2 * book.seqrTimeoutMs + 2 * book.sweepEveryMs + 10_000 + book.maxSkewMs;
  const payableShown = new Map<string, Invoice[]>();
  for (const invoice of model.state.invoices) {
    if (!NON_FINAL.has(invoice.status)) continue;
    const attempt = ix.attemptOf(invoice);
    const order = attempt ? ix.orderById.get(attempt.orderId) : undefined;
    const what = `${label(order)}, invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId})`;
    if (!attempt) {
      fail('payable-invoices', `${what} is ${invoice.status} at SEQR but the shop has no attempt for it`);
      continue;
    }
    if (book.shown.has(invoice.invoiceReference)) {
      const list = payableShown.get(attempt.orderId) ?? [];
      list.push(invoice);
      payableShown.set(attempt.orderId, list);
      if (!(OPEN.has(attempt.status) && attempt.invoiceReference === invoice.invoiceReference && order?.openAttemptId === attempt.id)) {
        fail('payable-invoices', `${what} was shown to the shopper and is still payable at SEQR (${invoice.status}), but the shop's attempt #${attempt.attemptNumber} is ${attempt.status}${order?.openAttemptId === attempt.id ? '' : ' and not the order\'s open attempt'}`);
      }
    } else if (book.withLookup || attempt.invoiceReference === invoice.invoiceReference) {
      // An invoice nobody was shown cannot be paid; still, a shop that can find it (it knows the
      // reference, or has the sandbox's lookup) withdraws it in time. Without a lookup, an invoice
      // whose sendInvoice answer never arrived is left to SEQR's own expiry.
      const due = invoice.createdAt + book.ttlMs + margin + book.unavailableMs(invoice.createdAt, book.now);
      if (book.now > due) {
        fail('payable-invoices', `${what}, never shown, is still ${invoice.status} at SEQR ${((book.now - invoice.createdAt) / 1000).toFixed(1)} s after it was created (shop TTL ${book.ttlMs / 1000} s + margin); attempt #${attempt.attemptNumber} is ${attempt.status}`);
      }
    }
  }
  for (const [orderId, invoices] of payableShown) {
    if (invoices.length > 1) fail('payable-invoices', `${label(ix.orderById.get(orderId))} has ${invoices.length} payable invoices the shopper was shown: ${invoices.map((i) => `${i.invoiceReference} ${i.status}`).join(', ')}`);
  }

  // No attempt open past its TTL plus a margin (unless SEQR cannot cancel it: the customer is paying).
  for (const attempt of snap.attempts) {
    if (!OPEN.has(attempt.status)) continue;
    const expiresAt = Date.parse(attempt.expiresAt);
    const invoice = attempt.invoiceReference ? model.find(attempt.invoiceReference) : undefined;
    if (invoice && (invoice.status === 'PAID' || (NON_FINAL.has(invoice.status) && (invoice.scannedAt !== undefined || invoice.status !== 'ISSUED')))) continue;
    // While the customer was paying the shop could not withdraw it; it may close it once SEQR ended it.
    const from = Math.max(expiresAt, invoice?.scannedAt !== undefined && invoice.finalAt !== undefined ? invoice.finalAt + (book.shopNow - book.now) : -Infinity);
    const allowed = from + margin + book.unavailableMs(from - book.maxSkewMs, book.now);
    if (book.shopNow > allowed) {
      fail('ttl', `${label(ix.orderById.get(attempt.orderId))}: attempt #${attempt.attemptNumber} (${attempt.invoiceReference ?? 'no reference'}) is still ${attempt.status} ${((book.shopNow - expiresAt) / 1000).toFixed(1)} s after its TTL${from > expiresAt ? ` (SEQR ended it ${((book.shopNow - from) / 1000).toFixed(1)} s ago)` : ''}; SEQR says ${invoice?.status ?? '(no invoice)'}`);
    }
  }

  // A payment of another amount or currency is for the merchant to review, never a normal receipt.
  for (const invoice of model.state.invoices) {
    if (invoice.status !== 'PAID') continue;
    const attempt = ix.attemptOf(invoice);
    const order = attempt ? ix.orderById.get(attempt.orderId) : undefined;
    if (!attempt || !order || attempt.status !== 'PAID') continue;
    const hostile = book.hostile.get(invoice.invoiceReference);
    const what = `${label(order)}, invoice ${invoice.invoiceReference}`;
    if (hostile) {
      if (book.accepted.has(order.id)) continue;
      if (order.status === 'PAID' || (order.refundedOre === 0 && order.status !== 'REVIEW')) {
        fail('review', `${what}: SEQR took ${hostile} for an invoice of ${attempt.amountOre} öre, and the order is ${order.status} (it must be REVIEW, never a normal receipt)`);
      }
    } else if (order.status === 'REVIEW' && modelPaid(invoice).ore === order.totalOre && modelPaid(invoice).currency === 'SEK') {
      fail('review', `${what}: SEQR took exactly the order's total (${order.totalOre} öre), yet the order is REVIEW (${order.reviewReason ?? 'no reason given'})`);
    }
  }
  return failures;
}

/** At the end of SEQR's 20-second window of a payment: the shop must have it (or have been away). */
export function checkPaidInTime(invoice: Invoice, snap: Snapshot, book: Book): Failure[] {
  if (invoice.paidAt === undefined) return [];
  const ix = new Index(snap);
  const attempt = ix.attemptOf(invoice);
  const order = attempt ? ix.orderById.get(attempt.orderId) : undefined;
  const from = invoice.paidAt;
  const away = book.unavailableMs(from, from + book.confirmWindowMs);
  const excused = away >= EXCUSE_UNAVAILABLE_MS;
  const known = attempt?.status === 'PAID' || order?.status === 'REVIEW';
  if (known || excused) return [];
  return [
    {
      invariant: 'paid-in-time',
      at: book.now,
      message: `${label(order)}, invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId}): paid at SEQR ${(book.confirmWindowMs / 1000).toFixed(0)} s ago, ${invoice.confirmed ? 'confirmed' : 'NOT confirmed (SEQR reverses it now)'}, but the shop's attempt is ${attempt ? `#${attempt.attemptNumber} ${attempt.status}` : 'missing'} (order ${order?.status ?? '?'}); shop or SEQR away ${(away / 1000).toFixed(1)} s of the window`,
    },
  ];
}

export function checkReversal(invoice: Invoice, book: Book): Failure[] {
  if (!invoice.reversed || invoice.paidAt === undefined) return [];
  const away = book.unavailableMs(invoice.paidAt, invoice.paidAt + book.confirmWindowMs);
  if (away >= EXCUSE_UNAVAILABLE_MS) return [];
  return [{ invariant: 'no-reversal', at: book.now, message: `invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId}): SEQR reversed payment ${invoice.ersReference} although shop and SEQR were available ${((book.confirmWindowMs - away) / 1000).toFixed(1)} s of the ${book.confirmWindowMs / 1000} s window` }];
}

/** Once the world settled: everything agrees. */
export function checkFinal(model: SandboxModel, snap: Snapshot, book: Book): Failure[] {
  const failures: Failure[] = [];
  const fail = (invariant: string, message: string) => failures.push({ invariant, message, at: book.now });
  const ix = new Index(snap);

  for (const attempt of snap.attempts) {
    if (OPEN.has(attempt.status)) fail('settled', `${label(ix.orderById.get(attempt.orderId))}: attempt #${attempt.attemptNumber} is still ${attempt.status} at the end`);
  }
  for (const order of snap.orders) {
    if (order.openAttemptId) fail('settled', `${label(order)} still holds open attempt ${order.openAttemptId} at the end`);
  }
  for (const invoice of model.state.invoices) {
    if (NON_FINAL.has(invoice.status)) fail('settled', `invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId}) is still ${invoice.status} at SEQR at the end`);
  }

  const paidByOrder = new Map<string, Invoice[]>();
  for (const invoice of model.state.invoices) {
    if (invoice.status !== 'PAID') continue;
    const attempt = ix.attemptOf(invoice);
    const order = attempt ? ix.orderById.get(attempt.orderId) : undefined;
    const what = `${label(order)}, invoice ${invoice.invoiceReference} (${invoice.body.clientInvoiceId})`;
    if (!attempt || !order) {
      fail('paid-recorded', `${what}: SEQR holds a payment the shop has no attempt for`);
      continue;
    }
    const list = paidByOrder.get(order.id) ?? [];
    list.push(invoice);
    paidByOrder.set(order.id, list);
    if (attempt.status !== 'PAID') {
      fail('paid-recorded', `${what}: SEQR holds payment ${invoice.ersReference}, the shop's attempt #${attempt.attemptNumber} is ${attempt.status} (order ${order.status})`);
      continue;
    }
    if (!PAID_FAMILY.has(order.status) && order.status !== 'REVIEW') fail('paid-recorded', `${what}: paid at SEQR and in the attempt, but the order is ${order.status}`);
    if (attempt.ersReference !== invoice.ersReference) fail('paid-recorded', `${what}: the shop stored payment reference ${attempt.ersReference}, SEQR's is ${invoice.ersReference}`);
    const paid = modelPaid(invoice);
    // What the customer paid for is what the shop holds as the order, unless SEQR took another
    // amount (hostile), or the shop knew that an update of the invoice might or might not have
    // reached SEQR and left the payment for the merchant to review.
    // (A payment the merchant accepted after review is the merchant's decision.)
    const uncertain = book.uncertainUpdates.has(invoice.invoiceReference);
    const excused = book.hostile.has(invoice.invoiceReference) || ((order.status === 'REVIEW' || !!order.reviewReason || book.accepted.has(order.id)) && uncertain);
    if (!excused && paid.ore !== order.totalOre) {
      fail('paid-as-ordered', `${what}: the customer paid ${paid.ore} öre for SEQR's invoice (version ${invoice.version}), but the shop's order totals ${order.totalOre} öre (attempt amount ${attempt.amountOre}; order ${order.status}${order.reviewReason ? `: ${order.reviewReason}` : ''})`);
    }
    if (order.paidOre !== paid.ore) fail('totals', `${what}: the shop says ${order.paidOre} öre paid, SEQR took ${paid.ore} öre ${paid.currency}`);
    if (order.paidCurrency !== undefined && order.paidCurrency !== null && order.paidCurrency.trim() !== paid.currency) {
      fail('totals', `${what}: the shop says paid in ${order.paidCurrency}, SEQR took ${paid.currency}`);
    }

    // Receipts: exactly one with a lookup; without one, a missing receipt is recorded as unknown.
    const receipts = paymentReceipts(invoice);
    const review = order.status === 'REVIEW' || !!order.reviewReason || (book.hostile.has(invoice.invoiceReference) && !book.accepted.has(order.id));
    if (!review) {
      if (book.withLookup) {
        if (receipts !== 1) fail('one-receipt', `${what}: SEQR holds ${receipts} payment receipts at the end (the core has an invoice lookup: exactly one); receiptStatus ${attempt.receiptStatus ?? '?'}`);
      } else if (receipts === 0 && attempt.receiptStatus !== 'UNKNOWN') {
        fail('one-receipt', `${what}: no receipt at SEQR at the end, and the shop records its receipt as ${attempt.receiptStatus ?? '(no receiptStatus)'} rather than UNKNOWN`);
      }
      if (attempt.receiptStatus === 'NOT_SENT' || attempt.receiptStatus === 'SENDING') {
        fail('one-receipt', `${what}: the receipt is still ${attempt.receiptStatus} at the end (SEQR holds ${receipts})`);
      }
      if (receipts === 1 && attempt.receiptStatus !== undefined && attempt.receiptStatus !== 'SUBMITTED' && attempt.receiptStatus !== 'UNKNOWN') {
        fail('one-receipt', `${what}: SEQR holds the receipt, the shop says ${attempt.receiptStatus}`);
      }
    }

    // Refunds: equal on both sides, none left pending.
    const refunds = ix.refundsByAttempt.get(attempt.id) ?? [];
    const shopRefunded = refundSum(refunds, 'SUCCEEDED');
    const seqrRefunded = modelRefunded(invoice);
    if (shopRefunded !== seqrRefunded) fail('refunds-match', `${what}: the shop's SUCCEEDED refunds total ${shopRefunded} öre, SEQR refunded ${seqrRefunded} öre (${refunds.map((r) => `${r.amountOre}:${r.status}`).join(', ') || 'no refunds in the shop'})`);
    for (const refund of refunds) {
      if (refund.status === 'PENDING' || refund.status === 'UNKNOWN') fail('refunds-settled', `${what}: refund of ${refund.amountOre} öre is still ${refund.status} at the end`);
    }
    if (order.refundedOre !== shopRefunded) fail('totals', `${what}: order.refundedOre is ${order.refundedOre}, its SUCCEEDED refunds total ${shopRefunded}`);
    if ((order.refundReservedOre ?? 0) !== 0) fail('refunds-settled', `${what}: ${order.refundReservedOre} öre still reserved for refunds at the end`);
    if (order.status !== 'REVIEW') {
      const expected = shopRefunded === 0 ? 'PAID' : shopRefunded < order.paidOre ? 'PARTIALLY_REFUNDED' : 'REFUNDED';
      if (order.status !== expected) fail('totals', `${what}: refunded ${shopRefunded} of ${order.paidOre} öre, so the order should be ${expected}, not ${order.status}`);
    }
  }
  for (const [orderId, invoices] of paidByOrder) {
    if (invoices.length > 1) fail('one-payment', `${label(ix.orderById.get(orderId))} was paid ${invoices.length} times at SEQR: ${invoices.map((i) => i.invoiceReference).join(', ')}`);
  }
  for (const attempt of snap.attempts) {
    if (attempt.status !== 'PAID') continue;
    const invoice = attempt.invoiceReference ? model.find(attempt.invoiceReference) : undefined;
    if (!invoice || invoice.status !== 'PAID') {
      fail('paid-recorded', `${label(ix.orderById.get(attempt.orderId))}: attempt #${attempt.attemptNumber} is PAID in the shop, but SEQR's invoice ${attempt.invoiceReference ?? '?'} is ${invoice?.status ?? 'missing'}${invoice?.reversed ? ' (reversed)' : ''}`);
    }
  }
  return failures;
}
