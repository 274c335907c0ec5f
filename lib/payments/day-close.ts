// The day close (PROTOCOL.md §6.9, certification step 6): mark the shop's period and the terminal's
// period with markTransactionPeriod (SEQR's reporting guide keeps them apart: without TERMINALID the
// shop's, with it the terminal's, which the terminal reports 006/007 need), then reconcile the day
// against SEQR's transaction details. With DAY_CLOSE_AT set, every shop process runs the loop below;
// the day's row, unique per shop-local date, and its lease make it happen once across instances.
//
// Each step is recorded the moment SEQR answers, so a process that dies mid-close leaves a row that
// another takes over when the lease runs out, continuing where it stopped. Only a death between
// SEQR's answer to a mark and its recording repeats that mark: an extra, empty period, never a lost one.
import type { DayClose, TransactionPeriod } from '../generated/prisma/client';
import { isSeqrResultError, isSeqrTransportError } from '../seqr';
import { parseReportXml } from '../seqr/reports';
import { sentenceOf, type Ctx } from './context';
import { latestDueDayClose, type DayCloseAt } from './day-close-schedule';
import { DETAILS_REPORT, reconcile } from './reconcile';

/** A day close whose due time passed while no shop ran is still made this long afterwards. */
export const DAY_CLOSE_CATCH_UP_MS = 6 * 3600_000;
/** How long one process holds a day close it works on. */
const LEASE_MS = 60_000;
/** SEQR's reports are ready a few seconds after the mark (REPORT_NOT_READY until then). */
const REPORT_RETRY_MS = 3000;
const MAX_BACKOFF_MS = 10 * 60_000;

export type DayCloseSchedule = { at: DayCloseAt; timeZone: string };

function later(ctx: Ctx, ms: number): Date {
  return new Date(ctx.clock.now().getTime() + ms);
}

