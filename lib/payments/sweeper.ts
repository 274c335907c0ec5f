// The sweeper: a loop in every shop process that keeps payments safe when nobody is watching.
// It confirms open invoices (so a payment is confirmed within SEQR's 20-second rule even when the
// tab is closed and the notification is lost), withdraws invoices past the shop's TTL, sends and
// settles receipts, resolves attempts whose reference was never saved, settles refunds with an
// unknown outcome and closes idle orders as ABANDONED. Several processes may sweep at once: each
// attempt is leased in the database before anyone works on it.
import { abandonIdleOrders } from './abandon';
import { expireAttempt } from './cancel';
import { settlePendingUpdate } from './cart-sync';
import { isNothingNew, readStatusAndApply } from './confirm';
import { sentenceOf, type Ctx } from './context';
import { settleReceiptClaim, submitReceipt, RECEIPT_SETTLE_MARGIN_MS } from './receipt';
import { resolveStaleCreated, staleCreatedAfterMs } from './recover';
import { settleUnknownRefund } from './refund-settlement';
import { RECEIPT_ORDER } from './transitions';

/**
 * How long after one check an open invoice is due again. The sweeper is the only one that asks
 * SEQR about an invoice nobody notifies us of (browsers' polls read the stored state), so this
 * alone sets both targets:
 * - pace: one getPaymentStatus per invoice every SWEEP_CHECK_EVERY_MS + (0..SWEEP_INTERVAL_MS) of
 *   pass granularity, i.e. at most 1/5 s = 0.2 per open invoice per second (target ≤ 0.25);
 *   the first check comes 2 s after issue (issue.ts), once per invoice.
 * - unattended payment (no notification, no page): paid just after a check that said "not paid",
 *   it is seen at the next one, ≤ 5 s + one pass interval (SWEEP_INTERVAL_MS, 1 s by default) + the
 *   call ≈ 6 s later, leaving 4 s of the 10 s target for a pass that is busy (500 open invoices
 *   are 100 calls a second in all, 5 at a time per process) — and well inside SEQR's 20 s rule.
 */
export const SWEEP_CHECK_EVERY_MS = 5000;
/** After a question SEQR did not answer, the next one comes this soon (failures are rare: cheap). */
const RETRY_AFTER_NO_ANSWER_MS = 1000;
/**
 * A sweeper's claim on an attempt lasts until the attempt is due again. Correctness never depends on
 * it (every change is a compare-and-set); it only stops two sweepers from repeating each other's
 * calls. Ending with the interval means a routine check (SEQR said nothing new, the common case)
 * needs no write to give it back, and when an instance dies holding leases, another takes those
 * payments up at their next due time, well within SEQR's 20-second rule.
 */
const LEASE_MS = SWEEP_CHECK_EVERY_MS;
const BATCH = 50;
/** Attempts worked on at once by one process: SEQR round trips overlap, the pool is not drained. */
const CONCURRENCY = 5;

/** Attempts whose next check has come (the sweeper's lease pushes it forward). */
const checkDueBy = (at: Date) => ({ OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: at } }] });

export type SweepOptions = {
  /** Who holds the leases (one per process). */
  owner: string;
  /** Attempts this process is working on already (a slow call): skipped, never waited for. */
  inFlight?: Set<string>;
  /** Pick what is due (past its TTL, to settle, to abandon) as of this time instead of now (tests look ahead). */
  at?: Date;
};

