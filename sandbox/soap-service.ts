// The node-soap service object: parses each operation's arguments with zod (tolerant of missing
// fields, any element order, single-vs-repeated elements), asks the model, and builds the
// `<return>` object in schema wire order (§3) with null fields omitted (no xsi:nil).
import { z } from 'zod';
import { resultName, type Operation } from './codes';
import { iso, type Amount, type Credentials, type Invoice, type InvoiceBody, type InvoiceRow, type SandboxModel, type Terminal } from './model';

// ---------------------------------------------------------------------------------------------
// Lenient input schemas. node-soap hands us plain objects; with our customDeserializer every
// leaf is a string, but be defensive about numbers, {$value} wrappers and empty elements.

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (isPlain(value) && '$value' in value) return toText(value.$value);
  if (Array.isArray(value)) return toText(value[0]);
  return undefined;
}

const text = z.preprocess(toText, z.string().optional());
/** Exact text (not trimmed) for passwords: a password with spaces must still match. */
const secret = z.preprocess((v) => (typeof v === 'string' ? v : toText(v)), z.string().optional());
const object = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.preprocess((v) => (isPlain(v) ? v : undefined), z.object(shape).optional()));
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(z.preprocess((v) => (isPlain(v) ? v : {}), item)));

const AmountSchema = object({ currency: text, value: text });
const RowSchema = z.object({
  itemDescription: text,
  itemDiscount: AmountSchema,
  itemEAN: text,
  itemQuantity: text,
  itemSKU: text,
  itemTaxRate: text,
  itemTotalAmount: AmountSchema,
  itemUnit: text,
  itemUnitPrice: AmountSchema,
});
const InvoiceSchema = object({
  paymentMode: text,
  acknowledgmentMode: text,
  issueDate: text,
  title: text,
  clientInvoiceId: text,
  invoiceRows: object({ invoiceRow: list(RowSchema) }),
  totalAmount: AmountSchema,
  cashierId: text,
  footer: text,
  backURL: text,
  notificationUrl: text,
  commitReservationTimeout: text,
});
const ContextSchema = object({
  channel: text,
  clientComment: text,
  clientId: text,
  clientReference: text,
  clientRequestTimeout: text,
  initiatorPrincipalId: object({ id: text, type: text, userId: text }),
  password: secret,
});
const ParametersSchema = object({ parameter: object({ entry: list(z.object({ key: text, value: text })) }) });

const ArgsSchema = z.preprocess(
  (v) => (isPlain(v) ? v : {}),
  z.object({
    context: ContextSchema,
    invoice: InvoiceSchema,
    tokens: list(z.object({ status: text })),
    invoiceReference: text,
    invoiceVersion: text,
    ersReference: text,
    amount: AmountSchema,
    receiptDocument: object({ mimeType: text, receiptData: text, receiptType: text }),
    externalTerminalId: text,
    password: secret,
    name: text,
    seqrId: text,
    reportId: text,
    language: text,
    parameters: ParametersSchema,
  }),
);
type Args = z.infer<typeof ArgsSchema>;

function invoiceBody(input: Args['invoice']): InvoiceBody | undefined {
  if (!input) return undefined;
  const { invoiceRows, ...rest } = input;
  return { ...rest, invoiceRows: (invoiceRows?.invoiceRow ?? []) as InvoiceRow[] };
}

function parameterMap(input: Args['parameters']): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of input?.parameter?.entry ?? []) if (entry.key && entry.value !== undefined) map[entry.key] = entry.value;
  return map;
}

// ---------------------------------------------------------------------------------------------
// Output builders, in wire order (§3). `compact` drops undefined so nothing is sent as nil.

export type Out = { [key: string]: Out | Out[] | string | number | undefined };

function compact(value: Out): Out {
  const result: Out = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (Array.isArray(child)) result[key] = child.map(compact);
    else if (typeof child === 'object') result[key] = compact(child);
    else result[key] = child;
  }
  return result;
}

const amountOut = (amount: Amount | undefined): Out | undefined =>
  amount ? { currency: amount.currency, value: amount.value } : undefined;

