// Day close and reconciliation (PROTOCOL.md §6.9): close a period with markTransactionPeriod, read
// SEQR's reports for it (waiting out REPORT_NOT_READY), and compare SEQR's transaction details with
// the shop's own payments and refunds of the period.
import { z } from 'zod';
import { getConfig } from '../config';
import { getDb } from '../db';
import { moneyLocale, translator, type Locale, type Message } from '../i18n';
import { en, type MessageKey } from '../i18n/messages';
import { decimalStringToOre, formatMoney } from '../money';
import type { TransactionPeriod } from '../generated/prisma/client';
import { paymentCore } from '../payments/wiring';
import { DETAILS_REPORT, reconcile, type Difference, type Match, type Reconciliation } from '../payments/reconcile';
import { getSeqrClient, isSeqrResultError, isSeqrTransportError } from '../seqr';

export const REPORTS = [
  { id: 'Reconciliation/Shop.xml', name: 'Merchant transactions summary', key: 'admin.report.shop' },
  { id: 'Reconciliation/STD_RECON_002.xml', name: 'Summary, terminal by terminal', key: 'admin.report.002' },
  { id: 'Reconciliation/STD_RECON_003.xml', name: 'Merchant transaction details', key: 'admin.report.003' },
  { id: 'Reconciliation/STD_RECON_004.xml', name: 'Summary, cashier by cashier', key: 'admin.report.004' },
  { id: 'Reconciliation/STD_RECON_006.xml', name: 'Terminal transactions summary', key: 'admin.report.006' },
  { id: 'Reconciliation/STD_RECON_007.xml', name: 'Terminal transaction details', key: 'admin.report.007' },
] as const satisfies readonly { id: string; name: string; key: MessageKey }[];
export const ReportIdSchema = z.enum(REPORTS.map((r) => r.id) as [string, ...string[]]);

import { parseReportXml, type ParsedReport } from '../seqr/reports';

export { parseReportXml, type ParsedReport };

export type CloseResult = { ok: true; message: Message; periodId: string } | { ok: false; message: Message };

/** Day close by hand: the shop's and the terminal's period (PROTOCOL.md §6.9); shows the shop's. */
export async function closePeriod(actor: string): Promise<CloseResult> {
  const step = await paymentCore().closeDayByHand(actor);
  if (!step.done) return { ok: false, message: { key: 'admin.periods.failed', params: { reason: step.reason } } };
  const shop = await getDb().transactionPeriod.findFirst({ where: { dayCloseId: step.close.id, scope: 'SHOP' } });
  if (!shop) return { ok: false, message: { key: 'admin.periods.failed', params: { reason: 'no period was recorded' } } };
  return { ok: true, message: { key: 'admin.periods.done', params: { id: shop.transactionPeriodId } }, periodId: shop.id };
}

/** The automatic day close as configured, and its latest runs (for the periods page). */
export async function dayCloseOverview() {
  const config = getConfig();
  const latest = await getDb().dayClose.findMany({ where: { day: { not: null } }, orderBy: { dueAt: 'desc' }, take: 7 });
  return { schedule: config.payments.dayClose, timeZone: config.timeZone, latest };
}

export function listPeriods() {
  return getDb().transactionPeriod.findMany({ orderBy: { closedAt: 'desc' }, take: 200 });
}

export async function findPeriod(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return getDb().transactionPeriod.findUnique({ where: { id } });
}

/**
 * The period a report is run on: the terminal reports (006/007) need the terminal's mark, so for a
 * shop period they use the terminal period of the same day close.
 */
export async function periodForReport(period: TransactionPeriod, reportId: string): Promise<TransactionPeriod> {
  if (!TERMINAL_REPORT.test(reportId) || period.scope === 'TERMINAL' || !period.dayCloseId) return period;
  return (await getDb().transactionPeriod.findFirst({ where: { dayCloseId: period.dayCloseId, scope: 'TERMINAL' } })) ?? period;
}

const TERMINAL_REPORT = /STD_RECON_00[67]/;

export type ReportOutcome = { ok: true; report: ParsedReport } | { ok: false; message: Message };

export async function runReport(period: { transactionPeriodId: string; terminalId: string | null }, reportId: string, wait = { intervalMs: 3000, maxWaitMs: 30_000 }): Promise<ReportOutcome> {
  try {
    const report = await getSeqrClient().executeReportWhenReady(
      { reportId, language: 'en', transactionPeriodId: period.transactionPeriodId, terminalId: TERMINAL_REPORT.test(reportId) ? (period.terminalId ?? undefined) : undefined },
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

export type { Difference, Match };

/** SEQR's transaction details for the period (STD_RECON_003) against the shop's own transactions. */
export async function reconcilePeriod(period: TransactionPeriod): Promise<({ ok: true } & Reconciliation) | { ok: false; message: Message }> {
  const details = await runReport(period, DETAILS_REPORT);
  if (!details.ok) return details;
  return { ok: true, ...(await reconcile(getDb(), period, details.report, getConfig().seqr.terminalId)) };
}

/** Report columns that hold amounts (SEQR writes them as "3255.50000"). */
const MONEY_COLUMNS = new Set(['SalesTotal', 'SalesAmount']);

export type ReportTable = {
  meta: { label: string; value: string }[];
  columns: { label: string; numeric: boolean }[];
  rows: string[][];
};

/** "2026-12-01 22:05" (SEQR's report time, UTC) -> the same instant in the shop's time zone. */
function reportTimeToLocal(text: string, locale: Locale, timeZone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!match) return text;
  const at = new Date(`${match[1]}T${match[2]}:00Z`);
  if (Number.isNaN(at.getTime())) return text;
  return new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(at);
}

/**
 * A SEQR report as the back office shows it: labelled columns in the reader's language, amounts as
 * money ("3 255,50 kr"), the generation time in the shop's time zone. Unknown columns keep SEQR's name.
 */
export function reportTable(report: ParsedReport, locale: Locale, timeZone: string): ReportTable {
  const t = translator(locale);
  const label = (prefix: string, name: string) => (`${prefix}${name}` in en ? t(`${prefix}${name}` as MessageKey) : name);
  const cell = (column: string, value: string | undefined) => {
    if (value === undefined) return '';
    if (!MONEY_COLUMNS.has(column)) return value;
    try {
      return formatMoney(decimalStringToOre(value), moneyLocale(locale));
    } catch {
      return value;
    }
  };
  return {
    meta: Object.entries(report.meta).map(([key, value]) => ({ label: label('admin.report.meta.', key), value: key === 'GeneratedAt' ? reportTimeToLocal(value, locale, timeZone) : value })),
    columns: report.columns.map((c) => ({ label: label('admin.report.col.', c), numeric: MONEY_COLUMNS.has(c) || c === 'SalesCount' })),
    rows: report.rows.map((row) => report.columns.map((c) => cell(c, row[c]))),
  };
}
