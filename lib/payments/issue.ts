// Opening an attempt: the attempt is saved and claims the order's single open slot before
// sendInvoice is called, then the reference is saved. A sendInvoice with an unknown outcome is
// settled at once (recover.ts), so a slow SEQR never leaves a payable invoice nobody was shown.
import { shippingOption } from '../checkout/shipping';
import { findOrderById, orderNumberLabel, type OrderView } from '../orders';
import type { Prisma } from '../generated/prisma/client';
import { isSeqrResultError, isSeqrTransportError, type InvoiceInput, type SeqrCallRecord } from '../seqr';
import { closeAttempt } from './close-attempt';
import { isTransactionStartTimeout, isUniqueViolation, later, loadAttempt, createSeqrCallEvents, recordSeqrCalls, withSeqrLog, type Ctx } from './context';
import { resolveOrphanedAttempt } from './recover';
import { isStockShortage, reserveForNewAttempt, type Shortage, type StockLine } from '../stock';
import { orderStockLines } from './stock';
import { awaitsPayment, transition } from './transitions';

export type StartResult =
  | { kind: 'issued'; attemptId: string }
  | { kind: 'already-open'; attemptId: string }
  | { kind: 'not-payable' }
  /** Stock cannot cover the order: no attempt, no invoice; the shopper is told what is short. */
  | { kind: 'out-of-stock'; shortage: Shortage }
  /** SEQR said no; the attempt records the result code, and the pay page explains it. */
  | { kind: 'refused'; resultCode: number }
  /** SEQR did not answer (or too late); the pay page offers to try again. */
  | { kind: 'unavailable' };

/** An app's return URL names its order with `{orderToken}` (the token is made with the order). */
export function expandReturnUrl(returnUrl: string, publicToken: string): string {
  return returnUrl.replaceAll('{orderToken}', publicToken);
}

/** The SEQR invoice of an order: a row per line and one for the shipping; the rows sum to the total. */
export function invoiceFor(ctx: Ctx, order: Pick<OrderView, 'totalOre' | 'currency' | 'lines' | 'shipping' | 'publicToken' | 'returnUrl'>, attempt: { clientInvoiceId: string; notificationToken: string }): InvoiceInput {
  const base = ctx.settings.publicBaseUrl;
  const shippingRow = order.shipping
    ? [{ description: shippingOption(order.shipping.method).invoiceText, quantity: 1, unitPriceOre: order.shipping.priceOre, totalOre: order.shipping.priceOre, taxRateBp: order.shipping.taxRateBp, sku: shippingOption(order.shipping.method).sku }]
    : [];
  return {
    title: 'Nordvik',
    clientInvoiceId: attempt.clientInvoiceId,
    issueDate: ctx.clock.now(),
    totalOre: order.totalOre,
    currency: order.currency,
    rows: order.lines.map((line) => ({
      description: line.name,
      quantity: line.quantity,
      unitPriceOre: line.unitPriceOre,
      totalOre: line.lineTotalOre,
      taxRateBp: line.taxRateBp,
      sku: line.sku,
    })).concat(shippingRow),
    cashierId: 'web',
    // An app's own return URL (app API, allowed when it was given), else the web done page.
    backUrl: order.returnUrl ? expandReturnUrl(order.returnUrl, order.publicToken) : `${base}/orders/${order.publicToken}/done`,
    notificationUrl: `${base}/api/seqr/notify/${attempt.notificationToken}`,
  };
}

/** Another caller claimed the order's open slot first (or its attempt number). */
export class SlotTaken extends Error {
  readonly code = 'SLOT_TAKEN';
}

export function isSlotTaken(error: unknown): boolean {
  return (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SLOT_TAKEN') || isUniqueViolation(error);
}

/** A new attempt, saved before sendInvoice. */
export type NewAttempt = { id: string; orderId: string; attemptNumber: number; clientInvoiceId: string; amountOre: number; notificationToken: string; createdAt: Date; expiresAt: Date };

/**
 * Inside the caller's transaction: save a new attempt for the order, claim the order's single open
 * slot with it and reserve its stock (the product rows last, as they are contended). Throws SlotTaken
 * when the slot (or the attempt number) was taken, StockShortage when stock cannot cover `stockLines`:
 * either rolls the whole transaction back, so a shortage leaves no attempt and no invoice.
 */
export async function claimNewAttempt(
  ctx: Ctx,
  tx: Prisma.TransactionClient,
  order: { id: string; number: number; totalOre: number; lastAttemptNumber: number },
  stockLines: readonly StockLine[],
): Promise<NewAttempt> {
  const now = ctx.clock.now();
  const attemptNumber = order.lastAttemptNumber + 1;
  const attempt: NewAttempt = {
    id: ctx.ids.uuid(),
    orderId: order.id,
    attemptNumber,
    clientInvoiceId: `${orderNumberLabel(order.number)}-${attemptNumber}`,
    amountOre: order.totalOre,
    notificationToken: ctx.ids.token(24),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ctx.settings.ttlMs),
  };
  await tx.paymentAttempt.create({ data: attempt, select: { id: true } });
  const { count } = await tx.order.updateMany({ where: { id: order.id, status: 'AWAITING_PAYMENT', openAttemptId: null }, data: { openAttemptId: attempt.id, lastActivityAt: now } });
  if (count !== 1) throw new SlotTaken();
  await tx.orderEvent.create({ data: { orderId: order.id, at: now, kind: 'STATUS_CHANGE', toStatus: 'CREATED', message: `Payment attempt ${attemptNumber} created; its stock is reserved.` }, select: { id: true } });
  await reserveForNewAttempt(tx, attempt.id, stockLines); // last: it locks the product rows
  return attempt;
}

