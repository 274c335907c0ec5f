// Reconciliation (PROTOCOL.md §6.9): SEQR's transaction details for a period (STD_RECON_003) against
// the shop's own payments and refunds of the same window. Refunds count as negative on both sides.
// Used by the day close (recorded) and the back office's period page (read live).
import type { PrismaClient, TransactionPeriod } from '../generated/prisma/client';
import { decimalStringToOre } from '../money';
import { orderNumberLabel } from '../orders';
import type { ParsedReport } from '../seqr/reports';

export const DETAILS_REPORT = 'Reconciliation/STD_RECON_003.xml';

export type Difference = {
  kind: 'missing-in-shop' | 'missing-at-seqr' | 'amount-mismatch';
  ersReference: string;
  seqrOre?: number;
  shopOre?: number;
  order?: string;
  orderId?: string;
};

/** A transaction SEQR and the shop agree on (for the back office's list; not stored). */
export type Match = { ersReference: string; seqrOre: number; shopOre: number; order: string; orderId: string };

export type Reconciliation = { differences: Difference[]; matches: Match[]; seqrCount: number; shopCount: number };

type Window = Pick<TransactionPeriod, 'startedAt' | 'closedAt'>;

function oreOrNull(text: string | undefined): number | null {
  if (!text) return null;
  try {
    return decimalStringToOre(text);
  } catch {
    return null;
  }
}

/**
 * Compares SEQR's detail rows with the shop's transactions of the period's window. A shop period's
 * report lists every terminal of the merchant; only this shop's terminal is ours to compare.
 */
export async function reconcile(db: PrismaClient, period: Window, details: ParsedReport, terminalId: string): Promise<Reconciliation> {
  const seqr = new Map<string, number | null>();
  for (const row of details.rows) {
    if (!row.ErsReference) continue;
    if (row.TerminalId !== undefined && row.TerminalId !== terminalId) continue;
    seqr.set(row.ErsReference, oreOrNull(row.SalesAmount));
  }

  const window = { ...(period.startedAt ? { gt: period.startedAt } : {}), lte: period.closedAt };
  const [payments, refunds] = await Promise.all([
    db.paymentAttempt.findMany({ where: { status: 'PAID', paidAt: window }, select: { ersReference: true, amountOre: true, order: { select: { id: true, number: true, paidOre: true } } } }),
    db.refund.findMany({ where: { status: 'SUCCEEDED', updatedAt: window }, select: { ersReference: true, amountOre: true, order: { select: { id: true, number: true } } } }),
  ]);
  const shop = new Map<string, { ore: number; order: string; orderId: string }>();
  for (const p of payments) if (p.ersReference) shop.set(p.ersReference, { ore: p.order.paidOre || p.amountOre, order: orderNumberLabel(p.order.number), orderId: p.order.id });
  for (const r of refunds) if (r.ersReference) shop.set(r.ersReference, { ore: -r.amountOre, order: orderNumberLabel(r.order.number), orderId: r.order.id });

  const differences: Difference[] = [];
  const matches: Match[] = [];
  for (const [ersReference, seqrOre] of seqr) {
    const mine = shop.get(ersReference);
    if (!mine) differences.push({ kind: 'missing-in-shop', ersReference, seqrOre: seqrOre ?? undefined });
    else if (seqrOre === null || Math.abs(seqrOre) !== Math.abs(mine.ore)) differences.push({ kind: 'amount-mismatch', ersReference, seqrOre: seqrOre ?? undefined, shopOre: mine.ore, order: mine.order, orderId: mine.orderId });
    else matches.push({ ersReference, seqrOre, shopOre: mine.ore, order: mine.order, orderId: mine.orderId });
  }
  for (const [ersReference, mine] of shop) {
    if (!seqr.has(ersReference)) differences.push({ kind: 'missing-at-seqr', ersReference, shopOre: mine.ore, order: mine.order, orderId: mine.orderId });
  }
  return { differences, matches, seqrCount: seqr.size, shopCount: shop.size };
}
