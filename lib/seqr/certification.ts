// SEQR's webshop certification (PROTOCOL.md §7), replayed at the client level: the six steps a
// Seamless tester watched, in order, each reported as passed or failed with the reason.
import type { SeqrClient } from './client';
import { isSeqrResultError } from './errors';
import type { InvoiceInput } from './types';

/** Plays the customer: against the sandbox through its control API, against SEQR a person with the app. */
export type CertificationCustomer = {
  pay(invoiceReference: string, invoiceQRCode: string): Promise<void>;
};

export type CertificationStep = { step: string; ok: boolean; detail: string };

export type CertificationOptions = {
  client: SeqrClient;
  customer: CertificationCustomer;
  /** Step 2e: how long nothing happens before the old invoice is queried again (30 s in the procedure). */
  idleMs: number;
  /** How long to wait for the customer to pay before a step fails. */
  payTimeoutMs?: number;
  onStep?: (step: CertificationStep) => void;
};

const certificationInvoice = (n: number): InvoiceInput => ({
  title: 'Nordvik certification',
  clientInvoiceId: `CERT-${Date.now()}-${n}`,
  issueDate: new Date(),
  totalOre: 24800,
  rows: [
    { description: 'Stoneware mug, moss', quantity: 1, unitPriceOre: 18900, totalOre: 18900, taxRateBp: 2500, sku: 'NV-1001' },
    { description: 'Field notebook, dotted', quantity: 1, unitPriceOre: 5900, totalOre: 5900, taxRateBp: 2500, sku: 'NV-1011' },
  ],
  cashierId: 'web',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCertification(options: CertificationOptions): Promise<CertificationStep[]> {
  const { client, customer } = options;
  const payTimeoutMs = options.payTimeoutMs ?? 120_000;
  const results: CertificationStep[] = [];
  const state: { paid?: { invoiceReference: string; ersReference: string } } = {};

  async function step(name: string, work: () => Promise<string>): Promise<boolean> {
    let result: CertificationStep;
    try {
      result = { step: name, ok: true, detail: await work() };
    } catch (error) {
      result = { step: name, ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    results.push(result);
    options.onStep?.(result);
    return result.ok;
  }

  function expect(condition: boolean, message: string): void {
    if (!condition) throw new Error(message);
  }

  async function payAndConfirm(invoiceReference: string, invoiceQRCode: string): Promise<string> {
    await customer.pay(invoiceReference, invoiceQRCode);
    const deadline = Date.now() + payTimeoutMs;
    for (;;) {
      const status = await client.getPaymentStatus(invoiceReference);
      if (status.status === 'PAID' && status.ersReference) return status.ersReference;
      expect(status.status === 'ISSUED' || status.status === 'PENDING_ISSUER_ACKNOWLEDGE', `the invoice became ${status.status} instead of PAID`);
      expect(Date.now() < deadline, 'the invoice was not paid in time');
      await sleep(1000);
    }
  }

  let first: { invoiceReference: string; invoiceQRCode: string } | undefined;
  await step('1. sendInvoice with rows carrying itemQuantity and itemTotalAmount', async () => {
    first = await client.sendInvoice(certificationInvoice(1));
    expect(/^HTTP:\/\/SEQR\.SE\/R/i.test(first.invoiceQRCode), `unexpected QR code ${first.invoiceQRCode}`);
    return `invoice ${first.invoiceReference}`;
  });

  await step('2. getPaymentStatus: ISSUED, paid, PAID; a second invoice; the first queried again after idling', async () => {
    expect(first !== undefined, 'step 1 failed');
    const { invoiceReference, invoiceQRCode } = first!;
    const before = await client.getPaymentStatus(invoiceReference);
    expect(before.status === 'ISSUED', `expected ISSUED before paying, got ${before.status}`);
    const ersReference = await payAndConfirm(invoiceReference, invoiceQRCode);
    state.paid = { invoiceReference, ersReference };
    const second = await client.sendInvoice(certificationInvoice(2));
    await sleep(options.idleMs);
    const again = await client.getPaymentStatus(invoiceReference);
    expect(again.status === 'PAID', `the first invoice reads ${again.status} after idling, expected PAID`);
    await client.cancelInvoice(second.invoiceReference).catch(() => {}); // tidy up the superseded invoice
    return `paid as ${ersReference}; re-read after ${Math.round(options.idleMs / 1000)} s`;
  });

  await step('3. submitPaymentReceipt after PAID', async () => {
    expect(state.paid !== undefined, 'no paid invoice from step 2');
    const html = `<!doctype html><html><body><h1>Nordvik</h1><p>Certification receipt for ${state.paid!.invoiceReference}</p></body></html>`;
    const receipt = await client.submitPaymentReceipt(state.paid!.ersReference, { mimeType: 'text/html', data: html, receiptType: 'PAYMENT_RECEIPT' });
    return `receipt ${receipt.ersReference ?? 'accepted'}`;
  });

  await step('4. cancelInvoice: issue, query, cancel', async () => {
    const invoice = await client.sendInvoice(certificationInvoice(4));
    const status = await client.getPaymentStatus(invoice.invoiceReference);
    expect(status.status === 'ISSUED', `expected ISSUED, got ${status.status}`);
    await client.cancelInvoice(invoice.invoiceReference);
    const after = await client.getPaymentStatus(invoice.invoiceReference);
    expect(after.status === 'CANCELED', `expected CANCELED after cancelling, got ${after.status}`);
    return `invoice ${invoice.invoiceReference} cancelled`;
  });

  await step('5. refundPayment: issue, query, pay, query, refund', async () => {
    const invoice = await client.sendInvoice(certificationInvoice(5));
    const status = await client.getPaymentStatus(invoice.invoiceReference);
    expect(status.status === 'ISSUED', `expected ISSUED, got ${status.status}`);
    const ersReference = await payAndConfirm(invoice.invoiceReference, invoice.invoiceQRCode);
    const refund = await client.refundPayment(ersReference, { title: 'Refund, certification', totalOre: 24800, cashierId: 'admin' });
    return `refund ${refund.ersReference}`;
  });

  await step('6. markTransactionPeriod at day close (and its report)', async () => {
    const { transactionPeriodId } = await client.markTransactionPeriod();
    try {
      const report = await client.executeReportWhenReady(
        { reportId: 'Reconciliation/Shop.xml', language: 'en', transactionPeriodId },
        { intervalMs: 1000, maxWaitMs: 30_000 },
      );
      return `period ${transactionPeriodId}; report ${report.title ?? ''} (${report.content.length} bytes)`;
    } catch (error) {
      // The report is a bonus: certification only observes the period being marked.
      const why = isSeqrResultError(error) ? error.resultName : error instanceof Error ? error.message : String(error);
      return `period ${transactionPeriodId}; report not available (${why})`;
    }
  });

  return results;
}