/** Issue a new SEQR invoice for an order that has none open. */
export async function startAttempt(ctx: Ctx, orderId: string): Promise<StartResult> {
  const order = await findOrderById(orderId, ctx.db);
  if (!order || !awaitsPayment(order)) return { kind: 'not-payable' };
  if (order.openAttemptId) return { kind: 'already-open', attemptId: order.openAttemptId };

  // Save the attempt before calling SEQR, claim the order's single open slot with it, and reserve
  // its stock: all or nothing, so a shortage leaves no attempt and no invoice.
  const claimed = await ctx.db
    .$transaction(async (tx) => claimNewAttempt(ctx, tx, { ...order, lastAttemptNumber: order.attempts[0]?.attemptNumber ?? 0 }, await orderStockLines(tx, orderId)))
    .catch((error: unknown) => {
      if (isSlotTaken(error)) return false as const;
      if (isStockShortage(error)) return error.shortage;
      throw error;
    });
  if (claimed === false) {
    const current = await findOrderById(orderId, ctx.db);
    return current?.openAttemptId ? { kind: 'already-open', attemptId: current.openAttemptId } : { kind: 'not-payable' };
  }
  if (!('clientInvoiceId' in claimed)) return refuseForShortage(ctx, orderId, claimed);
  return sendClaimedInvoice(ctx, order, claimed);
}

/** No attempt could be had for lack of stock: a line in the order's timeline says why. */
export async function refuseForShortage(ctx: Ctx, orderId: string, shortage: Shortage): Promise<StartResult> {
  await ctx.db.orderEvent.create({ data: { orderId, at: ctx.clock.now(), kind: 'NOTE', message: `No payment attempt: only ${shortage.available} left of ${shortage.name}.` } });
  return { kind: 'out-of-stock', shortage };
}

/**
 * sendInvoice for an attempt saved (and holding the order's slot) in CREATED, then the reference:
 * on the common path one transaction records ISSUED and the call in the timeline together.
 */
export async function sendClaimedInvoice(
  ctx: Ctx,
  order: Pick<OrderView, 'totalOre' | 'currency' | 'lines' | 'shipping' | 'publicToken' | 'returnUrl'>,
  attempt: NewAttempt,
): Promise<StartResult> {
  const orderId = attempt.orderId;
  const records: SeqrCallRecord[] = [];
  let sent: Awaited<ReturnType<Ctx['seqr']['sendInvoice']>>;
  try {
    sent = await ctx.seqr.sendInvoice(invoiceFor(ctx, order, attempt), { onCall: (record) => records.push(record) });
  } catch (error) {
    await recordSeqrCalls(ctx, orderId, records);
    return settleFailedSend(ctx, attempt, error);
  }
  const issued = (db: Parameters<typeof transition.attempt>[0]) =>
    transition.attempt(db, attempt, 'ISSUED', {
      from: ['CREATED'],
      data: { invoiceReference: sent.invoiceReference, invoiceQRCode: sent.invoiceQRCode, invoiceVersion: 0, nextCheckAt: later(ctx, 2000) },
      timeline: { at: ctx.clock.now(), message: `Invoice ${sent.invoiceReference} issued.` },
    });
  let saved: boolean;
  try {
    saved = await ctx.db.$transaction(async (tx) => {
      await createSeqrCallEvents(tx, orderId, records, ctx.clock.now());
      return issued(tx);
    });
  } catch (error) {
    if (!isTransactionStartTimeout(error)) throw error;
    // A load peak left no connection for the transaction in time, and it wrote nothing. The invoice
    // exists at SEQR, so the shopper must get it: the same writes, each waiting for a connection.
    await recordSeqrCalls(ctx, orderId, records);
    saved = await issued(ctx.db);
  }
  if (!saved) {
    // The attempt was given up while SEQR answered: withdraw the invoice so it cannot be paid.
    await withSeqrLog(ctx, orderId, (options) => ctx.seqr.cancelInvoice(sent.invoiceReference, options)).catch((error: unknown) => {
      if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error;
    });
    return { kind: 'unavailable' };
  }
  return { kind: 'issued', attemptId: attempt.id };
}

/** sendInvoice failed: a refusal or a refused connection ends the attempt; an unknown outcome is settled now, or by the sweeper. */
async function settleFailedSend(ctx: Ctx, attempt: NewAttempt, error: unknown): Promise<StartResult> {
  if (isSeqrResultError(error)) {
    await closeAttempt(ctx, attempt, ['CREATED'], 'FAILED', { resultCode: error.code }, `SEQR refused the invoice: ${error.code} ${error.resultName}.`);
    return { kind: 'refused', resultCode: error.code };
  }
  if (isSeqrTransportError(error)) {
    if (error.failure === 'refused') {
      await closeAttempt(ctx, attempt, ['CREATED'], 'FAILED', {}, 'SEQR could not be reached (connection refused); no invoice was created.');
      return { kind: 'unavailable' };
    }
    // Outcome unknown: SEQR may have created the invoice (a slow answer). Nobody was shown it, but
    // it must not stay payable: find it and cancel it now. What cannot be settled now stays
    // CREATED, and the sweeper settles it.
    const saved = await loadAttempt(ctx, attempt.id);
    const mayBeInFlight = error.failure === 'timeout'; // any answer, even a reset, means SEQR is done with it
    if (saved) await resolveOrphanedAttempt(ctx, saved, `SEQR did not answer sendInvoice (${error.failure})`, { mayBeInFlight });
    const after = await loadAttempt(ctx, attempt.id);
    return after?.status === 'ISSUED' || after?.status === 'PAID' ? { kind: 'issued', attemptId: attempt.id } : { kind: 'unavailable' };
  }
  throw error;
}
