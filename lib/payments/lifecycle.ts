// The payment lifecycle of an order: open an attempt (sendInvoice), follow it (getPaymentStatus,
// coalesced to one call per invoice per second across processes), close it (PAID, CANCELED, FAILED,
// EXPIRED), send the receipt once, keep the invoice in step with the cart. Every change is a
// compare-and-set in the database, so racing callers produce one transition and one receipt;
// the caller that wins does the side effects.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadOpenCart } from '../cart';
import { getConfig } from '../config';
import { getDb } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { appendOrderEvent, findOrderById, orderLinesFromCart, orderNumberLabel, upsertOrderFromCart, type OrderView } from '../orders';
import {
  findInvoicesByClientInvoiceId,
  getSeqrClient,
  SeqrResultError,
  SeqrTransportError,
  type CallOptions,
  type InvoiceInput,
  type PaymentStatus,
  type SeqrCallRecord,
} from '../seqr';
import type { Message } from '../i18n';
import { receiptHtml } from './receipt-document';
import { cancelOutcome, decideFromSeqrStatus, type AttemptStatus } from './state-machine';

/** getPaymentStatus is called at most once per invoice per this interval, however many ask. */
export const STATUS_INTERVAL_MS = 1000;
/**
 * A CREATED attempt older than this never got its reference saved: the process calling sendInvoice
 * stopped, since sendInvoice is tried once and gives up after the SEQR timeout. The margin covers
 * clock skew between instances.
 */
