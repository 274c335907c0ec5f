// Finding an invoice by the shop's own clientInvoiceId, for the one case where the shop does not know
// its reference: the process stopped after calling sendInvoice and before saving the answer.
// SEQR's SOAP API has no such lookup. The local sandbox answers it over its control API, so in the
// demo the shop can find that orphan invoice and cancel it (or adopt it, had it been paid). Against
// a real SEQR endpoint the lookup is 'unsupported': nobody was shown that invoice's QR code or link,
// so nobody can pay it, and SEQR lets it expire.
import { z } from 'zod';
import { getConfig } from '../config';

const FoundInvoicesSchema = z.object({
  invoices: z.array(
    z.object({
      invoiceReference: z.string().min(1),
      status: z.string(),
      clientInvoiceId: z.string().nullable(),
      notificationUrl: z.string().nullable(),
    }),
  ),
});
export type FoundInvoice = z.infer<typeof FoundInvoicesSchema>['invoices'][number];

/** The terminal's invoices with this clientInvoiceId; throws a sentence when the lookup fails. */
export async function findInvoicesByClientInvoiceId(clientInvoiceId: string): Promise<FoundInvoice[] | 'unsupported'> {
  const { seqr } = getConfig();
  if (!seqr.usesSandbox) return 'unsupported';
  const url = new URL('/sandbox/invoices', seqr.sandboxBaseUrl);
  url.searchParams.set('clientInvoiceId', clientInvoiceId);
  url.searchParams.set('terminalId', seqr.terminalId);
  const started = Date.now();
  let outcome = 'failed';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(seqr.timeoutMs) });
    if (!response.ok) throw new Error(`the sandbox answered HTTP ${response.status}`);
    const parsed = FoundInvoicesSchema.safeParse(await response.json());
    if (!parsed.success) throw new Error('the sandbox answered something that is not an invoice list');
    outcome = `${parsed.data.invoices.length} found`;
    return parsed.data.invoices;
  } catch (error) {
    throw new Error(`Looking up invoice ${clientInvoiceId} failed: ${error instanceof Error ? error.message : String(error)}.`);
  } finally {
    console.log(`[seqr] invoice lookup by clientInvoiceId → ${outcome} in ${Date.now() - started} ms`);
  }
}