/** One pass: how many attempts were due (up to a batch) and how many this process worked on. */
export async function sweepPass(ctx: Ctx, options: SweepOptions): Promise<{ due: number; worked: number; failures: unknown[] }> {
  const db = ctx.db;
  const now = options.at ?? ctx.clock.now();
  const inFlight = options.inFlight ?? new Set<string>();
  const receiptClaimStale = new Date(now.getTime() - ctx.settings.seqrTimeoutMs - RECEIPT_SETTLE_MARGIN_MS);
  const dueWhere = {
    AND: [
      checkDueBy(now),
      {
        OR: [
          { status: 'ISSUED' as const },
          { status: 'PAID' as const, receiptStatus: 'NOT_SENT' as const, order: { status: { in: [...RECEIPT_ORDER] }, reviewReason: null } },
          { status: 'PAID' as const, receiptStatus: 'SENDING' as const, receiptClaimedAt: { lte: receiptClaimStale } },
          { status: 'CREATED' as const, createdAt: { lte: new Date(now.getTime() - staleCreatedAfterMs(ctx)) } },
        ],
      },
    ],
  };
  const due = await db.paymentAttempt.findMany({ where: dueWhere, select: { id: true, status: true }, orderBy: { nextCheckAt: 'asc' }, take: BATCH });
  const wanted = due.filter((candidate) => !inFlight.has(candidate.id));
  // Lease the batch in one statement per kind, re-checking that each attempt is still due and not
  // leased: another process may have swept it between our read and now, and working from our read
  // would repeat its SEQR calls. The rows come back as leased, so nothing is read again. An open
  // invoice's lease also counts the check and stamps when it was taken up.
  const at = new Date(Math.max(now.getTime(), ctx.clock.now().getTime()));
  const lease = { leaseOwner: options.owner, leaseUntil: new Date(at.getTime() + LEASE_MS), nextCheckAt: new Date(at.getTime() + SWEEP_CHECK_EVERY_MS) };
  const free = { OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }] };
  const issuedIds = wanted.filter((candidate) => candidate.status === 'ISSUED').map((candidate) => candidate.id);
  const otherIds = wanted.filter((candidate) => candidate.status !== 'ISSUED').map((candidate) => candidate.id);
  const leased = [
    ...(issuedIds.length === 0
      ? []
      : await db.paymentAttempt.updateManyAndReturn({
          where: { id: { in: issuedIds }, status: 'ISSUED', AND: [free, checkDueBy(at)] },
          data: { ...lease, lastStatusAt: at, statusChecks: { increment: 1 } },
        })),
    ...(otherIds.length === 0 ? [] : await db.paymentAttempt.updateManyAndReturn({ where: { id: { in: otherIds }, AND: [free, dueWhere] }, data: lease })),
  ];
  let worked = 0;
  const work = async (attempt: (typeof leased)[number]) => {
    worked++;
    inFlight.add(attempt.id);
    // A routine check keeps its lease, which ends when the attempt is due again: no write.
    let keepLease = false;
    try {
      if (attempt.status === 'ISSUED') {
        if (await settlePendingUpdate(ctx, attempt)) return;
        if (attempt.expiresAt <= now) {
          await expireAttempt(ctx, attempt);
          return;
        }
        const said = await readStatusAndApply(ctx, attempt, 'sweeper');
        if (said === 'no-answer') {
          // SEQR did not answer (a timeout, an outage, a busy code): a payment may be waiting behind
          // it, and nobody else asks now that pages only read. Ask again soon, not a full interval later.
          await db.paymentAttempt.updateMany({ where: { id: attempt.id, status: 'ISSUED' }, data: { nextCheckAt: new Date(ctx.clock.now().getTime() + RETRY_AFTER_NO_ANSWER_MS) } });
        } else keepLease = typeof said === 'object' && isNothingNew(attempt, said);
      } else if (attempt.status === 'PAID') {
        if (attempt.receiptStatus === 'SENDING') await settleReceiptClaim(ctx, attempt);
        else await submitReceipt(ctx, attempt.id);
      } else {
        await resolveStaleCreated(ctx, attempt);
      }
    } finally {
      inFlight.delete(attempt.id);
      if (!keepLease) await db.paymentAttempt.updateMany({ where: { id: attempt.id, leaseOwner: options.owner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  };
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < leased.length) {
      const candidate = leased[next++]!;
      await work(candidate).catch((error: unknown) => {
        failures.push(error);
        ctx.log?.(`[sweeper] attempt ${candidate.id}: ${sentenceOf(error)}`);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, leased.length) }, lane));

  // Refunds whose outcome is unknown, and idle orders.
  const refunds = await db.refund.findMany({
    where: {
      AND: [
        { OR: [{ status: 'UNKNOWN' }, { status: 'PENDING', sentAt: { lte: new Date(now.getTime() - ctx.settings.seqrTimeoutMs - 30_000) } }] },
        checkDueBy(now),
      ],
    },
    orderBy: { createdAt: 'asc' },
    take: 10,
  });
  for (const refund of refunds) {
    await settleUnknownRefund(ctx, refund, now).catch((error: unknown) => {
      failures.push(error);
      ctx.log?.(`[sweeper] refund ${refund.id}: ${sentenceOf(error)}`);
    });
  }
  await abandonIdleOrders(ctx, now);
  return { due: due.length, worked, failures };
}

/**
 * The loop of one process (Next's instrumentation hook starts it). A pass never waits for a slow
 * SEQR call of an earlier one: attempts still in flight are skipped, and the next pass starts on
 * time, so one dripping answer cannot hold up every other payment.
 */
export function startSweeperLoop(ctx: Ctx, options: { owner: string; intervalMs: number }): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<string>();
  let running = 0;
  const loop = () => {
    if (stopped) return;
    let again = options.intervalMs;
    const pass = sweepPass(ctx, { owner: options.owner, inFlight })
      .then(({ due }) => {
        // A full batch means more may be due: go on at once rather than let them wait an interval.
        if (due >= BATCH) again = 0;
      })
      .catch((error: unknown) => ctx.log?.(`[sweeper] pass failed: ${sentenceOf(error)}`))
      .finally(() => running--);
    running++;
    // Wait for the pass, but never longer than an interval: a pass stuck on slow calls goes on in
    // the background (its attempts are in inFlight) while the next one starts.
    const next = new Promise<void>((resolve) => setTimeout(resolve, options.intervalMs).unref());
    void Promise.race([pass, next]).then(() => {
      if (stopped) return;
      timer = setTimeout(loop, running > 3 ? options.intervalMs : again);
    });
  };
  timer = setTimeout(loop, options.intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
