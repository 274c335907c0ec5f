// Finding an invoice by the shop's own clientInvoiceId, for the cases where the shop does not know
// its reference or whether a call arrived: the process stopped after calling sendInvoice and before
// saving the answer, or a receipt's outcome is unknown. SEQR's SOAP API has no such lookup. The local
// sandbox answers it over its control API, so the production wiring plugs this in only when the
// sandbox is the endpoint; against a real SEQR endpoint the payment core runs without a lookup.
import { z } from 'zod';

const FoundInvoicesSchema = z.object({
  invoices: z.array(
    z.object({
      invoiceReference: z.string().min(1),
      status: z.string(),
      clientInvoiceId: z.string().nullable(),
      notificationUrl: z.string().nullable(),
      paymentReceipts: z.number().int().nonnegative().optional(),
    }),
  ),
});

export type SandboxFoundInvoice = {
  invoiceReference: string;
  status: string;
  clientInvoiceId: string | null;
  notificationUrl: string | null;
  receiptCount?: number;
};

export type SandboxInvoiceLookup = { findByClientInvoiceId(clientInvoiceId: string): Promise<SandboxFoundInvoice[]> };

/** A lookup over the sandbox's control API; throws a sentence when the lookup fails. */
export function createSandboxInvoiceLookup(options: { sandboxBaseUrl: string; terminalId: string; timeoutMs: number }): SandboxInvoiceLookup {
  return {
    async findByClientInvoiceId(clientInvoiceId: string) {
      const url = new URL('/sandbox/invoices', options.sandboxBaseUrl);
      url.searchParams.set('clientInvoiceId', clientInvoiceId);
      url.searchParams.set('terminalId', options.terminalId);
      const started = Date.now();
      let outcome = 'failed';
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
        if (!response.ok) throw new Error(`the sandbox answered HTTP ${response.status}`);
        const parsed = FoundInvoicesSchema.safeParse(await response.json());
        if (!parsed.success) throw new Error('the sandbox answered something that is not an invoice list');
        outcome = `${parsed.data.invoices.length} found`;
        return parsed.data.invoices.map(({ paymentReceipts, ...invoice }) => ({ ...invoice, receiptCount: paymentReceipts }));
      } catch (error) {
        throw new Error(`Looking up invoice ${clientInvoiceId} failed: ${error instanceof Error ? error.message : String(error)}.`);
      } finally {
        console.log(`[seqr] invoice lookup by clientInvoiceId → ${outcome} in ${Date.now() - started} ms`);
      }
    },
  };
}