export function staleCreatedAfterMs(): number {
  return getConfig().seqr.timeoutMs + 5000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type AttemptRow = NonNullable<Awaited<ReturnType<typeof loadAttempt>>>;

function loadAttempt(attemptId: string) {
  return getDb().paymentAttempt.findUnique({ where: { id: attemptId } });
}

/** Run SEQR calls for an order and write each one to its timeline. */
async function withSeqrLog<T>(orderId: string, work: (options: CallOptions) => Promise<T>): Promise<T> {
  const records: SeqrCallRecord[] = [];
  try {
    return await work({ onCall: (record) => records.push(record) });
  } finally {
    for (const record of records) {
      await appendOrderEvent(orderId, {
        kind: 'SEQR_CALL',
        operation: record.operation,
        resultCode: record.resultCode,
        durationMs: record.durationMs,
        message: record.failure ? `No answer: ${record.failure}` : record.resultName,
        data: { clientReference: record.clientReference, attempt: record.attempt },
      });
    }
  }
}

function invoiceFor(order: OrderView, attempt: { clientInvoiceId: string; notificationToken: string }): InvoiceInput {
  const base = getConfig().publicBaseUrl;
  return {
    title: 'Nordvik',
    clientInvoiceId: attempt.clientInvoiceId,
    issueDate: new Date(),
    totalOre: order.totalOre,
    currency: order.currency,
    rows: order.lines.map((line) => ({
      description: line.name,
      quantity: line.quantity,
      unitPriceOre: line.unitPriceOre,
      totalOre: line.lineTotalOre,
      taxRateBp: line.taxRateBp,
      sku: line.sku,
    })),
    cashierId: 'web',
    backUrl: `${base}/orders/${order.publicToken}/done`,
    notificationUrl: `${base}/api/seqr/notify/${attempt.notificationToken}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Opening an attempt

export type StartResult =
  | { kind: 'issued'; attemptId: string }
  | { kind: 'already-open'; attemptId: string }
  | { kind: 'not-payable' }
  /** SEQR said no; the attempt records the result code, and the pay page explains it. */
  | { kind: 'refused'; resultCode: number }
  /** SEQR did not answer (or too late); the pay page offers to try again. */
  | { kind: 'unavailable' };

/** Issue a new SEQR invoice for an order that has none open. */
export async function startAttempt(orderId: string): Promise<StartResult> {
  const order = await findOrderById(orderId);
  if (!order || order.status !== 'AWAITING_PAYMENT') return { kind: 'not-payable' };
  if (order.openAttemptId) return { kind: 'already-open', attemptId: order.openAttemptId };

  const db = getDb();
  const attemptId = randomUUID();
  const attemptNumber = (order.attempts[0]?.attemptNumber ?? 0) + 1;
  const attempt = {
    id: attemptId,
    orderId,
    attemptNumber,
    clientInvoiceId: `${orderNumberLabel(order.number)}-${attemptNumber}`,
    amountOre: order.totalOre,
    notificationToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(Date.now() + getConfig().payments.ttlMs),
  };
  // Save the attempt before calling SEQR, and claim the order's single open slot with it.
  const claimed = await db
    .$transaction(async (tx) => {
      await tx.paymentAttempt.create({ data: attempt });
      const { count } = await tx.order.updateMany({ where: { id: orderId, status: 'AWAITING_PAYMENT', openAttemptId: null }, data: { openAttemptId: attemptId } });
      if (count !== 1) throw new SlotTaken();
      await tx.orderEvent.create({ data: { orderId, kind: 'STATUS_CHANGE', toStatus: 'CREATED', message: `Payment attempt ${attemptNumber} created.` } });
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof SlotTaken || isUniqueViolation(error)) return false;
      throw error;
    });
  if (!claimed) {
    const current = await findOrderById(orderId);
    return current?.openAttemptId ? { kind: 'already-open', attemptId: current.openAttemptId } : { kind: 'not-payable' };
  }

  try {
    const sent = await withSeqrLog(orderId, (options) => getSeqrClient().sendInvoice(invoiceFor(order, attempt), options));
    const { count } = await db.paymentAttempt.updateMany({
      where: { id: attemptId, status: 'CREATED' },
      data: { status: 'ISSUED', invoiceReference: sent.invoiceReference, invoiceQRCode: sent.invoiceQRCode, invoiceVersion: 0, nextCheckAt: new Date(Date.now() + 2000) },
    });
    if (count !== 1) {
      // The attempt was given up while SEQR answered: withdraw the invoice so it cannot be paid.
      await withSeqrLog(orderId, (options) => getSeqrClient().cancelInvoice(sent.invoiceReference, options)).catch(() => {});
      return { kind: 'unavailable' };
    }
    await appendOrderEvent(orderId, { kind: 'STATUS_CHANGE', fromStatus: 'CREATED', toStatus: 'ISSUED', message: `Invoice ${sent.invoiceReference} issued.` });
    return { kind: 'issued', attemptId };
  } catch (error) {
    if (error instanceof SeqrResultError) {
      await closeAttempt(attemptId, orderId, ['CREATED'], 'FAILED', { resultCode: error.code }, `SEQR refused the invoice: ${error.code} ${error.resultName}.`);
      return { kind: 'refused', resultCode: error.code };
    }
    if (error instanceof SeqrTransportError) {
      if (error.failure === 'refused') {
        await closeAttempt(attemptId, orderId, ['CREATED'], 'FAILED', {}, `SEQR could not be reached (connection refused); no invoice was created.`);
        return { kind: 'unavailable' };
      }
      // Outcome unknown: SEQR may have created the invoice (a slow answer). Nobody was shown it, but
      // it must not stay payable: find it and cancel it now. What cannot be settled now stays
      // CREATED, and the sweeper settles it.
      const saved = await loadAttempt(attemptId);
      if (saved) await resolveOrphanedAttempt(saved, `SEQR did not answer sendInvoice (${error.failure})`);
      const after = await loadAttempt(attemptId);
      return after?.status === 'ISSUED' || after?.status === 'PAID' ? { kind: 'issued', attemptId } : { kind: 'unavailable' };
    }
    throw error;
  }
}

class SlotTaken extends Error {}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/** Close an open attempt by compare-and-set, and free the order's open slot with it. */
async function closeAttempt(
  attemptId: string,
  orderId: string,
  from: AttemptStatus[],
  to: Exclude<AttemptStatus, 'CREATED' | 'ISSUED' | 'PAID'>,
  data: Prisma.PaymentAttemptUpdateManyMutationInput,
  message: string,
): Promise<boolean> {
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.paymentAttempt.updateMany({ where: { id: attemptId, status: { in: from } }, data: { ...data, status: to, closedAt: new Date() } });
    if (count !== 1) return false;
    await tx.order.updateMany({ where: { id: orderId, openAttemptId: attemptId }, data: { openAttemptId: null } });
    await tx.orderEvent.create({ data: { orderId, kind: 'STATUS_CHANGE', fromStatus: from.join('|'), toStatus: to, message } });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Following an attempt

export type RefreshReason = 'browser' | 'notification' | 'return-page' | 'sweeper';

/**
 * Ask SEQR for the status of an open attempt, unless someone asked less than a second ago.
 * With waitForSlot the caller waits for the next free slot instead of skipping (notifications).
 * Returns whether this call asked SEQR (and so may have changed the attempt).
 */
export async function refreshAttempt(attemptId: string, reason: RefreshReason, waitForSlot = false): Promise<boolean> {
  const db = getDb();
  for (let round = 0; round < 3; round++) {
    const now = new Date();
    const { count } = await db.paymentAttempt.updateMany({
      where: { id: attemptId, status: 'ISSUED', OR: [{ lastStatusAt: null }, { lastStatusAt: { lte: new Date(now.getTime() - STATUS_INTERVAL_MS) } }] },
      data: { lastStatusAt: now },
    });
    if (count === 1) {
      const attempt = await loadAttempt(attemptId);
      if (attempt) await checkStatusNow(attempt, reason);
      return true;
    }
    if (!waitForSlot) return false;
    const attempt = await loadAttempt(attemptId);
    if (!attempt || attempt.status !== 'ISSUED' || !attempt.lastStatusAt) return false;
    await sleep(Math.max(20, attempt.lastStatusAt.getTime() + STATUS_INTERVAL_MS - Date.now()));
  }
  return false;
}

async function checkStatusNow(attempt: AttemptRow, reason: RefreshReason): Promise<void> {
  if (!attempt.invoiceReference) return;
  const reference = attempt.invoiceReference;
  let status: PaymentStatus;
  try {
    status = await withSeqrLog(attempt.orderId, (options) => getSeqrClient().getPaymentStatus(reference, attempt.invoiceVersion, options));
  } catch (error) {
    if (error instanceof SeqrResultError && error.code === 54) {
      await closeAttempt(attempt.id, attempt.orderId, ['ISSUED'], 'FAILED', { resultCode: 54 }, 'SEQR does not know this invoice any more.');
    }
    return; // transport errors and busy codes: the next poll or sweep asks again
  }
  await applySeqrStatus(attempt, status, reason);
}

/** Apply a status SEQR reported for an attempt. Safe to call from any number of racing callers. */
export async function applySeqrStatus(attempt: AttemptRow, status: PaymentStatus, reason: RefreshReason): Promise<void> {
  const db = getDb();
  if (status.version > attempt.invoiceVersion) {
    await db.paymentAttempt.updateMany({ where: { id: attempt.id, invoiceVersion: { lt: status.version } }, data: { invoiceVersion: status.version } });
  }
  const decision = decideFromSeqrStatus(attempt.status, status.status);
  if (decision.kind === 'stay') return;
  if (decision.kind === 'anomaly') {
    await appendOrderEvent(attempt.orderId, { kind: 'NOTE', message: decision.reason });
    return;
  }
  if (decision.to === 'PAID') {
    if (await markPaid(attempt, status, reason)) await submitReceipt(attempt.id);
    return;
  }
  const messages = { CANCELED: 'The payment was cancelled.', FAILED: 'The payment failed in the SEQR app.', EXPIRED: 'SEQR expired the invoice.' } as const;
  await closeAttempt(attempt.id, attempt.orderId, ['CREATED', 'ISSUED'], decision.to, {}, `${messages[decision.to]} (seen by ${reason})`);
}

/** The PAID transition: attempt, order and cart in one transaction. Returns true for the winner. */
async function markPaid(attempt: AttemptRow, status: PaymentStatus, reason: RefreshReason): Promise<boolean> {
  const ersReference = status.ersReference!;
  const paidAt = status.receipt?.paymentDate ?? new Date();
  const paidOre = status.receipt?.invoice?.totalAmount?.ore ?? attempt.amountOre;
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.paymentAttempt.updateMany({
      where: { id: attempt.id, status: { in: ['CREATED', 'ISSUED'] } },
      data: {
        status: 'PAID',
        ersReference,
        paidAt,
        closedAt: new Date(),
        resultCode: 0,
        invoiceVersion: status.version,
        customerTokens: status.customerTokens.length > 0 ? (status.customerTokens as Prisma.InputJsonValue) : undefined,
      },
    });
    if (count !== 1) return false;
    const order = await tx.order.findUniqueOrThrow({ where: { id: attempt.orderId }, include: { lines: true } });
    await tx.order.update({
      where: { id: order.id },
      data: {
        status: 'PAID',
        paidOre,
        paidAt,
        openAttemptId: order.openAttemptId === attempt.id ? null : order.openAttemptId,
      },
    });
    await tx.orderEvent.create({
      data: { orderId: order.id, kind: 'STATUS_CHANGE', fromStatus: 'ISSUED', toStatus: 'PAID', message: `Paid, SEQR reference ${ersReference} (seen by ${reason}).` },
    });
    if (paidOre !== order.totalOre) {
      await tx.orderEvent.create({ data: { orderId: order.id, kind: 'NOTE', message: `SEQR reports ${paidOre} öre paid; the order totals ${order.totalOre} öre. Check before shipping.` } });
    }
    // Paying turns the cart into the order: what was paid for leaves the cart; anything added
    // while the customer was paying stays for a next order.
    if (order.cartId) {
      for (const line of order.lines) {
        if (!line.productId) continue;
        await tx.cartLine.updateMany({ where: { cartId: order.cartId, productId: line.productId }, data: { quantity: { decrement: line.quantity } } });
      }
      await tx.cartLine.deleteMany({ where: { cartId: order.cartId, quantity: { lte: 0 } } });
      if ((await tx.cartLine.count({ where: { cartId: order.cartId } })) === 0) {
        await tx.cart.update({ where: { id: order.cartId }, data: { status: 'CHECKED_OUT' } });
      }
    }
    return true;
  });
}

/** submitPaymentReceipt, exactly once per payment: claimed by compare-and-set before the call. */
export async function submitReceipt(attemptId: string): Promise<void> {
  const db = getDb();
  const { count } = await db.paymentAttempt.updateMany({
    where: { id: attemptId, status: 'PAID', receiptClaimedAt: null, receiptSubmittedAt: null },
    data: { receiptClaimedAt: new Date() },
  });
  if (count !== 1) return;
  const attempt = await loadAttempt(attemptId);
  const order = attempt ? await findOrderById(attempt.orderId) : null;
  if (!attempt?.ersReference || !order) return;
  const ersReference = attempt.ersReference;
  try {
    const sent = await withSeqrLog(order.id, (options) =>
      getSeqrClient().submitPaymentReceipt(ersReference, { mimeType: 'text/html', data: receiptHtml(order, { ersReference, paidAt: attempt.paidAt ?? new Date() }), receiptType: 'PAYMENT_RECEIPT' }, options),
    );
    await db.paymentAttempt.update({ where: { id: attemptId }, data: { receiptSubmittedAt: new Date(), receiptErsReference: sent.ersReference ?? null } });
    await appendOrderEvent(order.id, { kind: 'NOTE', message: `Receipt submitted to SEQR${sent.ersReference ? ` (${sent.ersReference})` : ''}.` });
  } catch (error) {
    // Resend only when SEQR certainly did not store it; an unknown outcome is not retried, so the
    // receipt is never sent twice.
    const definitelyNotStored =
      (error instanceof SeqrResultError && error.retryable) || (error instanceof SeqrTransportError && error.failure === 'refused');
    if (definitelyNotStored) await db.paymentAttempt.update({ where: { id: attemptId }, data: { receiptClaimedAt: null } });
    const why = error instanceof SeqrResultError || error instanceof SeqrTransportError ? error.sentence : String(error);
    await appendOrderEvent(order.id, { kind: 'NOTE', message: `Receipt not submitted: ${why}${definitelyNotStored ? ' It will be retried.' : ' Not retried, to avoid sending it twice.'}` });
  }
}

// ---------------------------------------------------------------------------------------------
// Ending and changing attempts

/** Shop-side TTL reached: cancel the invoice, handling the outcomes of PROTOCOL.md §6.4. */
export async function expireAttempt(attempt: AttemptRow): Promise<void> {
  if (!attempt.invoiceReference) return;
  const reference = attempt.invoiceReference;
  await cancelOpenInvoice(attempt, reference, 'EXPIRED', 'The payment timed out; the shop cancelled the invoice.');
}

async function cancelOpenInvoice(attempt: AttemptRow, reference: string, to: 'EXPIRED' | 'CANCELED', message: string): Promise<'closed' | 'paid' | 'open'> {
  let resultCode = 0;
  try {
    await withSeqrLog(attempt.orderId, (options) => getSeqrClient().cancelInvoice(reference, options));
  } catch (error) {
    if (!(error instanceof SeqrResultError)) {
      await getDb().paymentAttempt.update({ where: { id: attempt.id }, data: { nextCheckAt: new Date(Date.now() + 5000) } });
      return 'open';
    }
    resultCode = error.code;
  }
  switch (cancelOutcome(resultCode)) {
    case 'closed':
      await closeAttempt(attempt.id, attempt.orderId, ['ISSUED'], to, { resultCode }, message);
      return 'closed';
    case 'paid':
      await getDb().paymentAttempt.updateMany({ where: { id: attempt.id }, data: { lastStatusAt: null } });
      await refreshAttempt(attempt.id, 'sweeper', true);
      return 'paid';
    case 'unknown-invoice':
      await closeAttempt(attempt.id, attempt.orderId, ['ISSUED'], 'FAILED', { resultCode }, 'SEQR does not know this invoice.');
      return 'closed';
    default:
      // The customer is paying right now, or SEQR is busy: look again shortly.
      await getDb().paymentAttempt.update({ where: { id: attempt.id }, data: { nextCheckAt: new Date(Date.now() + 2000) } });
      return 'open';
  }
}

/**
 * A CREATED attempt whose reference was never saved (the shop stopped between sendInvoice and the
 * save). Find the invoice SEQR may have created for it: cancel it, or adopt it if it was paid after
 * all, so the order ends either paid or payable again, never stuck. Without a lookup (a real SEQR
 * endpoint) the attempt is given up: nobody was shown that invoice, so nobody can pay it.
 */
export async function resolveStaleCreated(attempt: AttemptRow): Promise<void> {
  if (attempt.status !== 'CREATED' || attempt.createdAt.getTime() > Date.now() - staleCreatedAfterMs()) return;
  await resolveOrphanedAttempt(attempt, 'The invoice reference was never saved (the shop stopped while calling SEQR)');
}

/** Settle a CREATED attempt whose sendInvoice outcome is unknown; `why` opens the timeline entry. */
async function resolveOrphanedAttempt(attempt: AttemptRow, why: string): Promise<void> {
  if (attempt.status !== 'CREATED') return;
  const db = getDb();
  let found: Awaited<ReturnType<typeof findInvoicesByClientInvoiceId>>;
  try {
    found = await findInvoicesByClientInvoiceId(attempt.clientInvoiceId);
  } catch (error) {
    await appendOrderEvent(attempt.orderId, { kind: 'NOTE', message: `${error instanceof Error ? error.message : String(error)} Trying again shortly.` });
    return; // the sweeper's lease pushed nextCheckAt: it looks again in a few seconds
  }
  if (found === 'unsupported') {
    await closeAttempt(attempt.id, attempt.orderId, ['CREATED'], 'FAILED', {}, `${why}. SEQR cannot look invoices up by order number; nobody was shown that invoice, so it cannot be paid, and SEQR lets it expire. Attempt given up.`);
    return;
  }
  // The notificationUrl carries this attempt's secret token: it tells this attempt's invoice apart
  // from any other with the same order number (another database against the same terminal).
  const mine = found.filter((invoice) => invoice.notificationUrl?.endsWith(`/api/seqr/notify/${attempt.notificationToken}`));
  const adopt = async (reference: string, reason: string) => {
    const { count } = await db.paymentAttempt.updateMany({
      where: { id: attempt.id, status: 'CREATED' },
      data: { status: 'ISSUED', invoiceReference: reference, lastStatusAt: null, nextCheckAt: new Date() },
    });
    if (count !== 1) return;
    await appendOrderEvent(attempt.orderId, { kind: 'STATUS_CHANGE', fromStatus: 'CREATED', toStatus: 'ISSUED', message: `${why}. Invoice ${reference} found by order number (${reason}).` });
    await refreshAttempt(attempt.id, 'sweeper', true);
  };
  const cancelled: string[] = [];
  for (const invoice of mine) {
    if (invoice.status === 'PAID' || invoice.status === 'RESERVED') return adopt(invoice.invoiceReference, `SEQR says ${invoice.status}`);
    if (invoice.status !== 'ISSUED' && invoice.status !== 'PENDING_ISSUER_ACKNOWLEDGE') continue; // already final, unpaid
    let resultCode = 0;
    try {
      await withSeqrLog(attempt.orderId, (options) => getSeqrClient().cancelInvoice(invoice.invoiceReference, options));
    } catch (error) {
      if (!(error instanceof SeqrResultError)) return; // no answer: look again on the next sweep
      resultCode = error.code;
    }
    const outcome = cancelOutcome(resultCode);
    if (outcome === 'paid') return adopt(invoice.invoiceReference, `paid while the shop was down (cancelInvoice ${resultCode})`);
    if (outcome !== 'closed' && outcome !== 'unknown-invoice') return; // being paid right now: look again
    cancelled.push(invoice.invoiceReference);
  }
  const message =
    cancelled.length > 0
      ? `${why}. Found the orphan invoice ${cancelled.join(', ')} by order number and cancelled it.`
      : mine.length > 0
        ? `${why}. The invoice SEQR created has already ended unpaid.`
        : `${why}, and SEQR never created the invoice.`;
  await closeAttempt(attempt.id, attempt.orderId, ['CREATED'], 'FAILED', {}, message);
}

/**
 * The cart of an order awaiting payment changed: bring the open invoice in step (updateInvoice),
 * or withdraw it (cancelInvoice) when it cannot be updated or the cart is empty. Never leaves two
 * payable invoices, and never lets the order's lines differ from what the invoice asks for.
 */
export async function syncOpenInvoiceWithCart(cartId: string): Promise<void> {
  const db = getDb();
  const order = await db.order.findFirst({ where: { cartId, status: 'AWAITING_PAYMENT' }, orderBy: { createdAt: 'desc' }, select: { id: true, openAttemptId: true } });
  if (!order) return;
  const attempt = order.openAttemptId ? await loadAttempt(order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) {
    if (!order.openAttemptId) await upsertOrderFromCart(cartId); // nothing payable: just re-snapshot
    return;
  }
  const reference = attempt.invoiceReference;
  const current = await findOrderById(order.id);
  const preview = current ? await previewOrderFromCart(cartId, current) : null;
  if (!current || !preview) {
    await cancelOpenInvoice(attempt, reference, 'CANCELED', 'The cart was emptied; the shop withdrew the invoice.');
    return;
  }
  if (preview.totalOre === current.totalOre && JSON.stringify(preview.lines) === JSON.stringify(current.lines)) return;
  try {
    await withSeqrLog(order.id, (options) => getSeqrClient().updateInvoice(reference, invoiceFor(preview, attempt), options));
  } catch {
    const outcome = await cancelOpenInvoice(attempt, reference, 'CANCELED', 'The cart changed and the invoice could not be updated; the shop withdrew it.');
    if (outcome === 'closed') await upsertOrderFromCart(cartId);
    return;
  }
  await upsertOrderFromCart(cartId);
  await db.paymentAttempt.update({ where: { id: attempt.id }, data: { amountOre: preview.totalOre } });
  await appendOrderEvent(order.id, { kind: 'NOTE', message: `Invoice ${reference} updated to ${preview.totalOre} öre after a cart change.` });
}

/** What the order would look like with the cart's current contents (nothing is written). */
async function previewOrderFromCart(cartId: string, order: OrderView): Promise<OrderView | null> {
  const cart = await loadOpenCart(cartId);
  if (!cart || cart.lines.length === 0) return null;
  return {
    ...order,
    totalOre: cart.totals.totalOre,
    taxOre: cart.totals.vatOre,
    vat: cart.totals.vat,
    lines: orderLinesFromCart(cart),
  };
}

/** The merchant withdraws an unpaid invoice from the back office (PROTOCOL.md §6.4 outcomes). */
export async function cancelOpenAttemptByMerchant(orderId: string): Promise<{ ok: boolean; message: Message }> {
  const order = await getDb().order.findUnique({ where: { id: orderId }, select: { openAttemptId: true } });
  const attempt = order?.openAttemptId ? await loadAttempt(order.openAttemptId) : null;
  if (!attempt || attempt.status !== 'ISSUED' || !attempt.invoiceReference) return { ok: false, message: { key: 'admin.cancel.none' } };
  const outcome = await cancelOpenInvoice(attempt, attempt.invoiceReference, 'CANCELED', 'The merchant cancelled the invoice.');
  switch (outcome) {
    case 'closed':
      return { ok: true, message: { key: 'admin.cancel.done', params: { reference: attempt.invoiceReference } } };
    case 'paid':
      return { ok: false, message: { key: 'admin.cancel.paid' } };
    default:
      return { ok: false, message: { key: 'admin.cancel.open' } };
  }
}