export function invoiceOut(body: InvoiceBody): Out {
  return {
    paymentMode: body.paymentMode,
    acknowledgmentMode: body.acknowledgmentMode,
    issueDate: body.issueDate,
    title: body.title,
    clientInvoiceId: body.clientInvoiceId,
    invoiceRows: body.invoiceRows.length
      ? {
          invoiceRow: body.invoiceRows.map((row) => ({
            itemDescription: row.itemDescription,
            itemDiscount: amountOut(row.itemDiscount),
            itemEAN: row.itemEAN,
            itemQuantity: row.itemQuantity,
            itemSKU: row.itemSKU,
            itemTaxRate: row.itemTaxRate,
            itemTotalAmount: amountOut(row.itemTotalAmount),
            itemUnit: row.itemUnit,
            itemUnitPrice: amountOut(row.itemUnitPrice),
          })),
        }
      : undefined,
    totalAmount: amountOut(body.totalAmount),
    cashierId: body.cashierId,
    footer: body.footer,
    backURL: body.backURL,
    notificationUrl: body.notificationUrl,
    commitReservationTimeout: body.commitReservationTimeout,
  };
}

function receiptOut(invoice: Invoice, terminal: Terminal): Out {
  const body = invoice.committedAmount ? { ...invoice.body, totalAmount: invoice.committedAmount } : invoice.body;
  return {
    terminalId: invoice.terminalId,
    paymentDate: iso(invoice.paidAt),
    clientInvoiceId: invoice.body.clientInvoiceId,
    invoiceReference: invoice.invoiceReference,
    paymentReference: invoice.ersReference,
    payerTerminalId: invoice.payerTerminalId,
    receiverName: terminal.name,
    invoice: invoiceOut(body),
  };
}

const base = (code: number, ersReference?: string): Out => ({ ersReference, resultCode: code, resultDescription: resultName(code) });

// ---------------------------------------------------------------------------------------------

export interface CallRecord {
  operation: Operation;
  principal?: string;
  resultCode?: number;
  /** The invoice/payment reference the call concerns, for the invoice's history. */
  reference?: string;
}

export interface ServiceHooks {
  model: SandboxModel;
  /** Injected result code for this operation, if the fault switch says so. */
  injectedCode(operation: Operation): number | undefined;
  /** Called after every operation (state may have changed). */
  afterCall(record: CallRecord): void;
}

type Handler = (args: Args, record: CallRecord) => Out;

function handlers(model: SandboxModel): Record<Operation, Handler> {
  return {
    sendInvoice(args, record) {
      const { code, invoice } = model.sendInvoice(credentials(args), invoiceBody(args.invoice), args.tokens.length);
      record.reference = invoice?.invoiceReference;
      return {
        ...base(code),
        invoiceQRCode: invoice ? `HTTP://SEQR.SE/R${invoice.invoiceReference}` : undefined,
        invoiceReference: invoice?.invoiceReference,
      };
    },
    updateInvoice(args, record) {
      record.reference = args.invoiceReference;
      return base(model.updateInvoice(credentials(args), args.invoiceReference, invoiceBody(args.invoice)).code);
    },
    getPaymentStatus(args, record) {
      record.reference = args.invoiceReference;
      const { code, invoice, terminal } = model.getPaymentStatus(credentials(args), args.invoiceReference);
      if (!invoice || !terminal) return { ...base(code), version: 0 };
      const paid = invoice.status === 'PAID';
      return {
        ...base(code, paid ? invoice.ersReference : undefined),
        status: invoice.status,
        receipt: paid ? receiptOut(invoice, terminal) : undefined,
        version: invoice.version,
      };
    },
    cancelInvoice(args, record) {
      record.reference = args.invoiceReference;
      return base(model.cancelInvoice(credentials(args), args.invoiceReference).code);
    },
    commitReservation(args, record) {
      record.reference = args.invoiceReference;
      return base(model.commitReservation(credentials(args), args.invoiceReference, args.amount).code);
    },
    submitPaymentReceipt(args, record) {
      record.reference = args.ersReference;
      const { code, receipt } = model.submitPaymentReceipt(credentials(args), args.ersReference, args.receiptDocument);
      return base(code, receipt?.ersReference);
    },
    refundPayment(args, record) {
      record.reference = args.ersReference;
      const { code, refund } = model.refundPayment(credentials(args), args.ersReference, invoiceBody(args.invoice));
      return base(code, refund?.ersReference);
    },
    registerTerminal(args) {
      const { code, terminalId } = model.registerTerminal(credentials(args), { externalTerminalId: args.externalTerminalId, password: args.password, name: args.name });
      return { ...base(code), terminalId };
    },
    unregisterTerminal(args) {
      return base(model.unregisterTerminal(credentials(args)).code);
    },
    assignSeqrId(args) {
      return base(model.assignSeqrId(credentials(args), args.seqrId).code);
    },
    markTransactionPeriod(args) {
      const { code, period } = model.markTransactionPeriod(credentials(args), parameterMap(args.parameters));
      return { ...base(code), transactionPeriodId: period?.transactionPeriodId };
    },
    executeReport(args) {
      const { code, report } = model.executeReport(credentials(args), args.reportId, parameterMap(args.parameters));
      return {
        ...base(code),
        report: report
          ? { title: report.title, mimeType: 'text/html', content: Buffer.from(report.contentString, 'utf8').toString('base64'), contentString: report.contentString }
          : undefined,
      };
    },
    // §11: benchmarkingNop's request has no fields, so there is nobody to authenticate: a no-op
    // that succeeds (§2.14 "always success").
    benchmarkingNop() {
      return base(0);
    },
    // The wallet operations: authenticated, then 91 (model.walletOperation says why).
    changePrincipalPassword: wallet,
    confirmCustomerRegistration: wallet,
    requestPrincipalInformation: wallet,
    requestPurchase: wallet,
    requestTopup: wallet,
    requestTransfer: wallet,
  };

  function wallet(args: Args): Out {
    return base(model.walletOperation(credentials(args)).code);
  }
}

