// The request side of SEQR's wire format, shared by the client and the simulation's fake SEQR (so
// both build exactly the same requests): inputs checked with zod, öre as SEQR's decimal strings, and
// elements in SEQR's order.
import { z } from 'zod';
import { oreToDecimalString } from '../money';
import type { Invoice, InvoiceInputSchema } from './types';

export class SeqrInputError extends Error {
  override readonly name = 'SeqrInputError';
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeqrInputError(`The ${what} is not valid: ${issue?.path.join('.') || 'value'} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Drop undefined so node-soap emits no empty elements (SEQR omits nulls, PROTOCOL.md §1.2). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export const amount = (ore: number, currency: string) => ({ currency, value: oreToDecimalString(ore) });

/** 2500 bp -> "25", 1250 -> "12.5": itemTaxRate is a percentage (pitfall 11). */
export function percentFromBasisPoints(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

// Element order below is SEQR's wire order (PROTOCOL.md §3).
export function invoiceRowXml(row: z.output<typeof InvoiceInputSchema>['rows'][number], currency: string) {
  return compact({
    itemDescription: row.description,
    itemDiscount: row.discountOre === undefined ? undefined : amount(row.discountOre, currency),
    itemEAN: row.ean,
    itemQuantity: String(row.quantity),
    itemSKU: row.sku,
    itemTaxRate: row.taxRateBp === undefined ? undefined : percentFromBasisPoints(row.taxRateBp),
    itemTotalAmount: amount(row.totalOre, currency),
    itemUnit: row.unit,
    itemUnitPrice: row.unitPriceOre === undefined ? undefined : amount(row.unitPriceOre, currency),
  });
}

export function invoiceXml(invoice: Partial<Invoice> & Pick<Invoice, 'title' | 'totalOre' | 'currency' | 'rows'>) {
  return compact({
    paymentMode: invoice.paymentMode,
    acknowledgmentMode: invoice.acknowledgmentMode,
    issueDate: invoice.issueDate?.toISOString(),
    title: invoice.title,
    clientInvoiceId: invoice.clientInvoiceId,
    invoiceRows: invoice.rows.length > 0 ? { invoiceRow: invoice.rows.map((row) => invoiceRowXml(row, invoice.currency)) } : undefined,
    totalAmount: amount(invoice.totalOre, invoice.currency),
    cashierId: invoice.cashierId,
    footer: invoice.footer,
    backURL: invoice.backUrl,
    notificationUrl: invoice.notificationUrl,
    commitReservationTimeout: invoice.commitReservationTimeoutS,
  });
}

export function requireText(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SeqrInputError(`The ${what} is missing.`);
  return value.trim();
}

export function parameterMap(entries: Record<string, string | undefined>) {
  return { parameter: { entry: Object.entries(entries).filter(([, v]) => v !== undefined).map(([key, value]) => ({ key, value })) } };
}

