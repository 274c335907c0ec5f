// The sandbox's business rules: a pure state machine over a JSON-serialisable state object
// (PROTOCOL.md §6.10). No I/O here — the clock is injected, notifications go to an outbox that
// the server drains, and timers are expressed as deadlines (nextDeadline/tick) so the server can
// re-arm them from stored timestamps after a restart.
import { randomBytes, randomInt } from 'node:crypto';
import { decimalStringToOre, oreToDecimalString } from '../lib/money';
import type { ApiMode, TerminalKind, TerminalSeed } from './config';
import { buildReport, REPORTS, type ReportTransaction } from './reports';

// ---------------------------------------------------------------------------------------------
// Types

export const INVOICE_STATUSES = ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PAID', 'CANCELED', 'FAILED', 'EXPIRED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
const FINAL: readonly InvoiceStatus[] = ['PAID', 'CANCELED', 'FAILED', 'EXPIRED'];
export const isFinal = (status: InvoiceStatus) => FINAL.includes(status);

export interface Amount {
  currency?: string;
  value?: string;
}

export interface InvoiceRow {
  itemDescription?: string;
  itemDiscount?: Amount;
  itemEAN?: string;
  itemQuantity?: string;
  itemSKU?: string;
  itemTaxRate?: string;
  itemTotalAmount?: Amount;
  itemUnit?: string;
  itemUnitPrice?: Amount;
}

/** The invoice as the merchant sent it (§3.3), fields in wire order. */
export interface InvoiceBody {
  paymentMode?: string;
  acknowledgmentMode?: string;
  issueDate?: string;
  title?: string;
  clientInvoiceId?: string;
  invoiceRows: InvoiceRow[];
  totalAmount?: Amount;
  cashierId?: string;
  footer?: string;
  backURL?: string;
  notificationUrl?: string;
  commitReservationTimeout?: string;
}

export interface Credentials {
  id?: string;
  type?: string;
  userId?: string;
  password?: string;
}

export interface Terminal extends TerminalSeed {
  externalTerminalId?: string;
  seqrId?: string;
  registeredAt?: number;
  unregisteredAt?: number;
  /** Seeded from configuration (re-applied at every start) rather than created by registerTerminal. */
  configured?: boolean;
}

export interface Reseller {
  id: string;
  userId: string;
  password: string;
  name: string;
  currency: string;
}

export interface HistoryEvent {
  at: number;
  kind: 'created' | 'status' | 'soap' | 'scan' | 'notification' | 'confirmed' | 'reversed' | 'refund' | 'receipt' | 'updated';
  text: string;
  from?: InvoiceStatus;
  to?: InvoiceStatus;
  operation?: string;
  resultCode?: number;
  httpStatus?: number | null;
}

export interface Notification {
  at: number;
  url: string;
  httpStatus: number | null;
  error?: string;
  dropped?: boolean;
}

export interface Refund {
  ersReference: string;
  at: number;
  amount: { currency: string; value: string };
  title?: string;
  clientInvoiceId?: string;
  cashierId?: string;
  invoice: InvoiceBody;
}

export interface Receipt {
  ersReference: string;
  at: number;
  /** The payment or refund reference the document belongs to. */
  forReference: string;
  forKind: 'payment' | 'refund';
  mimeType?: string;
  receiptType?: string;
  /** base64 text as received. */
  receiptData?: string;
}

export interface Invoice {
  invoiceReference: string;
  terminalId: string;
  status: InvoiceStatus;
  version: number;
  body: InvoiceBody;
  tokenCount: number;
  createdAt: number;
  updatedAt: number;
  /** The customer has scanned/opened the bill ("payment in progress"). */
  scannedAt?: number;
  reservedAt?: number;
  paidAt?: number;
  ersReference?: string;
  payerTerminalId?: string;
  committedAmount?: { currency: string; value: string };
  confirmed: boolean;
  confirmedAt?: number;
  reversed: boolean;
  reversedAt?: number;
  finalAt?: number;
  notifications: Notification[];
  refunds: Refund[];
  receipts: Receipt[];
  history: HistoryEvent[];
}

export interface Period {
  transactionPeriodId: string;
  resellerId: string;
  terminalId?: string;
  from: number;
  to: number;
  markedAt: number;
}

export interface SandboxState {
  format: 1;
  seq: number;
  lastInvoiceRef: number;
  resellers: Record<string, Reseller>;
  terminals: Record<string, Terminal>;
  invoices: Invoice[];
  periods: Period[];
  /** Last markTransactionPeriod per scope ("reseller:<id>" or "terminal:<id>"). */
  lastMarks: Record<string, number>;
}

export interface ModelSettings {
  confirmWindowS: number;
  invoiceTtlS: number;
  reportDelayS: number;
  apiMode: ApiMode;
  strict: boolean;
}