/** Marks one period (shop or terminal) for a day close, unless it already has that mark. */
async function markOnce(ctx: Ctx, close: DayClose, scope: 'SHOP' | 'TERMINAL', periods: TransactionPeriod[]): Promise<TransactionPeriod> {
  const existing = periods.find((p) => p.scope === scope);
  if (existing) return existing;
  const terminalId = scope === 'TERMINAL' ? ctx.settings.terminalId : undefined;
  const previous = await ctx.db.transactionPeriod.findFirst({ where: { scope }, orderBy: { closedAt: 'desc' }, select: { closedAt: true } });
  const { transactionPeriodId } = await ctx.seqr.markTransactionPeriod(terminalId ? { terminalId } : {});
  const period = await ctx.db.transactionPeriod.create({
    data: { transactionPeriodId, scope, terminalId: terminalId ?? null, startedAt: previous?.closedAt ?? null, closedAt: ctx.clock.now(), closedBy: close.closedBy, dayCloseId: close.id },
  });
  ctx.log?.(`[day-close] ${close.day ?? 'by hand'}: ${scope === 'SHOP' ? "the shop's" : `terminal ${terminalId}'s`} period ${transactionPeriodId} closed.`);
  return period;
}

export type DayCloseStep = { done: true; close: DayClose } | { done: false; close: DayClose; reason: string };

/**
 * Works on a day close this process holds: the marks that are missing, then (unless `reconcile` is
 * false) the reconciliation. Never throws for SEQR's errors: the row records them and the lease
 * brings it back later.
 */
export async function workOnDayClose(ctx: Ctx, close: DayClose, options: { reconcile?: boolean } = {}): Promise<DayCloseStep> {
  const periods = await ctx.db.transactionPeriod.findMany({ where: { dayCloseId: close.id } });
  try {
    const shop = await markOnce(ctx, close, 'SHOP', periods);
    await markOnce(ctx, close, 'TERMINAL', periods);
    if (options.reconcile === false) {
      const done = await ctx.db.dayClose.update({ where: { id: close.id }, data: { status: 'DONE', finishedAt: ctx.clock.now(), leaseUntil: null, lastError: null } });
      return { done: true, close: done };
    }
    const report = await ctx.seqr.executeReport({ reportId: DETAILS_REPORT, language: 'en', transactionPeriodId: shop.transactionPeriodId });
    const result = await reconcile(ctx.db, shop, parseReportXml(report.contentString), ctx.settings.terminalId);
    const done = await ctx.db.dayClose.update({
      where: { id: close.id },
      data: { status: 'DONE', finishedAt: ctx.clock.now(), leaseUntil: null, lastError: null, seqrCount: result.seqrCount, shopCount: result.shopCount, differences: result.differences },
    });
    ctx.log?.(`[day-close] ${close.day ?? 'by hand'}: reconciled ${result.seqrCount} SEQR and ${result.shopCount} shop transactions, ${result.differences.length} difference(s).`);
    return { done: true, close: done };
  } catch (error) {
    if (!isSeqrResultError(error) && !isSeqrTransportError(error)) throw error;
    const notReady = isSeqrResultError(error) && error.code === 2;
    const tries = close.tries + 1;
    const retryIn = notReady ? REPORT_RETRY_MS : Math.min(10_000 * 2 ** Math.min(tries, 10), MAX_BACKOFF_MS);
    const reason = sentenceOf(error);
    const updated = await ctx.db.dayClose.update({ where: { id: close.id }, data: { tries, lastError: notReady ? null : reason, leaseUntil: later(ctx, retryIn) } });
    if (!notReady) ctx.log?.(`[day-close] ${close.day ?? 'by hand'} waits for SEQR (${reason}); trying again in ${Math.round(retryIn / 1000)} s.`);
    return { done: false, close: updated, reason };
  }
}

/** A close made by hand in the back office: both marks now; the period page reconciles it live. */
export async function closeDayByHand(ctx: Ctx, actor: string): Promise<DayCloseStep> {
  const close = await ctx.db.dayClose.create({ data: { closedBy: actor, dueAt: ctx.clock.now(), leaseOwner: 'by-hand', leaseUntil: later(ctx, LEASE_MS) } });
  const step = await workOnDayClose(ctx, close, { reconcile: false });
  // Nothing marked: nothing happened, and the merchant was told so. A half-made close (the shop's
  // period marked, the terminal's not) stays for the loop to finish, so the pair is never split.
  if (!step.done && (await ctx.db.transactionPeriod.count({ where: { dayCloseId: close.id } })) === 0) await ctx.db.dayClose.delete({ where: { id: close.id } });
  return step;
}

/**
 * One pass of the automatic day close: make sure the latest due day has its row (once: the date is
 * unique), then work on any unfinished close whose lease ran out. Returns what it finished.
 */
export async function dayClosePass(ctx: Ctx, schedule: DayCloseSchedule | undefined, owner: string): Promise<DayClose[]> {
  const now = ctx.clock.now();
  if (schedule) {
    const due = latestDueDayClose(now, schedule.at, schedule.timeZone);
    if (now.getTime() - due.dueAt.getTime() < DAY_CLOSE_CATCH_UP_MS) {
      await ctx.db.dayClose.createMany({ data: [{ day: due.day, dueAt: due.dueAt, closedBy: 'day close' }], skipDuplicates: true });
    }
  }
  const finished: DayClose[] = [];
  const open = await ctx.db.dayClose.findMany({ where: { status: 'RUNNING', OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] }, orderBy: { dueAt: 'asc' }, take: 5 });
  for (const candidate of open) {
    // Compare-and-set on the lease: of several processes, one works on it.
    const { count } = await ctx.db.dayClose.updateMany({
      where: { id: candidate.id, status: 'RUNNING', OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
      data: { leaseOwner: owner, leaseUntil: later(ctx, LEASE_MS) },
    });
    if (count !== 1) continue;
    const step = await workOnDayClose(ctx, candidate);
    if (step.done) finished.push(step.close);
  }
  return finished;
}

/**
 * The loop every shop process runs: it makes the day's close when DAY_CLOSE_AT is set, and finishes
 * any close left unfinished (SEQR was down, a process died), by hand or not. Passes never overlap.
 */
export function startDayCloseLoop(ctx: Ctx, schedule: DayCloseSchedule | undefined, options: { owner: string; intervalMs: number }): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      await dayClosePass(ctx, schedule, options.owner);
    } catch (error) {
      ctx.log?.(`[day-close] pass failed: ${sentenceOf(error)}`);
    }
    if (!stopped) timer = setTimeout(run, options.intervalMs);
    timer?.unref?.();
  };
  void run();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
