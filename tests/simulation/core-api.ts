// What the simulation drives: the payment core's public surface (lib/payments/core.ts,
// createPaymentCore(ports)). Typed here structurally, so the harness only depends on what a page,
// route handler, back office or sweeper would call.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaymentPorts } from '../../lib/payments/ports';

export type SimStartResult = { kind: string; attemptId?: string; resultCode?: number };

export type SimPaymentView = {
  orderStatus: string;
  attempt: null | { status: string; invoiceReference: string | null; number?: number };
  canRetry: boolean;
};

export type SimOrderView = { id: string; status: string; paidOre?: number; refundedOre?: number };

export type SimCore = {
  checkoutCart(cartId: string, details?: { email?: string }): Promise<{ kind: 'started'; token: string; start: SimStartResult } | { kind: 'empty-cart' }>;
  retryPayment(token: string): Promise<SimStartResult | null>;
  syncOpenInvoiceWithCart(cartId: string): Promise<void>;
  currentPaymentView(token: string): Promise<SimPaymentView | null>;
  finalizeOnReturn(token: string): Promise<SimOrderView | null>;
  handleNotification(notificationToken: string): Promise<'applied' | 'unknown'>;
  refundOrder(orderId: string, amountOre: number, actor: string): Promise<{ ok: boolean; message: unknown }>;
  cancelOpenAttemptByMerchant(orderId: string): Promise<{ ok: boolean; message: unknown }>;
  sweepOnce(): Promise<number>;
  /** The merchant accepts a payment under review as it is (back office). */
  acceptReviewedPayment?(orderId: string, actor: string): Promise<{ ok: boolean; message: unknown }>;
};

export type CoreFactory = (ports: PaymentPorts) => SimCore;

export const CORE_PATH = path.resolve(import.meta.dirname, '../../lib/payments/core.ts');

/** The real payment core (imported at run time: the file is being written while this is). */
export async function loadCoreFactory(): Promise<CoreFactory> {
  const module = (await import(pathToFileURL(CORE_PATH).href)) as { createPaymentCore?: CoreFactory };
  if (typeof module.createPaymentCore !== 'function') throw new Error(`${CORE_PATH} does not export createPaymentCore(ports).`);
  return module.createPaymentCore;
}