export interface OutgoingNotification {
  invoiceReference: string;
  url: string;
}

export type CustomerAction = 'scan' | 'pay' | 'cancel' | 'fail';
export type CustomerResult = { ok: true; invoice: Invoice } | { ok: false; httpStatus: 404 | 409; error: string };

// ---------------------------------------------------------------------------------------------
// Seed data (PROTOCOL.md §1.5 public test credentials + the demo shop's own terminal)

export const DEFAULT_RESELLERS: Reseller[] = [
  { id: 'demo-reseller', userId: '9900', password: 'demo-reseller-password', name: 'Demo reseller', currency: 'SEK' },
  { id: 'public_test_shop', userId: '9900', password: '1234', name: 'Public test shop', currency: 'SEK' },
];

export const DEFAULT_TERMINALS: TerminalSeed[] = [
  { id: 'demo-webshop', password: 'demo-password', currency: 'SEK', kind: 'webshop', name: 'Demo webshop', resellerId: 'demo-reseller' },
  { id: 'public_test_shop_terminal', password: '12345678', currency: 'SEK', kind: 'webshop', name: 'Public test shop', resellerId: 'public_test_shop' },
];

export function emptyState(): SandboxState {
  return { format: 1, seq: 0, lastInvoiceRef: 0, resellers: {}, terminals: {}, invoices: [], periods: [], lastMarks: {} };
}

