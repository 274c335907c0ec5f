// What the bench reads from the sandbox: SEQR's own count of the calls it received.
import { soapCallsOf, type SandboxControl } from '../../tests/helpers/sandbox';
import { mapLimit } from './bench-stats';

/**
 * The calls of `operation` SEQR received about these invoices between two instants, counted from
 * SEQR's side (every call, whatever the shop writes to its timeline). One invoice at a time, a few
 * at once: the sandbox's list leaves the history out.
 */
export async function sandboxCallCounts(
  control: SandboxControl,
  operation: string,
  references: readonly string[],
  from: Date,
  to: Date,
): Promise<{ calls: number; invoices: number; maxPerInvoice: number; failures: number }> {
  const perInvoice = await mapLimit(references, 8, async (reference) => soapCallsOf(await control.invoice(reference), operation, from).filter((call) => call.at < to));
  return {
    calls: perInvoice.reduce((sum, calls) => sum + calls.length, 0),
    invoices: perInvoice.filter((calls) => calls.length > 0).length,
    maxPerInvoice: Math.max(0, ...perInvoice.map((calls) => calls.length)),
    failures: perInvoice.reduce((sum, calls) => sum + calls.filter((call) => call.resultCode !== 0).length, 0),
  };
}