function credentials(args: Args): Credentials | undefined {
  const context = args.context;
  if (!context) return undefined;
  return { ...context.initiatorPrincipalId, password: context.password };
}

/**
 * One operation against the model, as the SOAP server runs it but without its fault switches and
 * call log: the arguments parsed as the server parses them, the handler, the `<return>` object.
 * The deterministic simulation (tests/simulation) calls this in-process. Throws on a model bug.
 */
export function answerOperation(model: SandboxModel, operation: Operation, rawArgs: unknown, record: CallRecord = { operation }): Out {
  return compact(handlers(model)[operation](ArgsSchema.parse(rawArgs), record));
}

/** Builds the `<return>` for one call. Never throws: an internal error answers 90 SYSTEM_ERROR. */
export function runOperation(hooks: ServiceHooks, operation: Operation, rawArgs: unknown): { return: Out } {
  const record: CallRecord = { operation };
  let out: Out;
  try {
    const args = ArgsSchema.parse(rawArgs);
    const principal = args.context?.initiatorPrincipalId;
    record.principal = principal?.id ? `${principal.type ?? 'TERMINALID'} ${principal.id}` : '(none)';
    const injected = hooks.injectedCode(operation);
    if (injected !== undefined) {
      out = operation === 'getPaymentStatus' ? { ...base(injected), version: 0 } : base(injected);
    } else {
      out = handlers(hooks.model)[operation](args, record);
    }
  } catch (error) {
    console.error(`[sandbox] ${operation} failed inside the sandbox: ${(error as Error).stack ?? String(error)}`);
    out = operation === 'getPaymentStatus' ? { ...base(90), version: 0 } : base(90);
  }
  record.resultCode = typeof out.resultCode === 'number' ? out.resultCode : 90;
  hooks.afterCall(record);
  return { return: compact(out) };
}

/** The object soap.listen wants: service → port → operation. */
export function createSoapServices(hooks: ServiceHooks) {
  const port: Record<string, (args: unknown) => { return: Out }> = {};
  for (const operation of Object.keys(handlers(hooks.model)) as Operation[]) {
    port[operation] = (args: unknown) => runOperation(hooks, operation, args);
  }
  // Service and port names as in SEQR's published WSDL (§11); node-soap looks them up there.
  return { ERSWSExternalClientServiceService: { ERSWSExternalClientServicePort: port } };
}