/** Applies the built-in and configured terminals/resellers; keeps registered ones and flags. */
export function seedState(state: SandboxState, extra: TerminalSeed[]): void {
  for (const reseller of DEFAULT_RESELLERS) state.resellers[reseller.id] = { ...reseller };
  for (const seed of [...DEFAULT_TERMINALS, ...extra]) {
    if (!state.resellers[seed.resellerId]) {
      // A configured terminal may name a reseller we do not know: create one (password = terminal's).
      state.resellers[seed.resellerId] = { id: seed.resellerId, userId: '9900', password: seed.password, name: seed.resellerId, currency: seed.currency };
    }
    const previous = state.terminals[seed.id];
    state.terminals[seed.id] = {
      ...seed,
      configured: true,
      seqrId: previous?.seqrId,
      unregisteredAt: previous?.unregisteredAt,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Where the model's random digits come from: node:crypto by default; the simulation passes a seeded one. */
export interface ModelRandom {
  /** An integer in [0, max). */
  int(max: number): number;
  bytes(count: number): Buffer;
}

export const CRYPTO_RANDOM: ModelRandom = { int: (max) => randomInt(max), bytes: (count) => randomBytes(count) };

/** An absolute http(s) URL (§6.3: anything else is code 64). */
/**
 * backURL (PROTOCOL.md §11): "a URL to a webpage or with a URL scheme that launches or returns to
 * your app", so any absolute URI with a scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
 */
export function isAbsoluteUri(text: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** "447.1" -> 44710 öre, or undefined when not a plain decimal with at most 2 decimals. */
export function amountToOre(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return decimalStringToOre(value); // rejects non-zero digits past the öre
  } catch {
    return undefined;
  }
}

function normalizeAmount(amount: Amount | undefined): Amount | undefined {
  if (!amount) return undefined;
  const ore = amountToOre(amount.value);
  return { currency: amount.currency, value: ore === undefined ? amount.value : oreToDecimalString(ore) };
}

export const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

// ---------------------------------------------------------------------------------------------
// The model

export class SandboxModel {
  readonly outbox: OutgoingNotification[] = [];
  /** Lines for the console (reversals, expiries): the server prints them. */
  readonly logbook: string[] = [];
  /**
   * Told of every change to an invoice: each one goes through event(), so the store can journal
   * just the invoices that changed instead of diffing or rewriting the whole state.
   */
  onInvoiceEvent: ((invoice: Invoice, event: HistoryEvent) => void) | undefined;

  constructor(
    public state: SandboxState,
    public settings: ModelSettings,
    private readonly now: () => number = Date.now,
    private readonly random: ModelRandom = CRYPTO_RANDOM,
  ) {}

  private hex(chars: number): string {
    return this.random.bytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
  }

  // --- references ------------------------------------------------------------------------------

  private nextInvoiceReference(): string {
    // 13 digits like epoch milliseconds (§1.6), strictly increasing so it stays unique.
    const value = Math.max(this.now(), this.state.lastInvoiceRef + 1);
    this.state.lastInvoiceRef = value;
    return String(value);
  }

  /** 25 digits starting with yyyyMMddHHmmss (§1.6): stamp + 3 random digits + 8-digit sequence. */
  nextErsReference(): string {
    this.state.seq += 1;
    return `${stamp(this.now())}${pad(this.random.int(1000), 3)}${pad(this.state.seq % 1e8, 8)}`;
  }

  // --- lookups -----------------------------------------------------------------------------------

  find(invoiceReference: string | undefined): Invoice | undefined {
    if (!invoiceReference) return undefined;
    const ref = invoiceReference.trim();
    return this.state.invoices.find((invoice) => invoice.invoiceReference === ref);
  }

  private findByPayment(ersReference: string | undefined): Invoice | undefined {
    if (!ersReference) return undefined;
    const ref = ersReference.trim();
    return this.state.invoices.find((invoice) => invoice.ersReference === ref);
  }

  private findByRefund(ersReference: string | undefined): { invoice: Invoice; refund: Refund } | undefined {
    if (!ersReference) return undefined;
    const ref = ersReference.trim();
    for (const invoice of this.state.invoices) {
      const refund = invoice.refunds.find((r) => r.ersReference === ref);
      if (refund) return { invoice, refund };
    }
    return undefined;
  }

  // --- history -------------------------------------------------------------------------------------

  private event(invoice: Invoice, event: Omit<HistoryEvent, 'at'>): void {
    const entry: HistoryEvent = { at: this.now(), ...event };
    invoice.history.push(entry);
    invoice.updatedAt = this.now();
    this.onInvoiceEvent?.(invoice, entry);
  }

  private setStatus(invoice: Invoice, to: InvoiceStatus, why: string): void {
    const from = invoice.status;
    invoice.status = to;
    invoice.version += 1;
    if (isFinal(to)) invoice.finalAt = this.now();
    this.event(invoice, { kind: 'status', from, to, text: `${from} → ${to} (${why}), version ${invoice.version}` });
  }

  /** Records a SOAP call on the invoice it concerns (for the sandbox page). */
  recordSoapCall(invoiceReference: string | undefined, operation: string, resultCode: number): void {
    const invoice = this.find(invoiceReference) ?? this.findByPayment(invoiceReference) ?? this.findByRefund(invoiceReference)?.invoice;
    if (!invoice) return;
    this.event(invoice, { kind: 'soap', operation, resultCode, text: `SOAP ${operation} → ${resultCode}` });
  }

  recordNotification(invoiceReference: string, notification: Notification): void {
    const invoice = this.find(invoiceReference);
    if (!invoice) return;
    invoice.notifications.push(notification);
    const text = notification.dropped
      ? `notification to ${notification.url} dropped (fault switch)`
      : notification.httpStatus !== null
        ? `notification POST ${notification.url} → HTTP ${notification.httpStatus}`
        : `notification POST ${notification.url} failed: ${notification.error ?? 'no answer'}`;
    this.event(invoice, { kind: 'notification', httpStatus: notification.httpStatus, text });
  }

  // --- authentication (§1.5) -----------------------------------------------------------------------

  authTerminal(cred: Credentials | undefined): { code: number; terminal?: Terminal } {
    const id = cred?.id?.trim();
    if (!id) return { code: 29 };
    const type = cred?.type?.trim().toUpperCase();
    if (type && type !== 'TERMINALID') return { code: 29 };
    const terminal = this.state.terminals[id];
    if (!terminal) return { code: 29 };
    if ((cred?.password ?? '') !== terminal.password) return { code: 20 };
    // §5: ACCESS_DENIED when the terminal's stored password is shorter than 4 characters.
    if (terminal.password.length < 4) return { code: 21 };
    if (terminal.unregisteredAt !== undefined) return { code: 33 };
    return { code: 0, terminal };
  }

  /**
   * A RESELLERUSER principal in either form of §11: `id` = reseller with a separate `userId`, or
   * `id` = "<resellerId>/<userId>" with no userId (SEQR's cash-register sample logs in that way).
   */
  authReseller(cred: Credentials | undefined): { code: number; reseller?: Reseller } {
    const id = cred?.id?.trim();
    if (!id) return { code: 29 };
    if (cred?.type?.trim().toUpperCase() !== 'RESELLERUSER') return { code: 29 };
    let resellerId = id;
    let userId = cred.userId?.trim() ?? '';
    const slash = id.lastIndexOf('/');
    if (!this.state.resellers[id] && slash > 0) {
      resellerId = id.slice(0, slash);
      const fromId = id.slice(slash + 1);
      // Both forms at once must agree, or the principal is not one we know.
      if (userId !== '' && userId !== fromId) return { code: 37 };
      userId = fromId;
    }
    const reseller = this.state.resellers[resellerId];
    if (!reseller || userId !== reseller.userId) return { code: 37 };
    if ((cred.password ?? '') !== reseller.password) return { code: 20 };
    return { code: 0, reseller };
  }

  /** markTransactionPeriod/executeReport: RESELLERUSER, or TERMINALID as fallback (§10). */
  private authReporting(cred: Credentials | undefined): { code: number; resellerId?: string } {
    if (cred?.type?.trim().toUpperCase() === 'RESELLERUSER') {
      const auth = this.authReseller(cred);
      return { code: auth.code, resellerId: auth.reseller?.id };
    }
    const auth = this.authTerminal(cred);
    return { code: auth.code, resellerId: auth.terminal?.resellerId };
  }

  /**
   * The wallet operations of §11 (changePrincipalPassword, requestTopup…): the caller is
   * authenticated as for any call (29/20/21/33/37 first), then refused with 91
   * UNSUPPORTED_OPERATION. §5 offers no "not entitled" code for a merchant: 21 ACCESS_DENIED is
   * documented as the short-password case and 10 as a business rule, and clients treat 21 as a
   * configuration error; 91 "operation not supported by this service" is what §2.14 prescribes.
   */
  walletOperation(cred: Credentials | undefined): { code: number } {
    const auth = this.authReporting(cred);
    return { code: auth.code !== 0 ? auth.code : 91 };
  }

  // --- invoice validation --------------------------------------------------------------------------

  /** 0 when acceptable, else 49 (data) or 64 (URL). */
  private validateInvoice(body: InvoiceBody | undefined, currency: string): number {
    if (!body) return 49;
    const total = amountToOre(body.totalAmount?.value);
    if (total === undefined || total <= 0 || body.totalAmount?.currency?.trim() !== currency) return 49;
    for (const row of body.invoiceRows) {
      for (const amount of [row.itemTotalAmount, row.itemUnitPrice, row.itemDiscount]) {
        if (amount?.value !== undefined && amountToOre(amount.value) === undefined) return 49;
        if (amount?.currency !== undefined && amount.currency.trim() !== currency) return 49;
      }
      for (const decimal of [row.itemQuantity, row.itemTaxRate]) {
        if (decimal !== undefined && !/^[+-]?\d+(\.\d+)?$/.test(decimal.trim())) return 49;
      }
    }
    if (body.paymentMode && !['IMMEDIATE_DEBIT', 'RESERVATION_DESIRED', 'RESERVATION_REQUIRED', 'RESERVATION_REQUIRED_PRELIMINARY_AMOUNT'].includes(body.paymentMode)) return 49;
    if (body.acknowledgmentMode && !['NO_ACKNOWLEDGMENT', 'OPTIONAL_ACKNOWLEDGMENT', 'REQUIRE_ACKNOWLEDGMENT'].includes(body.acknowledgmentMode)) return 49;
    if (body.commitReservationTimeout !== undefined && !/^\d+$/.test(body.commitReservationTimeout.trim())) return 49;
    if (this.settings.strict) {
      // §2.13 strict mode: the fields api.md calls required, and Σ row totals = totalAmount.
      if (!body.paymentMode || !body.acknowledgmentMode || !body.issueDate || !body.title || !body.clientInvoiceId) return 49;
      if (body.invoiceRows.length === 0) return 49;
      let sum = 0;
      for (const row of body.invoiceRows) {
        const rowTotal = amountToOre(row.itemTotalAmount?.value);
        if (rowTotal === undefined || row.itemQuantity === undefined) return 49;
        sum += rowTotal;
      }
      if (sum !== total) return 49;
    }
    // SEQR posts to the notificationUrl, so it must be http(s); the app opens the backURL, which
    // may be an app's own scheme (myshopapp://order/42).
    if (body.notificationUrl !== undefined && !isHttpUrl(body.notificationUrl)) return 64;
    if (body.backURL !== undefined && !isAbsoluteUri(body.backURL)) return 64;
    return 0;
  }

  private normalizeBody(body: InvoiceBody): InvoiceBody {
    return {
      ...body,
      totalAmount: normalizeAmount(body.totalAmount),
      invoiceRows: body.invoiceRows.map((row) => ({
        ...row,
        itemDiscount: normalizeAmount(row.itemDiscount),
        itemTotalAmount: normalizeAmount(row.itemTotalAmount),
        itemUnitPrice: normalizeAmount(row.itemUnitPrice),
      })),
    };
  }

  private ownInvoice(terminal: Terminal, invoiceReference: string | undefined): Invoice | undefined {
    const invoice = this.find(invoiceReference);
    return invoice && invoice.terminalId === terminal.id ? invoice : undefined;
  }

  // --- SOAP operations (§2) ------------------------------------------------------------------------

  sendInvoice(cred: Credentials | undefined, body: InvoiceBody | undefined, tokenCount = 0): { code: number; invoice?: Invoice } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const terminal = auth.terminal;
    const code = this.validateInvoice(body, terminal.currency);
    if (code !== 0 || !body) return { code };
    if (terminal.kind === 'cashregister') {
      // faq.md: a cash-register terminal holds one open invoice; a new one cancels the previous.
      for (const open of this.state.invoices) {
        if (open.terminalId === terminal.id && (open.status === 'ISSUED' || open.status === 'PENDING_ISSUER_ACKNOWLEDGE')) {
          this.setStatus(open, 'CANCELED', 'superseded by a new invoice on this cash register');
        }
      }
    }
    const now = this.now();
    const invoice: Invoice = {
      invoiceReference: this.nextInvoiceReference(),
      terminalId: terminal.id,
      status: 'ISSUED',
      version: 1,
      body: this.normalizeBody(body),
      tokenCount,
      createdAt: now,
      updatedAt: now,
      confirmed: false,
      reversed: false,
      notifications: [],
      refunds: [],
      receipts: [],
      history: [],
    };
    this.event(invoice, { kind: 'created', to: 'ISSUED', text: `sendInvoice by ${terminal.id}: ISSUED, version 1` });
    this.state.invoices.push(invoice);
    return { code: 0, invoice };
  }

  updateInvoice(cred: Credentials | undefined, invoiceReference: string | undefined, body: InvoiceBody | undefined): { code: number } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const invoice = this.ownInvoice(auth.terminal, invoiceReference);
    if (!invoice) return { code: 54 };
    if (invoice.status !== 'ISSUED' && invoice.status !== 'PENDING_ISSUER_ACKNOWLEDGE') return { code: 48 };
    const code = this.validateInvoice(body, auth.terminal.currency);
    if (code !== 0 || !body) return { code };
    invoice.body = this.normalizeBody(body);
    const from = invoice.status;
    invoice.status = 'ISSUED';
    invoice.version += 1;
    this.event(invoice, { kind: 'updated', from, to: 'ISSUED', text: `updateInvoice: invoice replaced, ${from} → ISSUED, version ${invoice.version}` });
    return { code: 0 };
  }

  getPaymentStatus(cred: Credentials | undefined, invoiceReference: string | undefined): { code: number; invoice?: Invoice; terminal?: Terminal } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const invoice = this.ownInvoice(auth.terminal, invoiceReference);
    if (!invoice) return { code: 54 };
    if (invoice.status === 'PAID' && !invoice.confirmed) {
      // §2.3: the first getPaymentStatus that sees PAID is the merchant's confirmation.
      invoice.confirmed = true;
      invoice.confirmedAt = this.now();
      this.event(invoice, { kind: 'confirmed', text: 'payment confirmed by getPaymentStatus' });
    }
    return { code: 0, invoice, terminal: auth.terminal };
  }

  cancelInvoice(cred: Credentials | undefined, invoiceReference: string | undefined): { code: number } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const invoice = this.ownInvoice(auth.terminal, invoiceReference);
    if (!invoice) return { code: 54 };
    switch (invoice.status) {
      case 'PAID':
        return { code: 50 };
      case 'CANCELED':
      case 'FAILED': // nothing left to cancel: the shop should treat it as cancelled (§6.4)
        return { code: 95 };
      case 'EXPIRED':
        return { code: 58 };
      case 'PENDING_ISSUER_ACKNOWLEDGE':
        return { code: 51 };
      case 'ISSUED':
        if (invoice.scannedAt !== undefined) return { code: 51 };
        this.setStatus(invoice, 'CANCELED', 'cancelInvoice');
        return { code: 0 };
      case 'RESERVED':
        this.setStatus(invoice, 'CANCELED', 'cancelInvoice released the reservation');
        return { code: 0 };
    }
  }

  commitReservation(cred: Credentials | undefined, invoiceReference: string | undefined, amount: Amount | undefined): { code: number } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const invoice = this.ownInvoice(auth.terminal, invoiceReference);
    if (!invoice) return { code: 54 };
    if (invoice.status !== 'RESERVED') return { code: 96 };
    const reserved = amountToOre(invoice.body.totalAmount?.value) ?? 0;
    let committed = reserved;
    if (amount && (amount.value !== undefined || amount.currency !== undefined)) {
      const ore = amountToOre(amount.value);
      if (ore === undefined || ore <= 0 || (amount.currency !== undefined && amount.currency.trim() !== auth.terminal.currency)) return { code: 49 };
      if (ore > reserved) return { code: 11 }; // more than was reserved: REJECTED_AMOUNT
      committed = ore;
    }
    invoice.committedAmount = { currency: auth.terminal.currency, value: oreToDecimalString(committed) };
    this.markPaid(invoice, 'commitReservation');
    // The merchant itself committed, so it knows about the payment: no reversal window.
    invoice.confirmed = true;
    invoice.confirmedAt = this.now();
    return { code: 0 };
  }

  refundPayment(cred: Credentials | undefined, ersReference: string | undefined, body: InvoiceBody | undefined): { code: number; refund?: Refund } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const invoice = this.findByPayment(ersReference);
    if (!invoice || invoice.terminalId !== auth.terminal.id || invoice.status !== 'PAID') return { code: 23 };
    if (!body) return { code: 49 };
    const ore = amountToOre(body.totalAmount?.value);
    if (ore === undefined || ore <= 0) return { code: 49 };
    if (body.totalAmount?.currency !== undefined && body.totalAmount.currency.trim() !== auth.terminal.currency) return { code: 49 };
    if (body.notificationUrl !== undefined && !isHttpUrl(body.notificationUrl)) return { code: 64 };
    const paid = this.paidOre(invoice);
    const refunded = invoice.refunds.reduce((sum, r) => sum + decimalStringToOre(r.amount.value), 0);
    if (refunded + ore > paid) return { code: 98 };
    const refund: Refund = {
      ersReference: this.nextErsReference(),
      at: this.now(),
      amount: { currency: auth.terminal.currency, value: oreToDecimalString(ore) },
      title: body.title,
      clientInvoiceId: body.clientInvoiceId,
      cashierId: body.cashierId,
      invoice: this.normalizeBody(body),
    };
    invoice.refunds.push(refund);
    this.event(invoice, { kind: 'refund', text: `refund ${refund.amount.value} ${refund.amount.currency} (${refund.ersReference}); refunded ${oreToDecimalString(refunded + ore)} of ${oreToDecimalString(paid)}` });
    return { code: 0, refund };
  }

  submitPaymentReceipt(
    cred: Credentials | undefined,
    ersReference: string | undefined,
    document: { mimeType?: string; receiptData?: string; receiptType?: string } | undefined,
  ): { code: number; receipt?: Receipt } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const payment = this.findByPayment(ersReference);
    const refund = payment ? undefined : this.findByRefund(ersReference);
    const invoice = payment ?? refund?.invoice;
    if (!invoice || invoice.terminalId !== auth.terminal.id || !ersReference) return { code: 23 };
    const receipt: Receipt = {
      ersReference: this.nextErsReference(),
      at: this.now(),
      forReference: ersReference.trim(),
      forKind: payment ? 'payment' : 'refund',
      mimeType: document?.mimeType,
      receiptType: document?.receiptType,
      receiptData: document?.receiptData,
    };
    invoice.receipts.push(receipt);
    this.event(invoice, { kind: 'receipt', text: `receipt ${receipt.receiptType ?? '(no type)'} ${receipt.mimeType ?? ''} for ${receipt.forKind} ${receipt.forReference}` });
    return { code: 0, receipt };
  }

  registerTerminal(cred: Credentials | undefined, input: { externalTerminalId?: string; password?: string; name?: string }): { code: number; terminalId?: string } {
    const auth = this.authReseller(cred);
    if (!auth.reseller) return { code: auth.code };
    const externalId = input.externalTerminalId?.trim();
    if (!externalId || !input.password) return { code: 56 };
    const taken = Object.values(this.state.terminals).some(
      (t) => t.resellerId === auth.reseller?.id && t.externalTerminalId === externalId && t.unregisteredAt === undefined,
    );
    if (taken) return { code: 57 };
    const id = this.hex(32);
    this.state.terminals[id] = {
      id,
      password: input.password,
      currency: auth.reseller.currency,
      kind: 'cashregister',
      name: input.name?.trim() || externalId,
      resellerId: auth.reseller.id,
      externalTerminalId: externalId,
      registeredAt: this.now(),
    };
    return { code: 0, terminalId: id };
  }

  unregisterTerminal(cred: Credentials | undefined): { code: number } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    auth.terminal.unregisteredAt = this.now();
    auth.terminal.seqrId = undefined;
    for (const open of this.state.invoices) {
      if (open.terminalId === auth.terminal.id && (open.status === 'ISSUED' || open.status === 'PENDING_ISSUER_ACKNOWLEDGE')) {
        this.setStatus(open, 'CANCELED', 'terminal unregistered');
      }
    }
    return { code: 0 };
  }

  assignSeqrId(cred: Credentials | undefined, seqrId: string | undefined): { code: number } {
    const auth = this.authTerminal(cred);
    if (!auth.terminal) return { code: auth.code };
    const id = seqrId?.trim() ?? '';
    if (!/^[A-Za-z0-9]+$/.test(id)) return { code: 53 };
    const owner = Object.values(this.state.terminals).find((t) => t.seqrId === id && t.unregisteredAt === undefined);
    if (owner && owner.id !== auth.terminal.id) return { code: 53 };
    auth.terminal.seqrId = id;
    return { code: 0 };
  }

  markTransactionPeriod(cred: Credentials | undefined, parameters: Record<string, string>): { code: number; period?: Period } {
    const auth = this.authReporting(cred);
    if (!auth.resellerId) return { code: auth.code };
    const terminalId = parameters.TERMINALID?.trim() || undefined;
    if (terminalId !== undefined && this.state.terminals[terminalId]?.resellerId !== auth.resellerId) return { code: 10 };
    const scope = terminalId ? `terminal:${terminalId}` : `reseller:${auth.resellerId}`;
    const now = this.now();
    const period: Period = {
      transactionPeriodId: this.nextErsReference(),
      resellerId: auth.resellerId,
      terminalId,
      from: this.state.lastMarks[scope] ?? 0,
      to: now,
      markedAt: now,
    };
    this.state.lastMarks[scope] = now;
    this.state.periods.push(period);
    return { code: 0, period };
  }

  executeReport(
    cred: Credentials | undefined,
    reportId: string | undefined,
    parameters: Record<string, string>,
  ): { code: number; report?: { title: string; contentString: string } } {
    const auth = this.authReporting(cred);
    if (!auth.resellerId) return { code: auth.code };
    const definition = REPORTS.find((r) => r.reportId === reportId?.trim());
    // Unknown report ids and periods are business errors (10), never faults.
    if (!definition) return { code: 10 };
    const period = this.state.periods.find((p) => p.transactionPeriodId === parameters.transactionPeriodId?.trim());
    if (!period || period.resellerId !== auth.resellerId) return { code: 10 };
    if (this.now() - period.markedAt < this.settings.reportDelayS * 1000) return { code: 2 };
    let terminalId = period.terminalId;
    if (definition.terminalReport) {
      // faq.md: terminal reports stay "not ready" unless TERMINALID was given when marking.
      const asked = parameters.TERMINALID?.trim() || undefined;
      if (!period.terminalId || (asked !== undefined && asked !== period.terminalId)) return { code: 2 };
      terminalId = period.terminalId;
    }
    const report = buildReport(definition, {
      resellerId: period.resellerId,
      terminalId,
      transactionPeriodId: period.transactionPeriodId,
      generatedAt: this.now(),
      transactions: this.transactionsIn(period),
    });
    return { code: 0, report };
  }

  /**
   * Which transactions belong to a period: completed payments (status PAID now, so reversed ones
   * are out) whose payment time lies in [from, to), and refunds whose time lies in [from, to) —
   * refunds as their own transactions with negative amounts. A period marked with TERMINALID
   * covers only that terminal; otherwise all terminals of the reseller.
   */
  transactionsIn(period: Period): ReportTransaction[] {
    const rows: ReportTransaction[] = [];
    for (const invoice of this.state.invoices) {
      const terminal = this.state.terminals[invoice.terminalId];
      if (!terminal || terminal.resellerId !== period.resellerId) continue;
      if (period.terminalId && invoice.terminalId !== period.terminalId) continue;
      const inside = (at: number | undefined) => at !== undefined && at >= period.from && at < period.to;
      if (invoice.status === 'PAID' && invoice.ersReference && inside(invoice.paidAt)) {
        rows.push({ at: invoice.paidAt ?? 0, terminalId: invoice.terminalId, cashierId: invoice.body.cashierId, amountOre: this.paidOre(invoice), ersReference: invoice.ersReference });
      }
      for (const refund of invoice.refunds) {
        if (inside(refund.at)) {
          rows.push({ at: refund.at, terminalId: invoice.terminalId, cashierId: refund.cashierId ?? invoice.body.cashierId, amountOre: -decimalStringToOre(refund.amount.value), ersReference: refund.ersReference });
        }
      }
    }
    return rows.sort((a, b) => a.at - b.at);
  }

  private paidOre(invoice: Invoice): number {
    return amountToOre(invoice.committedAmount?.value ?? invoice.body.totalAmount?.value) ?? 0;
  }

  // --- the customer (wallet simulator / control API) ---------------------------------------------

  private markPaid(invoice: Invoice, why: string): void {
    invoice.paidAt = this.now();
    invoice.ersReference = this.nextErsReference();
    invoice.payerTerminalId = this.hex(25);
    this.setStatus(invoice, 'PAID', why);
    if (invoice.body.notificationUrl) this.outbox.push({ invoiceReference: invoice.invoiceReference, url: invoice.body.notificationUrl });
  }

  customer(invoiceReference: string, action: CustomerAction): CustomerResult {
    const invoice = this.find(invoiceReference);
    if (!invoice) return { ok: false, httpStatus: 404, error: `There is no invoice with reference ${invoiceReference}.` };
    const refuse = (error: string): CustomerResult => ({ ok: false, httpStatus: 409, error });
    if (isFinal(invoice.status)) return refuse(`Invoice ${invoice.invoiceReference} is ${invoice.status}, which is final: the customer can no longer ${action} it.`);

    switch (action) {
      case 'scan':
        if (invoice.status !== 'ISSUED') return refuse(`Invoice ${invoice.invoiceReference} is ${invoice.status}: only an ISSUED invoice can be scanned.`);
        this.scan(invoice);
        return { ok: true, invoice };
      case 'pay': {
        if (invoice.status === 'ISSUED' && invoice.scannedAt === undefined) this.scan(invoice);
        if (invoice.status === 'PENDING_ISSUER_ACKNOWLEDGE') {
          return refuse(
            `Invoice ${invoice.invoiceReference} is waiting for the merchant to acknowledge it (updateInvoice), because it was sent with acknowledgmentMode ${invoice.body.acknowledgmentMode ?? '(missing, which means REQUIRE_ACKNOWLEDGMENT)'}: the app cannot pay it yet.`,
          );
        }
        if (invoice.status !== 'ISSUED') return refuse(`Invoice ${invoice.invoiceReference} is ${invoice.status}: only an ISSUED invoice can be paid.`);
        if (invoice.body.paymentMode?.startsWith('RESERVATION')) {
          invoice.reservedAt = this.now();
          this.setStatus(invoice, 'RESERVED', 'the customer approved a reservation');
        } else {
          this.markPaid(invoice, 'the customer paid');
        }
        return { ok: true, invoice };
      }
      case 'cancel':
        this.setStatus(invoice, 'CANCELED', 'the customer cancelled in the app');
        return { ok: true, invoice };
      case 'fail':
        this.setStatus(invoice, 'FAILED', 'the payment failed in the app');
        return { ok: true, invoice };
    }
  }

  private scan(invoice: Invoice): void {
    invoice.scannedAt = this.now();
    const mode = invoice.body.acknowledgmentMode ?? 'REQUIRE_ACKNOWLEDGMENT'; // §4.3 [SANDBOX]: missing = REQUIRE
    if (mode === 'REQUIRE_ACKNOWLEDGMENT' || (mode === 'OPTIONAL_ACKNOWLEDGMENT' && invoice.tokenCount > 0)) {
      this.setStatus(invoice, 'PENDING_ISSUER_ACKNOWLEDGE', 'the customer scanned; the merchant must acknowledge');
    } else {
      this.event(invoice, { kind: 'scan', text: 'the customer scanned the invoice (payment in progress)' });
    }
  }

  // --- timers ------------------------------------------------------------------------------------

  private deadlines(invoice: Invoice): { at: number; apply: () => void } | undefined {
    if (invoice.status === 'PAID' && !invoice.confirmed && !invoice.reversed && invoice.paidAt !== undefined) {
      return {
        at: invoice.paidAt + this.settings.confirmWindowS * 1000,
        apply: () => {
          invoice.reversed = true;
          invoice.reversedAt = this.now();
          this.setStatus(invoice, 'CANCELED', `no getPaymentStatus within ${this.settings.confirmWindowS} s of payment: reversed`);
          this.event(invoice, { kind: 'reversed', text: 'payment reversed; SMS to customer: "Your SEQR payment was cancelled and the money returned."' });
          this.logbook.push(`[sandbox] invoice ${invoice.invoiceReference}: payment ${invoice.ersReference} reversed (not confirmed within ${this.settings.confirmWindowS} s) — SMS to customer`);
        },
      };
    }
    if (invoice.status === 'ISSUED' || invoice.status === 'PENDING_ISSUER_ACKNOWLEDGE' || invoice.status === 'RESERVED') {
      const reservationS = Number(invoice.body.commitReservationTimeout);
      const at =
        invoice.status === 'RESERVED' && invoice.reservedAt !== undefined
          ? invoice.reservedAt + (Number.isFinite(reservationS) && reservationS > 0 ? reservationS : this.settings.invoiceTtlS) * 1000
          : invoice.createdAt + this.settings.invoiceTtlS * 1000;
      return {
        at,
        apply: () => {
          const to: InvoiceStatus = this.settings.apiMode === '2.10' ? 'EXPIRED' : 'CANCELED';
          this.setStatus(invoice, to, invoice.status === 'RESERVED' ? 'the reservation was not committed in time' : 'invoice lifetime ran out');
          this.logbook.push(`[sandbox] invoice ${invoice.invoiceReference} ${to === 'EXPIRED' ? 'expired' : 'cancelled on expiry'}`);
        },
      };
    }
    return undefined;
  }

  /** Applies every timer that is due; returns true when something changed. */
  tick(): boolean {
    const now = this.now();
    let changed = false;
    for (const invoice of this.state.invoices) {
      // Loop: a due reversal could in theory be followed by nothing else, but be thorough.
      for (let due = this.deadlines(invoice); due && due.at <= now; due = this.deadlines(invoice)) {
        due.apply();
        changed = true;
      }
    }
    return changed;
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const invoice of this.state.invoices) {
      const due = this.deadlines(invoice);
      if (due && (next === undefined || due.at < next)) next = due.at;
    }
    return next;
  }
}
