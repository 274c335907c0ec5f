// The shop's SEQR client: one typed function per merchant operation over the `soap` package.
// The WSDL (the same file the sandbox serves) is parsed once per process; every request carries
// clientId, a traceable clientReference and clientRequestTimeout=0 (certification P1/P2); every
// response is validated with zod; every call is logged with operation, result code and duration.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import soap from 'soap';
import { z } from 'zod';
import { isSeqrResultError, isSeqrTransportError, SeqrResultError, SeqrTransportError, type SeqrOperation, type TransportFailure } from './errors';
import { isResponseTooLarge, REPORT_RESPONSE_CAP_BYTES, RESPONSE_CAP_BYTES, startDeadline, wireOptions } from './http';
import { describeResultCode } from './result-codes';
import { amount, compact, invoiceXml, parameterMap, parseInput, requireText, SeqrInputError } from './wire';
import {
  BaseResponseSchema,
  ExecuteReportResponseSchema,
  InvoiceInputSchema,
  MarkTransactionPeriodResponseSchema,
  PaymentStatusResponseSchema,
  ReceiptDocumentInputSchema,
  RefundInputSchema,
  RegisterTerminalResponseSchema,
  ReportInputSchema,
  SendInvoiceResponseSchema,
  type InvoiceInput,
  type InvoiceRowInput,
  type PaymentStatus,
  type ReceiptDocumentInput,
  type RefundInput,
  type Report,
  type ReportInput,
  type SentInvoice,
} from './types';

export const WSDL_PATH = path.join(process.cwd(), 'lib', 'seqr', 'merchant.wsdl');
const CLIENT_NAME = 'seqr-shop 0.1';
const requiredString = z.string().min(1);

export type Credentials = { id: string; password: string };
/**
 * A reseller user logs in with `id` and `userId`, or (as SEQR's cash-register sample does) with the
 * combined id `resellerId/userId` and no userId (PROTOCOL.md §11).
 */
export type ResellerCredentials = { id: string; userId?: string; password: string };

/** One line of the SOAP call log; also handed to per-call observers (the order timeline). */
export type SeqrCallRecord = {
  operation: SeqrOperation;
  clientReference: string;
  durationMs: number;
  resultCode?: number;
  resultName?: string;
  failure?: TransportFailure;
  attempt: number;
};

export type SeqrClientOptions = {
  endpointUrl: string;
  terminal: Credentials;
  reseller?: ResellerCredentials;
  clientId: string;
  /** The total budget of one call, all its attempts together, from connect to the answer's last byte. */
  timeoutMs: number;
  /** Extra attempts for safe reads (getPaymentStatus, executeReport) after transport errors or 90/93/94. */
  readRetries?: number;
  retryDelayMs?: number;
  wsdlPath?: string;
  log?: (record: SeqrCallRecord) => void;
};

export type CallOptions = {
  /** Overrides SeqrClientOptions.timeoutMs for this call. */
  timeoutMs?: number;
  /** Stored with the request at SEQR (≤ 80 chars), e.g. the order number. */
  clientComment?: string;
  onCall?: (record: SeqrCallRecord) => void;
};

function classifyTransportError(error: unknown): { failure: TransportFailure; detail: string; httpStatus?: number } {
  const e = error as {
    code?: string;
    message?: string;
    response?: { status?: number };
    root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string } } } };
    body?: unknown;
  };
  const fault = e.root?.Envelope?.Body?.Fault;
  const status = e.response?.status;
  if (isResponseTooLarge(error)) return { failure: 'too-large', detail: '', httpStatus: status };
  if (fault) return { failure: 'soap-fault', detail: `${fault.faultcode ?? 'Fault'}: ${fault.faultstring ?? ''}`.trim(), httpStatus: status };
  if (e.code === 'ECONNREFUSED') return { failure: 'refused', detail: '' };
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) return { failure: 'timeout', detail: '' };
  if (status !== undefined && status >= 400) return { failure: 'http-status', detail: `HTTP ${status}.`, httpStatus: status };
  if (status !== undefined) return { failure: 'unparsable', detail: e.message ?? '', httpStatus: status };
  return { failure: 'network', detail: e.code ?? e.message ?? String(error) };
}

