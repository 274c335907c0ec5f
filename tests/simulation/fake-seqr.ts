// The fake SEQR of the simulation: the SeqrPort the payment core expects, in-process, over the
// sandbox's pure model. Requests are built the way lib/seqr/client.ts builds them, answered by the
// same handlers as the sandbox's SOAP server (sandbox/soap-service.ts answerOperation), parsed with
// the client's zod schemas (lib/seqr/types.ts) and failed with the client's own errors.
//
// Each call gets a fault plan from the seeded fault stream: a normal answer, a refusal code that
// SEQR really gives for that operation and that changes nothing at SEQR (busy codes and the like,
// injected before the model sees the request, so a refused getPaymentStatus never confirms a
// payment), the request lost (not applied; 'timeout' at the deadline), the answer lost or garbled
// (applied; 'timeout' or 'invalid-response'), a slow request or answer (applied when it arrives;
// an answer later than the deadline becomes 'timeout' at the deadline), and the shop process
// crashing just before the call leaves or just after SEQR applied it. Scheduled outages make every
// call fail (refused, black hole, or 94).
import { decimalStringToOre } from '../../lib/money';
import type { FoundInvoice, InvoiceLookup, SeqrPort } from '../../lib/payments/ports';
import type { CallOptions, SeqrCallRecord } from '../../lib/seqr/client';
import { compact, invoiceXml, parameterMap, parseInput, requireText } from '../../lib/seqr/wire';
import { SeqrResultError, SeqrTransportError, type SeqrOperation, type TransportFailure } from '../../lib/seqr/errors';
import { describeResultCode } from '../../lib/seqr/result-codes';
import {
  BaseResponseSchema,
  ExecuteReportResponseSchema,
  InvoiceInputSchema,
  MarkTransactionPeriodResponseSchema,
  PaymentStatusResponseSchema,
  ReceiptDocumentInputSchema,
  RefundInputSchema,
  ReportInputSchema,
  SendInvoiceResponseSchema,
  type PaymentStatus,
  type Report,
} from '../../lib/seqr/types';
import { resultName, type Operation } from '../../sandbox/codes';
import type { Invoice as ModelInvoice, SandboxModel } from '../../sandbox/model';
import { answerOperation, type Out } from '../../sandbox/soap-service';
import type { z } from 'zod';
import { isSimulatedCrash, type Epoch } from './epoch';
import type { Prng } from './prng';
import type { Scheduler } from './scheduler';

export const TERMINAL = { id: 'demo-webshop', password: 'demo-password' } as const;
export const RESELLER = { id: 'demo-reseller', userId: '9900', password: 'demo-reseller-password' } as const;

export type OutageMode = 'refused' | 'blackhole' | 'busy';
export type Outage = { from: number; to: number; mode: OutageMode };

export type FaultWeather = {
  /** Probability that a call gets some fault at all. */
  faultRate: number;
  /** A higher (or lower) rate for some operations ('lookup' for the invoice lookup). */
  perOperation?: Record<string, number>;
  /** Among faults: relative weights. */
  refuse: number;
  requestLost: number;
  answerLost: number;
  garbled: number;
  slow: number;
};

type PlanKind = 'ok' | 'refuse' | 'request-lost' | 'answer-lost' | 'garbled' | 'slow' | 'outage-refused' | 'outage-blackhole' | 'outage-busy';
type Plan = { kind: PlanKind; code?: number; requestMs: number; answerMs: number };

/** Codes SEQR really gives for each operation that change nothing at SEQR (injected before the model). */
const NEUTRAL_REFUSALS: Record<string, number[]> = {
  sendInvoice: [90, 93, 94, 49, 64],
  getPaymentStatus: [90, 93, 94],
  cancelInvoice: [90, 93, 94, 48],
  updateInvoice: [90, 93, 94, 48],
  submitPaymentReceipt: [90, 93, 94],
  refundPayment: [90, 93, 94, 97, 99, 48],
  markTransactionPeriod: [90, 93, 94],
  executeReport: [90, 93, 94, 2],
  lookup: [],
};

