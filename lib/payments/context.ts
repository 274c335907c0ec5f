// What every use case of the payment core shares: its ports, the order timeline, SEQR calls logged to
// it, and the sentence for an error.
import type { PaymentAttempt, Prisma } from '../generated/prisma/client';
import { appendOrderEvent, type OrderEventInput } from '../orders';
import { isSeqrError, type CallOptions, type SeqrCallRecord } from '../seqr';
import type { PaymentPorts } from './ports';

export type Ctx = PaymentPorts;
export type AttemptRow = PaymentAttempt;

export function later(ctx: Ctx, ms: number): Date {
  return new Date(ctx.clock.now().getTime() + ms);
}

export function loadAttempt(ctx: Ctx, attemptId: string): Promise<AttemptRow | null> {
  return ctx.db.paymentAttempt.findUnique({ where: { id: attemptId } });
}

export async function timeline(ctx: Ctx, orderId: string, event: OrderEventInput): Promise<void> {
  await appendOrderEvent(orderId, { ...event, at: ctx.clock.now() }, ctx.db);
}

export function note(ctx: Ctx, orderId: string, message: string): Promise<void> {
  return timeline(ctx, orderId, { kind: 'NOTE', message });
}

/** The timeline rows of SEQR calls (one per call, retries included). */
export function seqrCallEvents(orderId: string, records: readonly SeqrCallRecord[], at: Date): Prisma.OrderEventCreateManyInput[] {
  return records.map((record) => ({
    orderId,
    at,
    kind: 'SEQR_CALL' as const,
    operation: record.operation,
    resultCode: record.resultCode,
    durationMs: record.durationMs,
    message: record.failure ? `No answer: ${record.failure}` : record.resultName,
    data: { clientReference: record.clientReference, attempt: record.attempt },
  }));
}

/**
 * One create per call (almost always one) rather than createMany: with createMany here the checkout
 * profile showed Prisma's query compiler (wasm) at work on every checkout.
 */
export async function createSeqrCallEvents(db: Pick<Prisma.TransactionClient, 'orderEvent'>, orderId: string, records: readonly SeqrCallRecord[], at: Date): Promise<void> {
  for (const data of seqrCallEvents(orderId, records, at)) await db.orderEvent.create({ data, select: { id: true } });
}

/** Write SEQR calls to the order's timeline. */
export async function recordSeqrCalls(ctx: Ctx, orderId: string, records: readonly SeqrCallRecord[]): Promise<void> {
  await createSeqrCallEvents(ctx.db, orderId, records, ctx.clock.now());
}

/** Run SEQR calls for an order and write each one to its timeline. */
export async function withSeqrLog<T>(ctx: Ctx, orderId: string, work: (options: CallOptions) => Promise<T>): Promise<T> {
  const records: SeqrCallRecord[] = [];
  try {
    return await work({ onCall: (record) => records.push(record) });
  } finally {
    await recordSeqrCalls(ctx, orderId, records);
  }
}

/** The sentence for a SEQR error, or the message of anything else. */
export function sentenceOf(error: unknown): string {
  if (isSeqrError(error)) return error.sentence;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prisma's P2028: an interactive transaction that got no pooled connection within maxWait (or ran
 * past its timeout) and was rolled back. Recognised by code: Next bundles the client's classes twice.
 */
export function isTransactionStartTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2028';
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
