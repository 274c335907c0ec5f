// The sweeper: a loop in every shop process that keeps payments safe when nobody is watching.
// It confirms open invoices (so a payment is confirmed within SEQR's 20-second rule even when the
// tab is closed and the notification is lost), cancels invoices past the shop's TTL, retries
// receipts and resolves attempts whose reference was never saved (lifecycle.ts resolveStaleCreated).
// Several processes may sweep at once: each attempt is leased in the database before anyone works
// on it.
import { randomUUID } from 'node:crypto';
import { getConfig } from '../config';
import { getDb } from '../db';
import { expireAttempt, refreshAttempt, resolveStaleCreated, staleCreatedAfterMs, submitReceipt } from './lifecycle';

/** Open invoices are re-checked at least this often by the sweeper. */
export const SWEEP_CHECK_EVERY_MS = 3000;
/**
 * How long a sweeper's claim on an attempt lasts. Correctness never depends on it (every change is
 * a compare-and-set); it only stops two sweepers from repeating each other's calls. It is short so
 * that when an instance dies holding leases, another confirms those payments well within SEQR's
 * 20-second rule.
 */
const LEASE_MS = 8000;
const BATCH = 50;
/** Attempts worked on at once by one process: SEQR round trips overlap, the pool is not drained. */
const CONCURRENCY = 5;
const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;

/** Attempts whose next check has come (the sweeper's lease pushes it forward). */
const checkDueBy = (at: Date) => ({ OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: at } }] });

/** One pass. Returns how many attempts it worked on. */
export async function sweepOnce(now = new Date()): Promise<number> {
  return (await sweepPass(now)).worked;
}

/** One pass: how many attempts were due (up to a batch) and how many this process worked on. */
async function sweepPass(now: Date): Promise<{ due: number; worked: number }> {
  const db = getDb();
  const due = await db.paymentAttempt.findMany({
    where: {
      AND: [
        checkDueBy(now),
        {
          OR: [
            { status: 'ISSUED' },
            { status: 'PAID', receiptClaimedAt: null, receiptSubmittedAt: null },
            { status: 'CREATED', createdAt: { lte: new Date(now.getTime() - staleCreatedAfterMs()) } },
          ],
        },
      ],
    },
    orderBy: { nextCheckAt: 'asc' },
    take: BATCH,
  });
  let worked = 0;
  const work = async (candidate: (typeof due)[number]) => {
    // Lease the attempt so another process does not sweep it at the same time. The lease also
    // re-checks that it is still due and unchanged: another process may have swept it between our
    // read and now (its lease pushed nextCheckAt), and working from our stale read would repeat
    // its SEQR calls. Timed from when this attempt's turn comes (a full pass takes a while).
    const at = new Date(Math.max(now.getTime(), Date.now()));
    const { count } = await db.paymentAttempt.updateMany({
      where: {
        id: candidate.id,
        status: candidate.status,
        AND: [{ OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }] }, checkDueBy(at)],
      },
      data: { leaseOwner: owner, leaseUntil: new Date(at.getTime() + LEASE_MS), nextCheckAt: new Date(at.getTime() + SWEEP_CHECK_EVERY_MS) },
    });
    if (count !== 1) return;
    const attempt = await db.paymentAttempt.findUnique({ where: { id: candidate.id } });
    if (!attempt) return;
    worked++;
    try {
      if (attempt.status === 'ISSUED') {
        if (attempt.expiresAt <= now) await expireAttempt(attempt);
        else await refreshAttempt(attempt.id, 'sweeper');
      } else if (attempt.status === 'PAID') {
        await submitReceipt(attempt.id);
      } else {
        await resolveStaleCreated(attempt);
      }
    } catch (error) {
      console.error(`[sweeper] attempt ${attempt.id}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await db.paymentAttempt.updateMany({ where: { id: attempt.id, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < due.length) await work(due[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, lane));
  return { due: due.length, worked };
}

const globalForSweeper = globalThis as typeof globalThis & { __seqrShopSweeper?: { stop(): void } };

/** Start the loop once per process (Next's instrumentation hook calls this). */
export function startSweeper(): { stop(): void } {
  if (globalForSweeper.__seqrShopSweeper) return globalForSweeper.__seqrShopSweeper;
  const interval = getConfig().payments.sweepIntervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    if (stopped) return;
    let due = 0;
    try {
      ({ due } = await sweepPass(new Date()));
    } catch (error) {
      console.error(`[sweeper] pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A full batch means more may be due: go on at once rather than let them wait a whole interval
    // (even when other instances leased part of it).
    if (!stopped) timer = setTimeout(loop, due >= BATCH ? 0 : interval);
  };
  timer = setTimeout(loop, interval);
  globalForSweeper.__seqrShopSweeper = {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      globalForSweeper.__seqrShopSweeper = undefined;
    },
  };
  return globalForSweeper.__seqrShopSweeper;
}
