// Two kinds of failure, kept apart because callers must react differently:
// SeqrResultError — SEQR answered, with a non-zero result code (a business answer);
// SeqrTransportError — no usable answer at all (refused, timeout, HTTP 5xx, SOAP Fault, bad XML).
// After a transport error on a write (sendInvoice, refundPayment) the outcome is UNKNOWN.
// Next bundles lib/seqr more than once per process (instrumentation, route handlers, pages), so an
// error made by one copy is not an instance of another copy's class. Errors carry a brand that
// survives that (a registered symbol), and callers recognise them with the guards below, never
// with instanceof.
import { describeResultCode } from './result-codes';

const BRAND = Symbol.for('seqr-shop.seqr-error');
type Brand = 'result' | 'transport';

export type SeqrOperation =
  | 'sendInvoice'
  | 'updateInvoice'
  | 'getPaymentStatus'
  | 'cancelInvoice'
  | 'commitReservation'
  | 'submitPaymentReceipt'
  | 'refundPayment'
  | 'registerTerminal'
  | 'unregisterTerminal'
  | 'assignSeqrId'
  | 'markTransactionPeriod'
  | 'executeReport';

export class SeqrResultError extends Error {
  override readonly name = 'SeqrResultError';
  readonly [BRAND]: Brand = 'result';
  readonly resultName: string;
  readonly sentence: string;
  readonly retryable: boolean;
  readonly configuration: boolean;

  constructor(
    readonly operation: SeqrOperation,
    readonly code: number,
    readonly resultDescription?: string,
  ) {
    const info = describeResultCode(code);
    super(`SEQR ${operation} failed with ${code} ${info.name}: ${info.sentence}`);
    this.resultName = info.name;
    this.sentence = info.sentence;
    this.retryable = info.retryable === true;
    this.configuration = info.configuration === true;
  }
}

export type TransportFailure = 'refused' | 'timeout' | 'http-status' | 'soap-fault' | 'unparsable' | 'invalid-response' | 'too-large' | 'network';

const FAILURE_SENTENCES: Record<TransportFailure, string> = {
  refused: 'SEQR could not be reached (connection refused).',
  timeout: 'SEQR did not answer in time.',
  'http-status': 'SEQR answered with an HTTP error.',
  'soap-fault': 'SEQR answered with a SOAP fault.',
  unparsable: 'SEQR sent an answer that is not valid XML.',
  'invalid-response': 'SEQR sent an answer that does not match its API.',
  'too-large': 'SEQR sent an answer larger than the shop accepts.',
  network: 'The connection to SEQR failed.',
};

export class SeqrTransportError extends Error {
  override readonly name = 'SeqrTransportError';
  readonly [BRAND]: Brand = 'transport';
  readonly sentence: string;

  constructor(
    readonly operation: SeqrOperation,
    readonly failure: TransportFailure,
    readonly detail: string,
    options?: { cause?: unknown; httpStatus?: number },
  ) {
    super(`SEQR ${operation}: ${FAILURE_SENTENCES[failure]} ${detail}`.trim(), { cause: options?.cause });
    this.sentence = FAILURE_SENTENCES[failure];
    this.httpStatus = options?.httpStatus;
  }

  readonly httpStatus: number | undefined;
}

function brandOf(error: unknown): Brand | undefined {
  return typeof error === 'object' && error !== null ? (error as { [BRAND]?: Brand })[BRAND] : undefined;
}

/** SEQR answered with a non-zero result code (from any copy of this module). */
export function isSeqrResultError(error: unknown): error is SeqrResultError {
  return brandOf(error) === 'result';
}

/** SEQR gave no usable answer (from any copy of this module). */
export function isSeqrTransportError(error: unknown): error is SeqrTransportError {
  return brandOf(error) === 'transport';
}

export function isSeqrError(error: unknown): error is SeqrResultError | SeqrTransportError {
  return brandOf(error) !== undefined;
}
