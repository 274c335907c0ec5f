// Day close and reconciliation (PROTOCOL.md §6.9): close a period with markTransactionPeriod, read
// SEQR's reports for it (waiting out REPORT_NOT_READY), and compare SEQR's transaction details with
// the shop's own payments and refunds of the period.
import { z } from 'zod';
import { getConfig } from '../config';
import { getDb } from '../db';
import { decimalStringToOre } from '../money';
import type { Message } from '../i18n';
import { orderNumberLabel } from '../orders';
import { getSeqrClient, isSeqrResultError, isSeqrTransportError } from '../seqr';

export const REPORTS = [
  { id: 'Reconciliation/Shop.xml', name: 'Merchant transactions summary' },
  { id: 'Reconciliation/STD_RECON_002.xml', name: 'Summary, terminal by terminal' },
  { id: 'Reconciliation/STD_RECON_003.xml', name: 'Merchant transaction details' },
  { id: 'Reconciliation/STD_RECON_004.xml', name: 'Summary, cashier by cashier' },
  { id: 'Reconciliation/STD_RECON_006.xml', name: 'Terminal transactions summary' },
  { id: 'Reconciliation/STD_RECON_007.xml', name: 'Terminal transaction details' },
] as const;
export const ReportIdSchema = z.enum(REPORTS.map((r) => r.id) as [string, ...string[]]);

import { parseReportXml, type ParsedReport } from '../seqr/reports';

export { parseReportXml, type ParsedReport };

export type CloseResult = { ok: true; message: Message; periodId: string } | { ok: false; message: Message };

export async function closePeriod(actor: string): Promise<CloseResult> {
  const db = getDb();
  const previous = await db.transactionPeriod.findFirst({ orderBy: { closedAt: 'desc' }, select: { closedAt: true } });
  const terminalId = getConfig().seqr.terminalId;
  try {
    // TERMINALID makes the terminal reports (006/007) available too (PROTOCOL.md pitfall 17).
    const { transactionPeriodId } = await getSeqrClient().markTransactionPeriod({ terminalId });
    const period = await db.transactionPeriod.create({ data: { transactionPeriodId, startedAt: previous?.closedAt ?? null, terminalId, closedBy: actor } });
    return { ok: true, message: { key: 'admin.periods.done', params: { id: transactionPeriodId } }, periodId: period.id };
  } catch (error) {
    if (isSeqrResultError(error)) return { ok: false, message: { key: 'admin.periods.failed', seqrCode: error.code } };
    if (isSeqrTransportError(error)) return { ok: false, message: { key: 'admin.periods.failed', params: { reason: error.sentence } } };
    throw error;
  }
}

export function listPeriods() {
  return getDb().transactionPeriod.findMany({ orderBy: { closedAt: 'desc' }, take: 200 });
}

export async function findPeriod(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return getDb().transactionPeriod.findUnique({ where: { id } });
}

export type ReportOutcome = { ok: true; report: ParsedReport } | { ok: false; message: Message };

export async function runReport(period: { transactionPeriodId: string; terminalId: string | null }, reportId: string, wait = { intervalMs: 3000, maxWaitMs: 30_000 }): Promise<ReportOutcome> {
  try {
    const report = await getSeqrClient().executeReportWhenReady(
      { reportId, language: 'en', transactionPeriodId: period.transactionPeriodId, terminalId: /STD_RECON_00[67]/.test(reportId) ? (period.terminalId ?? undefined) : undefined },
      wait,
    );
    return { ok: true, report: { ...parseReportXml(report.contentString), title: report.title } };
  } catch (error) {
    if (isSeqrResultError(error) && error.code === 2) return { ok: false, message: { key: 'admin.period.notReady' } };
    if (isSeqrResultError(error)) return { ok: false, message: { key: 'admin.period.reportFailed', seqrCode: error.code } };
    if (isSeqrTransportError(error)) return { ok: false, message: { key: 'admin.period.reportFailed', params: { reason: error.sentence } } };
    if (error instanceof Error) return { ok: false, message: { key: 'admin.period.reportFailed', params: { reason: error.message } } };
    throw error;
  }
}

export type Difference = {
  kind: 'missing-in-shop' | 'missing-at-seqr' | 'amount-mismatch';
  ersReference: string;
  seqrOre?: number;
  shopOre?: number;
  order?: string;
  orderId?: string;
};

function oreOrNull(text: string | undefined): number | null {
  if (!text) return null;
  try {
    return decimalStringToOre(text);
  } catch {
    return null;
  }
}

/**
 * SEQR's transaction details for the period (STD_RECON_003) against the shop's payments and
 * refunds in the same window. Refunds count as negative amounts on both sides.
 */
export async function reconcilePeriod(period: { id: string; transactionPeriodId: string; terminalId: string | null; startedAt: Date | null; closedAt: Date }): Promise<
  { ok: true; differences: Difference[]; seqrCount: number; shopCount: number } | { ok: false; message: Message }
> {
  const details = await runReport(period, 'Reconciliation/STD_RECON_003.xml');
  if (!details.ok) return details;
  const seqr = new Map<string, number | null>();
  for (const row of details.report.rows) if (row.ErsReference) seqr.set(row.ErsReference, oreOrNull(row.SalesAmount));

  const db = getDb();
  const window = { ...(period.startedAt ? { gt: period.startedAt } : {}), lte: period.closedAt };
  const [payments, refunds] = await Promise.all([
    db.paymentAttempt.findMany({ where: { status: 'PAID', paidAt: window }, select: { ersReference: true, amountOre: true, order: { select: { id: true, number: true, paidOre: true } } } }),
    db.refund.findMany({ where: { status: 'SUCCEEDED', updatedAt: window }, select: { ersReference: true, amountOre: true, order: { select: { id: true, number: true } } } }),
  ]);
  const shop = new Map<string, { ore: number; order: string; orderId: string }>();
  for (const p of payments) if (p.ersReference) shop.set(p.ersReference, { ore: p.order.paidOre || p.amountOre, order: orderNumberLabel(p.order.number), orderId: p.order.id });
  for (const r of refunds) if (r.ersReference) shop.set(r.ersReference, { ore: -r.amountOre, order: orderNumberLabel(r.order.number), orderId: r.order.id });

  const differences: Difference[] = [];
  for (const [ersReference, seqrOre] of seqr) {
    const mine = shop.get(ersReference);
    if (!mine) differences.push({ kind: 'missing-in-shop', ersReference, seqrOre: seqrOre ?? undefined });
    else if (seqrOre === null || Math.abs(seqrOre) !== Math.abs(mine.ore)) differences.push({ kind: 'amount-mismatch', ersReference, seqrOre: seqrOre ?? undefined, shopOre: mine.ore, order: mine.order, orderId: mine.orderId });
  }
  for (const [ersReference, mine] of shop) {
    if (!seqr.has(ersReference)) differences.push({ kind: 'missing-at-seqr', ersReference, shopOre: mine.ore, order: mine.order, orderId: mine.orderId });
  }
  return { ok: true, differences, seqrCount: seqr.size, shopCount: shop.size };
}