export type SeqrCallInfo = {
  id: number;
  epoch: number;
  operation: SeqrOperation | 'lookup';
  plan: PlanKind;
  code?: number;
  /** The request reached SEQR's model and was applied. */
  applied: boolean;
  reference?: string;
  /** What the shop process saw: an answer (0 or a result code), no usable answer, or nothing (it died first). */
  outcome?: 'answer' | 'transport';
  failure?: TransportFailure;
};

// Requests are built with the client's own wire helpers (lib/seqr/wire.ts).

// ---------------------------------------------------------------------------------------------

export type FakeSeqrOptions = {
  sched: Scheduler;
  model: SandboxModel;
  /** The fault plan's stream. */
  faults: Prng;
  /** clientReference suffixes. */
  refs: Prng;
  weather: FaultWeather;
  outages: Outage[];
  /** The SEQR client's total deadline per call (settings.seqrTimeoutMs). */
  timeoutMs: number;
  /** Final unpaid invoices older than this are forgotten (54), like an archive purge; undefined: never. */
  purgeFinalAfterMs?: number;
  onCall?(info: SeqrCallInfo): void;
  /** Told synchronously as a call starts, in the caller's async context (the runner checks who asks). */
  onRequest?(operation: SeqrOperation): void;
};

export class FakeSeqr {
  /** Faults can be switched off for the quiet period at the end of a schedule. */
  faultsOn = true;
  calls = 0;
  readonly log: SeqrCallInfo[] = [];

  constructor(private readonly o: FakeSeqrOptions) {}

  private outageAt(at: number): Outage | undefined {
    if (!this.faultsOn) return undefined;
    return this.o.outages.find((o) => at >= o.from && at < o.to);
  }

  /** SEQR is unreachable by schedule at this instant. */
  unreachableAt(at: number): boolean {
    return this.outageAt(at) !== undefined;
  }

  private latency(): number {
    const f = this.o.faults;
    return f.chance(0.9) ? f.range(5, 120) : f.range(120, 900);
  }

  private plan(operation: string): Plan {
    const f = this.o.faults;
    const requestMs = this.latency();
    const answerMs = this.latency();
    const outage = this.outageAt(this.o.sched.now);
    if (outage) {
      if (outage.mode === 'refused') return { kind: 'outage-refused', requestMs: f.range(1, 20), answerMs: 0 };
      if (outage.mode === 'blackhole') return { kind: 'outage-blackhole', requestMs, answerMs };
      return { kind: 'outage-busy', code: 94, requestMs, answerMs };
    }
    const w = this.o.weather;
    if (!this.faultsOn || !f.chance(w.perOperation?.[operation] ?? w.faultRate)) return { kind: 'ok', requestMs, answerMs };
    const codes = NEUTRAL_REFUSALS[operation] ?? [];
    const kind = f.weighted<PlanKind>([
      ['refuse', codes.length > 0 ? w.refuse : 0],
      ['request-lost', w.requestLost],
      ['answer-lost', w.answerLost],
      ['garbled', w.garbled],
      ['slow', w.slow],
    ]);
    if (kind === 'refuse') return { kind, code: f.pick(codes), requestMs, answerMs };
    if (kind === 'slow') {
      // Late at SEQR or late back; sometimes past the deadline (then the answer is lost to the shop).
      const late = Math.round(this.o.timeoutMs * (0.3 + f.float() * 1.5));
      return f.chance(0.5) ? { kind, requestMs: late, answerMs } : { kind, requestMs, answerMs: late };
    }
    return { kind, requestMs, answerMs };
  }

  private purged(reference: string | undefined): boolean {
    if (this.o.purgeFinalAfterMs === undefined || !reference) return false;
    const invoice = this.o.model.find(reference);
    return (
      invoice !== undefined &&
      invoice.status !== 'PAID' &&
      invoice.finalAt !== undefined &&
      this.o.sched.now - invoice.finalAt >= this.o.purgeFinalAfterMs
    );
  }

