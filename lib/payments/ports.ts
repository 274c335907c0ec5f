// What the payment core needs from the outside world, passed in rather than looked up: its
// database, the SEQR client, a clock, ids, settings and (only when the endpoint can answer it) an
// invoice lookup. The production wiring (wiring.ts) builds one of these per process; tests and the
// deterministic simulation (tests/simulation) build their own with fakes or the sandbox's pure model.
import type { ChangeFeed } from '../db/change-feed';
import type { PrismaClient } from '../generated/prisma/client';
import type { SeqrClient } from '../seqr';
import type { DayCloseSchedule } from './day-close';

/** The SEQR operations the payment core uses, with the client's types and branded errors. */
export type SeqrPort = Pick<
  SeqrClient,
  'sendInvoice' | 'getPaymentStatus' | 'cancelInvoice' | 'updateInvoice' | 'submitPaymentReceipt' | 'refundPayment' | 'markTransactionPeriod' | 'executeReport'
>;

export type Clock = {
  now(): Date;
  /** Wait; the simulation's clock resolves these in simulated time. */
  sleep(ms: number): Promise<void>;
};

/** An invoice as a lookup by clientInvoiceId sees it (the shop lost its reference). */
export type FoundInvoice = {
  invoiceReference: string;
  status: string;
  clientInvoiceId: string | null;
  notificationUrl: string | null;
  /** How many receipts SEQR stored for this invoice's payment, when the lookup knows it. */
  receiptCount?: number;
};

/**
 * SEQR's SOAP API cannot find an invoice by the shop's own id. The local sandbox can (its control
 * API); a real endpoint cannot, and then the core runs without this port.
 */
export type InvoiceLookup = {
  findByClientInvoiceId(clientInvoiceId: string): Promise<FoundInvoice[]>;
};

export type PaymentSettings = {
  /** The shop's public address, for backURL and notificationUrl. */
  publicBaseUrl: string;
  /** Shop-side lifetime of an unpaid invoice. */
  ttlMs: number;
  /** The SEQR client's total deadline per call: an unknown outcome is settled after it. */
  seqrTimeoutMs: number;
  /** An order whose last attempt ended unpaid and saw nothing for this long becomes ABANDONED. */
  abandonAfterMs: number;
  /** Terminal id, sent with markTransactionPeriod so terminal reports work. */
  terminalId: string;
  /** When the automatic day close runs (DAY_CLOSE_AT in the shop's time zone); none when unset. */
  dayClose?: DayCloseSchedule;
};

export type IdSource = {
  uuid(): string;
  /** A random url-safe token of `bytes` random bytes. */
  token(bytes: number): string;
};

export type PaymentPorts = {
  db: PrismaClient;
  seqr: SeqrPort;
  clock: Clock;
  ids: IdSource;
  settings: PaymentSettings;
  invoiceLookup?: InvoiceLookup;
  /**
   * The database's change feed: with it, the pay page's state is kept in memory and streams are
   * woken by commits; without it (tests, the simulation) every read goes to the database.
   */
  changes?: ChangeFeed;
  /**
   * Told when a payment was confirmed or accepted, or a refund succeeded: the e-mails derived from
   * that state can go out at once (production: the mail loop is kicked). Never awaited, never fails.
   */
  onSettled?: (what: 'paid' | 'refunded') => void;
  /** Where the core writes its operational log lines (console in production). */
  log?: (line: string) => void;
};
