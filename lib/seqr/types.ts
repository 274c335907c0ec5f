// What goes in and what comes out of the SEQR client, as zod schemas and the plain types they
// produce. Inputs are in öre; the XML side (decimal strings, nesting) is built in client.ts.
import { z } from 'zod';
import { decimalStringToOre } from '../money';

export const INVOICE_STATUSES = ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PAID', 'CANCELED', 'FAILED', 'EXPIRED'] as const;
export type KnownInvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Unknown statuses from newer or older servers are kept as text and treated as not final. */
export type InvoiceStatus = KnownInvoiceStatus | (string & { readonly __unknownStatus?: never });

const FINAL_STATUSES: ReadonlySet<string> = new Set(['PAID', 'CANCELED', 'FAILED', 'EXPIRED']);
export function isFinalStatus(status: InvoiceStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export const PAYMENT_MODES = ['IMMEDIATE_DEBIT', 'RESERVATION_DESIRED', 'RESERVATION_REQUIRED', 'RESERVATION_REQUIRED_PRELIMINARY_AMOUNT'] as const;
export const ACKNOWLEDGMENT_MODES = ['NO_ACKNOWLEDGMENT', 'OPTIONAL_ACKNOWLEDGMENT', 'REQUIRE_ACKNOWLEDGMENT'] as const;
export const RECEIPT_TYPES = ['PAYMENT_RECEIPT', 'WARRANTY', 'VOUCHER', 'OTHER'] as const;

// ---------- inputs ----------

const ore = z.number().int().safe();
const absoluteHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
/** backURL may also be an app's own scheme (myshopapp://order/42): SEQR's in-app guide, PROTOCOL.md §11. */
const absoluteUri = z.url({ protocol: /^[A-Za-z][A-Za-z0-9+.-]*$/, error: 'must be an absolute URI with a scheme (https://… or an app scheme such as myshopapp://…)' });
const text = (max: number) => z.string().trim().min(1).max(max);

export const InvoiceRowInputSchema = z.object({
  description: text(200),
  /** Whole units or a decimal quantity (kg); SEQR's itemQuantity is xs:decimal. */
  quantity: z.number().positive().refine((q) => Number.isInteger(q * 1000), 'at most 3 decimals'),
  totalOre: ore,
  unitPriceOre: ore.optional(),
  discountOre: ore.nonnegative().optional(),
  /** VAT rate in basis points (2500 = 25 %); sent as a percentage. */
  taxRateBp: z.number().int().min(0).max(10000).optional(),
  sku: text(64).optional(),
  ean: text(32).optional(),
  unit: z.string().max(16).optional(),
});
export type InvoiceRowInput = z.input<typeof InvoiceRowInputSchema>;

export const InvoiceInputSchema = z.object({
  title: text(120),
  totalOre: ore.positive(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('SEK'),
  rows: z.array(InvoiceRowInputSchema).max(500).default([]),
  clientInvoiceId: text(64).optional(),
  issueDate: z.date().optional(),
  cashierId: text(64).optional(),
  footer: text(200).optional(),
  backUrl: absoluteUri.optional(),
  notificationUrl: absoluteHttpUrl.optional(),
  paymentMode: z.enum(PAYMENT_MODES).default('IMMEDIATE_DEBIT'),
  /** NO_ACKNOWLEDGMENT unless you implement loyalty: without it the app waits forever (pitfall 1). */
  acknowledgmentMode: z.enum(ACKNOWLEDGMENT_MODES).default('NO_ACKNOWLEDGMENT'),
  commitReservationTimeoutS: z.number().int().positive().optional(),
});
export type InvoiceInput = z.input<typeof InvoiceInputSchema>;
export type Invoice = z.output<typeof InvoiceInputSchema>;

/** A refund is described by an invoice whose total is the amount given back (PROTOCOL.md §2.7). */
export const RefundInputSchema = InvoiceInputSchema.pick({ title: true, totalOre: true, currency: true, rows: true, clientInvoiceId: true, cashierId: true });
export type RefundInput = z.input<typeof RefundInputSchema>;

export const ReceiptDocumentInputSchema = z.object({
  mimeType: z.string().min(1).max(100).default('text/html'),
  /** The document itself; the client base64-encodes it for the wire. */
  data: z.union([z.string(), z.instanceof(Buffer)]),
  receiptType: z.enum(RECEIPT_TYPES).default('PAYMENT_RECEIPT'),
});
export type ReceiptDocumentInput = z.input<typeof ReceiptDocumentInputSchema>;

export const ReportInputSchema = z.object({
  reportId: z.string().min(1).max(200),
  language: z.string().min(2).max(8).optional(),
  transactionPeriodId: z.string().min(1).optional(),
  terminalId: z.string().min(1).optional(),
});
export type ReportInput = z.input<typeof ReportInputSchema>;

// ---------- responses (node-soap gives strings, numbers or nested objects; a single repeated element arrives as an object) ----------

const maybeList = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]), z.array(item));