  private context(principal: 'terminal' | 'reseller') {
    const clientReference = `seqr-shop 0.1 ${this.o.refs.bytes(6).toString('base64url')}`;
    return {
      clientReference,
      context: compact({
        channel: 'WS',
        clientId: 'Nordvik',
        clientReference,
        clientRequestTimeout: 0,
        initiatorPrincipalId: principal === 'reseller' ? { id: RESELLER.id, type: 'RESELLERUSER', userId: RESELLER.userId } : { id: TERMINAL.id, type: 'TERMINALID' },
        password: principal === 'reseller' ? RESELLER.password : TERMINAL.password,
      }),
    };
  }

  /** The answer SEQR's model gives (or the purge's 54), applied now. */
  private applyAtSeqr(operation: Operation, args: Record<string, unknown>, reference: string | undefined): Out {
    if ((operation === 'getPaymentStatus' || operation === 'cancelInvoice' || operation === 'updateInvoice') && this.purged(reference)) {
      return operation === 'getPaymentStatus' ? { resultCode: 54, resultDescription: resultName(54), version: 0 } : { resultCode: 54, resultDescription: resultName(54) };
    }
    return answerOperation(this.o.model, operation, args);
  }

  /**
   * One SOAP call of one shop process. `finish` turns the `<return>` of a successful call (code 0)
   * into what the client returns, or throws as the client does.
   */
  private call<T>(
    epoch: Epoch,
    operation: SeqrOperation,
    body: Record<string, unknown>,
    finish: (out: Out) => T,
    options: CallOptions & { principal?: 'terminal' | 'reseller'; reference?: string; summary?: string },
  ): Promise<T> {
    const sched = this.o.sched;
    this.o.onRequest?.(operation);
    const crash = epoch.gate(`seqr ${operation}`);
    const id = ++this.calls;
    const { context, clientReference } = this.context(options.principal ?? 'terminal');
    const args = { context, ...body };
    const plan = this.plan(operation);
    const info: SeqrCallInfo = { id, epoch: epoch.id, operation, plan: plan.kind, code: plan.code, applied: false, reference: options.reference };
    this.log.push(info);
    const tag = `[e${epoch.id}] seqr#${id} ${operation}${options.summary ? ` ${options.summary}` : ''}`;
    sched.trace(`${tag} plan=${plan.kind}${plan.code !== undefined ? `(${plan.code})` : ''} req=${plan.requestMs} ans=${plan.answerMs}${crash ? ` crash-${crash}` : ''}`);
    if (crash === 'before') {
      epoch.kill(`crash before ${operation} left`);
      return Promise.reject(epoch.crashError(`before ${operation}`));
    }
    const started = sched.now;
    const deadline = started + (options.timeoutMs ?? this.o.timeoutMs);
    const record = (extra: Partial<SeqrCallRecord>) => {
      if (!epoch.alive) return;
      try {
        options.onCall?.({ operation, clientReference, durationMs: sched.now - started, attempt: 1, ...extra });
      } catch (error) {
        if (!isSimulatedCrash(error)) throw error;
      }
    };
    return epoch.wait<T>((resolve, reject) => {
      let settled = false;
      const fail = (failure: TransportFailure, detail = '') => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        sched.trace(`${tag} → ${failure}`);
        if (epoch.alive) {
          info.outcome = 'transport';
          info.failure = failure;
        }
        record({ failure });
        reject(new SeqrTransportError(operation, failure, detail));
      };
      const timeout = sched.at(deadline, 'seqr deadline', () => fail('timeout'), { instance: epoch.instance });
      if (plan.kind === 'outage-refused') {
        sched.after(plan.requestMs, 'seqr refused', () => fail('refused'), { instance: epoch.instance });
        return;
      }
      if (plan.kind === 'request-lost' || plan.kind === 'outage-blackhole') return; // the deadline fails it
      sched.after(plan.requestMs, 'seqr arrives', () => {
        // At SEQR: an injected refusal changes nothing; otherwise the model applies the request.
        let out: Out;
        if (plan.code !== undefined) {
          out = operation === 'getPaymentStatus' ? { resultCode: plan.code, resultDescription: resultName(plan.code), version: 0 } : { resultCode: plan.code, resultDescription: resultName(plan.code) };
        } else {
          out = this.applyAtSeqr(operation, args, options.reference);
          info.applied = true;
        }
        const code = typeof out.resultCode === 'number' ? out.resultCode : Number(out.resultCode);
        info.code = code;
        sched.trace(`${tag} at SEQR → ${code}${info.applied ? '' : ' (not applied)'}${describeOut(operation, out)}`);
        this.o.onCall?.(info);
        if (crash === 'after') epoch.kill(`crash after SEQR applied ${operation}`);
        if (plan.kind === 'answer-lost') {
          // The connection breaks after SEQR applied the request: at once, or silence until the deadline.
          if (plan.answerMs % 2 === 0) sched.after(plan.answerMs, 'seqr reset', () => fail('network', 'socket hang up'), { instance: epoch.instance });
          return;
        }
        const answerAt = sched.now + plan.answerMs;
        if (answerAt >= deadline) return; // later than the client waits
        sched.at(
          answerAt,
          'seqr answer',
          () => {
            if (settled) return;
            if (plan.kind === 'garbled') return fail('invalid-response', 'The response has no result code.');
            settled = true;
            timeout.cancel();
            if (epoch.alive) info.outcome = 'answer';
            try {
              const base = BaseResponseSchema.safeParse(out);
              if (!base.success) throw new SeqrTransportError(operation, 'invalid-response', 'The response has no result code.');
              record({ resultCode: base.data.resultCode, resultName: describeResultCode(base.data.resultCode).name });
              if (base.data.resultCode !== 0) throw new SeqrResultError(operation, base.data.resultCode, base.data.resultDescription);
              const value = finish(out);
              sched.trace(`${tag} → ok`);
              resolve(value);
            } catch (error) {
              sched.trace(`${tag} → ${error instanceof SeqrResultError ? `code ${error.code}` : String(error)}`);
              reject(error);
            }
          },
          { instance: epoch.instance },
        );
      });
    });
  }

  /** The SeqrPort for one shop process. */
  port(epoch: Epoch): SeqrPort {
    const parse = <S extends z.ZodType>(operation: SeqrOperation, schema: S, out: Out): z.output<S> => {
      const parsed = schema.safeParse(out);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      throw new SeqrTransportError(operation, 'invalid-response', `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    };
    const port: SeqrPort = {
      sendInvoice: async (input, options = {}) => {
        const invoice = parseInput(InvoiceInputSchema, input, 'invoice');
        return this.call(
          epoch,
          'sendInvoice',
          { invoice: invoiceXml(invoice) },
          (out) => {
            const response = parse('sendInvoice', SendInvoiceResponseSchema, out);
            return { invoiceReference: response.invoiceReference, invoiceQRCode: response.invoiceQRCode };
          },
          { ...options, summary: `${invoice.clientInvoiceId ?? ''} ${invoice.totalOre}` },
        );
      },
      getPaymentStatus: async (invoiceReference, invoiceVersion = 0, options = {}) => {
        const reference = requireText(invoiceReference, 'invoice reference');
        return this.call(
          epoch,
          'getPaymentStatus',
          { invoiceReference: reference, invoiceVersion },
          (out) => {
            const response = parse('getPaymentStatus', PaymentStatusResponseSchema, out);
            return compact({
              status: response.status,
              version: response.version,
              ersReference: response.ersReference ?? response.receipt?.paymentReference,
              receipt: response.receipt,
              customerTokens: response.customerTokens,
            }) as PaymentStatus;
          },
          { ...options, reference, summary: reference },
        );
      },
      cancelInvoice: async (invoiceReference, options = {}) => {
        const reference = requireText(invoiceReference, 'invoice reference');
        return this.call(epoch, 'cancelInvoice', { invoiceReference: reference }, (out) => void parse('cancelInvoice', BaseResponseSchema, out), { ...options, reference, summary: reference });
      },
      updateInvoice: async (invoiceReference, input, options = {}) => {
        const invoice = parseInput(InvoiceInputSchema, input, 'invoice');
        const reference = requireText(invoiceReference, 'invoice reference');
        return this.call(
          epoch,
          'updateInvoice',
          { invoiceReference: reference, invoice: invoiceXml(invoice) },
          (out) => void parse('updateInvoice', BaseResponseSchema, out),
          { ...options, reference, summary: `${reference} ${invoice.totalOre}` },
        );
      },
      submitPaymentReceipt: async (ersReference, document, options = {}) => {
        const doc = parseInput(ReceiptDocumentInputSchema, document, 'receipt document');
        const data = typeof doc.data === 'string' ? Buffer.from(doc.data, 'utf8') : doc.data;
        const reference = requireText(ersReference, 'payment reference');
        return this.call(
          epoch,
          'submitPaymentReceipt',
          { ersReference: reference, receiptDocument: { mimeType: doc.mimeType, receiptData: data.toString('base64'), receiptType: doc.receiptType } },
          (out) => compact({ ersReference: parse('submitPaymentReceipt', BaseResponseSchema, out).ersReference }),
          { ...options, reference, summary: reference },
        );
      },
      refundPayment: async (paymentErsReference, refund, options = {}) => {
        const invoice = parseInput(RefundInputSchema, refund, 'refund');
        const reference = requireText(paymentErsReference, 'payment reference');
        return this.call(
          epoch,
          'refundPayment',
          { ersReference: reference, invoice: invoiceXml(invoice) },
          (out) => {
            const response = parse('refundPayment', BaseResponseSchema, out);
            if (!response.ersReference) throw new SeqrTransportError('refundPayment', 'invalid-response', 'ersReference missing');
            return { ersReference: response.ersReference };
          },
          { ...options, reference, summary: `${reference} ${invoice.totalOre}` },
        );
      },
      markTransactionPeriod: async (input = {}, options = {}) =>
        this.call(
          epoch,
          'markTransactionPeriod',
          compact({ parameters: input.terminalId ? parameterMap({ TERMINALID: input.terminalId }) : undefined }),
          (out) => ({ transactionPeriodId: parse('markTransactionPeriod', MarkTransactionPeriodResponseSchema, out).transactionPeriodId }),
          { ...options, principal: 'reseller' },
        ),
      executeReport: async (input, options = {}) => {
        const report = parseInput(ReportInputSchema, input, 'report request');
        return this.call(
          epoch,
          'executeReport',
          compact({
            reportId: report.reportId,
            language: report.language,
            parameters: parameterMap(compact({ transactionPeriodId: report.transactionPeriodId, TERMINALID: report.terminalId })),
          }),
          (out) => {
            const response = parse('executeReport', ExecuteReportResponseSchema, out);
            const content = response.report.content ? Buffer.from(response.report.content, 'base64') : Buffer.from(response.report.contentString ?? '', 'utf8');
            return compact({
              title: response.report.title,
              mimeType: response.report.mimeType,
              content,
              contentString: response.report.contentString ?? content.toString('utf8'),
            }) as Report;
          },
          { ...options, principal: 'reseller', summary: report.reportId },
        );
      },
    };
    return port;
  }

  /** The sandbox's invoice lookup by clientInvoiceId (its control API), for one shop process. */
  lookup(epoch: Epoch): InvoiceLookup {
    return {
      findByClientInvoiceId: async (clientInvoiceId: string) => {
        const sched = this.o.sched;
        const crash = epoch.gate('lookup');
        const id = ++this.calls;
        const plan = this.plan('lookup');
        const info: SeqrCallInfo = { id, epoch: epoch.id, operation: 'lookup', plan: plan.kind, applied: false };
        this.log.push(info);
        const tag = `[e${epoch.id}] seqr#${id} lookup ${clientInvoiceId}`;
        sched.trace(`${tag} plan=${plan.kind}${crash ? ` crash-${crash}` : ''}`);
        if (crash === 'before') {
          epoch.kill('crash before the lookup');
          return Promise.reject(epoch.crashError('before lookup'));
        }
        return epoch.wait<FoundInvoice[]>((resolve, reject) => {
          let settled = false;
          const fail = (why: string) => {
            if (settled) return;
            settled = true;
            timeout.cancel();
            sched.trace(`${tag} → ${why}`);
            reject(new Error(`Looking up invoice ${clientInvoiceId} failed: ${why}.`));
          };
          const timeout = sched.after(this.o.timeoutMs, 'lookup deadline', () => fail('timeout'), { instance: epoch.instance });
          if (plan.kind === 'outage-refused') {
            sched.after(plan.requestMs, 'lookup refused', () => fail('connection refused'), { instance: epoch.instance });
            return;
          }
          if (plan.kind === 'request-lost' || plan.kind === 'outage-blackhole' || plan.kind === 'answer-lost') return;
          sched.after(plan.requestMs, 'lookup arrives', () => {
            const found: FoundInvoice[] = this.o.model.state.invoices
              .filter((invoice) => invoice.terminalId === TERMINAL.id && invoice.body.clientInvoiceId === clientInvoiceId && !this.purged(invoice.invoiceReference))
              .map((invoice) => ({
                invoiceReference: invoice.invoiceReference,
                status: invoice.status,
                clientInvoiceId: invoice.body.clientInvoiceId ?? null,
                notificationUrl: invoice.body.notificationUrl ?? null,
                receiptCount: invoice.receipts.filter((r) => r.forKind === 'payment').length,
              }));
            info.applied = true;
            sched.trace(`${tag} at sandbox → ${found.map((f) => `${f.invoiceReference}:${f.status}:${f.receiptCount}`).join(',') || 'none'}`);
            if (crash === 'after') epoch.kill('crash after the lookup');
            const answerAt = sched.now + plan.answerMs;
            if (answerAt >= timeout.at) return;
            sched.at(
              answerAt,
              'lookup answer',
              () => {
                if (settled) return;
                if (plan.kind === 'garbled' || plan.kind === 'outage-busy') return fail(plan.kind === 'garbled' ? 'the sandbox answered something that is not an invoice list' : 'the sandbox answered HTTP 503');
                settled = true;
                timeout.cancel();
                sched.trace(`${tag} → ${found.length} found`);
                resolve(found);
              },
              { instance: epoch.instance },
            );
          });
        });
      },
    };
  }
}

function describeOut(operation: string, out: Out): string {
  if (operation === 'getPaymentStatus' && typeof out.status === 'string') {
    const receipt = out.receipt as Out | undefined;
    const invoice = receipt?.invoice as Out | undefined;
    const total = invoice?.totalAmount as Out | undefined;
    return ` ${out.status} v${String(out.version)}${total ? ` paid ${String(total.value)} ${String(total.currency)}` : ''}`;
  }
  if (operation === 'sendInvoice' && out.invoiceReference) return ` ref ${String(out.invoiceReference)}`;
  if ((operation === 'refundPayment' || operation === 'submitPaymentReceipt') && out.ersReference) return ` ${String(out.ersReference)}`;
  return '';
}

/** The payment SEQR holds for an invoice, in öre and currency (committed amount when set). */
export function modelPaid(invoice: ModelInvoice): { ore: number; currency: string } {
  const amount = invoice.committedAmount ?? invoice.body.totalAmount;
  return { ore: decimalStringToOre(amount?.value ?? '0'), currency: amount?.currency ?? 'SEK' };
}
