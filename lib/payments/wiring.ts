// The production ports, wired once per module copy from the process's singletons (the Prisma client
// and the SEQR client live on globalThis; this object holds only references to them, so it is safe
// for each of Next's bundles to build its own). The invoice lookup exists only when the endpoint is
// the local sandbox; everything else here knows nothing of the sandbox.
import { randomBytes, randomUUID } from 'node:crypto';
import { getConfig } from '../config';
import { getChangeFeed, getDb } from '../db';
import { kickMailer, startMailer } from '../mail/wiring';
import { createSandboxInvoiceLookup, getSeqrClient } from '../seqr';
import { createPaymentCore, type PaymentCore } from './core';
import type { PaymentPorts, SeqrPort } from './ports';

export const systemClock = {
  now: () => new Date(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

export const cryptoIds = {
  uuid: () => randomUUID(),
  token: (bytes: number) => randomBytes(bytes).toString('base64url'),
};

/**
 * The process's SEQR client, looked up per call: whichever bundle calls SEQR first creates it
 * (its errors are recognised by brand in every copy, so the order does not matter).
 */
const processSeqrClient: SeqrPort = {
  sendInvoice: (...args) => getSeqrClient().sendInvoice(...args),
  getPaymentStatus: (...args) => getSeqrClient().getPaymentStatus(...args),
  cancelInvoice: (...args) => getSeqrClient().cancelInvoice(...args),
  updateInvoice: (...args) => getSeqrClient().updateInvoice(...args),
  submitPaymentReceipt: (...args) => getSeqrClient().submitPaymentReceipt(...args),
  refundPayment: (...args) => getSeqrClient().refundPayment(...args),
  markTransactionPeriod: (...args) => getSeqrClient().markTransactionPeriod(...args),
  executeReport: (...args) => getSeqrClient().executeReport(...args),
};

export function productionPorts(): PaymentPorts {
  const config = getConfig();
  return {
    db: getDb(),
    seqr: processSeqrClient,
    clock: systemClock,
    ids: cryptoIds,
    settings: {
      publicBaseUrl: config.publicBaseUrl,
      ttlMs: config.payments.ttlMs,
      seqrTimeoutMs: config.seqr.timeoutMs,
      abandonAfterMs: config.payments.abandonAfterMs,
      terminalId: config.seqr.terminalId,
      dayClose: config.payments.dayClose,
    },
    invoiceLookup: config.seqr.usesSandbox
      ? createSandboxInvoiceLookup({ sandboxBaseUrl: config.seqr.sandboxBaseUrl, terminalId: config.seqr.terminalId, timeoutMs: config.seqr.timeoutMs })
      : undefined,
    changes: getChangeFeed(),
    onSettled: () => kickMailer(),
    log: (line) => console.error(line),
  };
}

let core: PaymentCore | undefined;

/** The process's payment core (built on first use, after the configuration is read). */
export function paymentCore(): PaymentCore {
  core ??= createPaymentCore(productionPorts());
  return core;
}

/** The day close loop looks this often whether a close is due or unfinished (it is due within this). */
const DAY_CLOSE_CHECK_MS = 15_000;

const globalForSweeper = globalThis as typeof globalThis & { __seqrShopSweeper?: { stop(): void } };

/** Start the sweeper (and the mail loop) once per process (Next's instrumentation hook calls this). */
export function startSweeper(): { stop(): void } {
  if (globalForSweeper.__seqrShopSweeper) return globalForSweeper.__seqrShopSweeper;
  const loop = paymentCore().startSweeper(getConfig().payments.sweepIntervalMs);
  const dayClose = paymentCore().startDayCloseLoop(DAY_CLOSE_CHECK_MS);
  // E-mails derived from payments and refunds: beside the sweeper, kicked when a payment settles.
  const mailer = startMailer(getConfig().payments.sweepIntervalMs);
  globalForSweeper.__seqrShopSweeper = {
    stop() {
      loop.stop();
      dayClose.stop();
      mailer.stop();
      globalForSweeper.__seqrShopSweeper = undefined;
    },
  };
  return globalForSweeper.__seqrShopSweeper;
}