type SoapMethod = (args: unknown, options: Record<string, unknown>) => Promise<[Record<string, unknown> | null, ...unknown[]]>;

export type SeqrClient = ReturnType<typeof createSeqrClient>;

export function createSeqrClient(options: SeqrClientOptions) {
  const readRetries = options.readRetries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const log = options.log ?? defaultLog;
  let soapClient: Promise<soap.Client> | undefined;

  function getSoapClient(): Promise<soap.Client> {
    soapClient ??= soap
      .createClientAsync(options.wsdlPath ?? WSDL_PATH, { endpoint: options.endpointUrl, disableCache: false })
      .catch((error: unknown) => {
        soapClient = undefined; // a local file should always parse; if not, try again next call
        throw error;
      });
    return soapClient;
  }

  function context(principal: 'terminal' | 'reseller', clientReference: string, clientComment?: string) {
    const reseller = principal === 'reseller' ? options.reseller : undefined;
    return compact({
      channel: 'WS',
      clientComment: clientComment?.slice(0, 80),
      clientId: options.clientId,
      clientReference,
      clientRequestTimeout: 0,
      initiatorPrincipalId: reseller
        ? { id: reseller.id, type: 'RESELLERUSER', ...(reseller.userId !== undefined ? { userId: reseller.userId } : {}) }
        : { id: options.terminal.id, type: 'TERMINALID' },
      password: reseller ? reseller.password : options.terminal.password,
    });
  }

  // The budget covers the whole call, every attempt together: SEQR_TIMEOUT_MS is how long a caller
  // (checkout, a sweeper lane, a lease sized from it) may wait for SEQR, so a safe read is retried
  // only inside it. Retries help after fast failures (refused, 90/93/94, garbage) and never after a
  // timeout, which has spent the budget. A retry starts only if a quarter of the budget is left
  // after its back-off: a shorter attempt would rarely get the answer the earlier ones did not, and
  // the caller is better served by the error it already has.
  async function call<S extends z.ZodType>(
    operation: SeqrOperation,
    body: Record<string, unknown>,
    schema: S,
    callOptions: CallOptions & { principal?: 'terminal' | 'reseller'; safeRead?: boolean },
  ): Promise<z.output<S>> {
    const attempts = callOptions.safeRead ? 1 + readRetries : 1;
    const budgetMs = callOptions.timeoutMs ?? options.timeoutMs;
    const capBytes = operation === 'executeReport' ? REPORT_RESPONSE_CAP_BYTES : RESPONSE_CAP_BYTES;
    const deadline = startDeadline(budgetMs);
    try {
      for (let attempt = 1; ; attempt++) {
        // ≤ 32 characters, unique per request, so a call can be found in SEQR's logs.
        const clientReference = `${CLIENT_NAME} ${randomBytes(6).toString('base64url')}`;
        const started = performance.now();
        const finish = (extra: Partial<SeqrCallRecord>) => {
          const record: SeqrCallRecord = { operation, clientReference, durationMs: Math.round(performance.now() - started), attempt, ...extra };
          log(record);
          callOptions.onCall?.(record);
        };
        let outcome: { retry: boolean; error: Error };
        try {
          const client = await getSoapClient();
          const method = (client as unknown as Record<string, SoapMethod>)[`${operation}Async`];
          if (!method) throw new Error(`the WSDL has no operation ${operation}`);
          const args = { context: context(callOptions.principal ?? 'terminal', clientReference, callOptions.clientComment), ...body };
          const [result] = await method.call(client, args, wireOptions(deadline, capBytes));
          const returned = result?.return;
          const base = BaseResponseSchema.safeParse(returned);
          if (!base.success) {
            finish({ failure: 'invalid-response' });
            throw new SeqrTransportError(operation, 'invalid-response', 'The response has no result code.');
          }
          const { resultCode } = base.data;
          finish({ resultCode, resultName: describeResultCode(resultCode).name });
          if (resultCode !== 0) {
            const error = new SeqrResultError(operation, resultCode, base.data.resultDescription);
            outcome = { retry: error.retryable && resultCode !== 2, error };
          } else {
            const parsed = schema.safeParse(returned);
            if (parsed.success) return parsed.data;
            const issue = parsed.error.issues[0];
            throw new SeqrTransportError(operation, 'invalid-response', `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
          }
        } catch (error) {
          if (isSeqrTransportError(error)) {
            outcome = { retry: true, error };
          } else if (isSeqrResultError(error)) {
            throw error;
          } else {
            // Once our deadline fired, whatever axios reports (canceled, reset, a cut-off body) is a timeout.
            const { failure, detail, httpStatus } = deadline.expired() ? { failure: 'timeout' as const, detail: '', httpStatus: undefined } : classifyTransportError(error);
            finish({ failure });
            // An answer too large once will be too large again.
            outcome = { retry: failure !== 'too-large', error: new SeqrTransportError(operation, failure, detail, { cause: error, httpStatus }) };
          }
        }
        const backoffMs = retryDelayMs * attempt;
        if (!outcome.retry || attempt >= attempts || deadline.remainingMs() - backoffMs < budgetMs / 4) throw outcome.error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    } finally {
      deadline.dispose();
    }
  }

  return {
    /** Issue an invoice. Never retried: a retry after an unknown outcome could issue a second one. */
    async sendInvoice(input: InvoiceInput, callOptions: CallOptions = {}): Promise<SentInvoice> {
      const invoice = parseInput(InvoiceInputSchema, input, 'invoice');
      const response = await call('sendInvoice', { invoice: invoiceXml(invoice) }, SendInvoiceResponseSchema, callOptions);
      return { invoiceReference: response.invoiceReference, invoiceQRCode: response.invoiceQRCode };
    },

    /** Read (and, when PAID, confirm) an invoice's status. Safe to retry. */
    async getPaymentStatus(invoiceReference: string, invoiceVersion = 0, callOptions: CallOptions = {}): Promise<PaymentStatus> {
      const response = await call(
        'getPaymentStatus',
        { invoiceReference: requireText(invoiceReference, 'invoice reference'), invoiceVersion },
        PaymentStatusResponseSchema,
        { ...callOptions, safeRead: true },
      );
      return compact({
        status: response.status,
        version: response.version,
        ersReference: response.ersReference ?? response.receipt?.paymentReference,
        receipt: response.receipt,
        customerTokens: response.customerTokens,
      }) as PaymentStatus;
    },

    /** Cancel an unpaid invoice. 95/50/51/48 arrive as SeqrResultError for the caller to judge (§6.4). */
    async cancelInvoice(invoiceReference: string, callOptions: CallOptions = {}): Promise<void> {
      await call('cancelInvoice', { invoiceReference: requireText(invoiceReference, 'invoice reference') }, BaseResponseSchema, callOptions);
    },

    async updateInvoice(invoiceReference: string, input: InvoiceInput, callOptions: CallOptions = {}): Promise<void> {
      const invoice = parseInput(InvoiceInputSchema, input, 'invoice');
      await call('updateInvoice', { invoiceReference: requireText(invoiceReference, 'invoice reference'), invoice: invoiceXml(invoice) }, BaseResponseSchema, callOptions);
    },

    async commitReservation(invoiceReference: string, amountOre?: number, currency = 'SEK', callOptions: CallOptions = {}): Promise<void> {
      await call(
        'commitReservation',
        compact({ amount: amountOre === undefined ? undefined : amount(amountOre, currency), invoiceReference: requireText(invoiceReference, 'invoice reference') }),
        BaseResponseSchema,
        callOptions,
      );
    },

    /** Attach the shop's receipt to a payment (or refund). Returns SEQR's reference for the document. */
    async submitPaymentReceipt(ersReference: string, document: ReceiptDocumentInput, callOptions: CallOptions = {}): Promise<{ ersReference?: string }> {
      const doc = parseInput(ReceiptDocumentInputSchema, document, 'receipt document');
      const data = typeof doc.data === 'string' ? Buffer.from(doc.data, 'utf8') : doc.data;
      const response = await call(
        'submitPaymentReceipt',
        {
          ersReference: requireText(ersReference, 'payment reference'),
          receiptDocument: { mimeType: doc.mimeType, receiptData: data.toString('base64'), receiptType: doc.receiptType },
        },
        BaseResponseSchema,
        callOptions,
      );
      return compact({ ersReference: response.ersReference });
    },

    /** Refund part or all of a payment. Never retried (a retry could refund twice). */
    async refundPayment(paymentErsReference: string, refund: RefundInput, callOptions: CallOptions = {}): Promise<{ ersReference: string }> {
      const invoice = parseInput(RefundInputSchema, refund, 'refund');
      const response = await call(
        'refundPayment',
        { ersReference: requireText(paymentErsReference, 'payment reference'), invoice: invoiceXml(invoice) },
        BaseResponseSchema.extend({ ersReference: BaseResponseSchema.shape.ersReference.pipe(requiredString) }),
        callOptions,
      );
      return { ersReference: response.ersReference };
    },

    /** POS only: create a cash-register terminal (needs reseller credentials). */
    async registerTerminal(input: { externalTerminalId: string; password: string; name: string }, callOptions: CallOptions = {}): Promise<{ terminalId: string }> {
      const response = await call(
        'registerTerminal',
        { externalTerminalId: input.externalTerminalId, password: input.password, name: input.name },
        RegisterTerminalResponseSchema,
        { ...callOptions, principal: 'reseller' },
      );
      return { terminalId: response.terminalId };
    },

    /** POS only: deregister the terminal of these credentials. */
    async unregisterTerminal(callOptions: CallOptions = {}): Promise<void> {
      await call('unregisterTerminal', {}, BaseResponseSchema, callOptions);
    },

    /** POS only: bind a static sticker code to the terminal. */
    async assignSeqrId(seqrId: string, callOptions: CallOptions = {}): Promise<void> {
      await call('assignSeqrId', { seqrId: requireText(seqrId, 'SEQR id') }, BaseResponseSchema, callOptions);
    },

    /** Close the current reconciliation period (end of day). Pass terminalId for terminal reports. */
    async markTransactionPeriod(input: { terminalId?: string } = {}, callOptions: CallOptions = {}): Promise<{ transactionPeriodId: string }> {
      const response = await call(
        'markTransactionPeriod',
        compact({ parameters: input.terminalId ? parameterMap({ TERMINALID: input.terminalId }) : undefined }),
        MarkTransactionPeriodResponseSchema,
        { ...callOptions, principal: 'reseller' },
      );
      return { transactionPeriodId: response.transactionPeriodId };
    },

    /** Run a report once. Code 2 (REPORT_NOT_READY) arrives as SeqrResultError; see executeReportWhenReady. */
    async executeReport(input: ReportInput, callOptions: CallOptions = {}): Promise<Report> {
      const report = parseInput(ReportInputSchema, input, 'report request');
      const response = await call(
        'executeReport',
        compact({
          reportId: report.reportId,
          language: report.language,
          parameters: parameterMap(compact({ transactionPeriodId: report.transactionPeriodId, TERMINALID: report.terminalId })),
        }),
        ExecuteReportResponseSchema,
        { ...callOptions, principal: 'reseller', safeRead: true },
      );
      const content = response.report.content ? Buffer.from(response.report.content, 'base64') : Buffer.from(response.report.contentString ?? '', 'utf8');
      return compact({
        title: response.report.title,
        mimeType: response.report.mimeType,
        content,
        contentString: response.report.contentString ?? content.toString('utf8'),
      }) as Report;
    },

    /** executeReport, waiting out REPORT_NOT_READY (PROTOCOL.md §6.9: retry after ~3 s). */
    async executeReportWhenReady(input: ReportInput, wait: { intervalMs?: number; maxWaitMs?: number } = {}, callOptions: CallOptions = {}): Promise<Report> {
      const intervalMs = wait.intervalMs ?? 3000;
      const deadline = Date.now() + (wait.maxWaitMs ?? 60_000);
      for (;;) {
        try {
          return await this.executeReport(input, callOptions);
        } catch (error) {
          if (!(isSeqrResultError(error) && error.code === 2) || Date.now() + intervalMs > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      }
    },
  };
}

function defaultLog(record: SeqrCallRecord): void {
  const outcome = record.failure ? `failed (${record.failure})` : `${record.resultCode} ${record.resultName}`;
  console.log(`[seqr] ${record.operation} → ${outcome} in ${record.durationMs} ms (${record.clientReference}${record.attempt > 1 ? `, attempt ${record.attempt}` : ''})`);
}

export { SeqrInputError };
export type { InvoiceInput, InvoiceRowInput, RefundInput, ReceiptDocumentInput, ReportInput };