const optionalString = z.preprocess((value) => (value === null || value === '' ? undefined : value), z.coerce.string().optional());
const intFromXml = z.coerce.number().int();

const AmountSchema = z
  .object({ currency: z.string(), value: z.union([z.string(), z.number()]) })
  .transform((amount, ctx) => {
    try {
      return { currency: amount.currency, ore: decimalStringToOre(String(amount.value)) };
    } catch {
      ctx.addIssue({ code: 'custom', message: `amount "${amount.value}" is not a decimal with at most two decimals` });
      return z.NEVER;
    }
  });

export const BaseResponseSchema = z.object({
  ersReference: optionalString,
  resultCode: intFromXml,
  resultDescription: optionalString,
});

export const SendInvoiceResponseSchema = BaseResponseSchema.extend({
  invoiceQRCode: z.string().min(1),
  invoiceReference: z.coerce.string().min(1),
});

const ReceiptSchema = z.object({
  terminalId: optionalString,
  paymentDate: z.preprocess((v) => (v instanceof Date || typeof v === 'string' ? new Date(v) : undefined), z.date().optional()),
  clientInvoiceId: optionalString,
  invoiceReference: optionalString,
  paymentReference: optionalString,
  payerTerminalId: optionalString,
  receiverName: optionalString,
  invoice: z
    .object({ title: optionalString, clientInvoiceId: optionalString, totalAmount: AmountSchema.optional() })
    .passthrough()
    .optional(),
});
export type PaymentReceipt = z.output<typeof ReceiptSchema>;

const CustomerTokenSchema = z.object({
  description: optionalString,
  id: optionalString,
  status: intFromXml,
  value: optionalString,
});
export type CustomerToken = z.output<typeof CustomerTokenSchema>;

export const PaymentStatusResponseSchema = BaseResponseSchema.extend({
  status: z.string().min(1),
  receipt: ReceiptSchema.optional(),
  customerTokens: z
    .preprocess((v) => (v === '' || v === null ? undefined : v), z.object({ token: maybeList(CustomerTokenSchema) }).optional())
    .transform((wrapper) => wrapper?.token ?? []),
  version: intFromXml,
}).superRefine((response, ctx) => {
  if (response.status === 'PAID' && !response.ersReference && !response.receipt?.paymentReference) {
    ctx.addIssue({ code: 'custom', message: 'a PAID status must carry the payment reference' });
  }
});

export const RegisterTerminalResponseSchema = BaseResponseSchema.extend({ terminalId: z.coerce.string().min(1) });
/**
 * The WSDL names the period `transactionPeriodId`; SEQR's reporting guide returns it as
 * `ersReference` (PROTOCOL.md §11). Either is the period; one of them must be there.
 */
export const MarkTransactionPeriodResponseSchema = BaseResponseSchema.extend({ transactionPeriodId: optionalString })
  .refine((response) => response.resultCode !== 0 || Boolean(response.transactionPeriodId ?? response.ersReference), {
    message: 'a successful markTransactionPeriod answer carries the period as transactionPeriodId or ersReference',
  })
  .transform((response) => ({ ...response, transactionPeriodId: response.transactionPeriodId ?? response.ersReference ?? '' }));
export const ExecuteReportResponseSchema = BaseResponseSchema.extend({
  report: z.object({
    title: optionalString,
    mimeType: optionalString,
    content: optionalString,
    contentString: optionalString,
  }),
});

// ---------- what the client returns ----------

export type SentInvoice = { invoiceReference: string; invoiceQRCode: string };

export type PaymentStatus = {
  status: InvoiceStatus;
  version: number;
  /** The payment reference: set when PAID (same value as receipt.paymentReference). */
  ersReference?: string;
  receipt?: PaymentReceipt;
  customerTokens: CustomerToken[];
};

export type Report = { title?: string; mimeType?: string; content: Buffer; contentString: string };
