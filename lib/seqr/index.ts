// lib/seqr: everything SOAP. The rest of the shop imports from here and never from `soap`.
import { getConfig } from '../config';
import { createSeqrClient, type SeqrClient } from './client';

export { appLink, type AppScheme } from './app-link';
export { createSeqrClient, SeqrInputError, WSDL_PATH, type CallOptions, type SeqrCallRecord, type SeqrClient, type SeqrClientOptions } from './client';
export { isSeqrError, isSeqrResultError, isSeqrTransportError, SeqrResultError, SeqrTransportError, type SeqrOperation, type TransportFailure } from './errors';
export { createSandboxInvoiceLookup, type SandboxFoundInvoice, type SandboxInvoiceLookup } from './sandbox-invoice-lookup';
export { describeResultCode, ResultCode, RESULT_CODES } from './result-codes';
export * from './types';

const globalForSeqr = globalThis as typeof globalThis & { __seqrShopClient?: SeqrClient };

/** The process's one SEQR client, configured from the environment (WSDL parsed on first call). */
export function getSeqrClient(): SeqrClient {
  if (!globalForSeqr.__seqrShopClient) {
    const { seqr } = getConfig();
    globalForSeqr.__seqrShopClient = createSeqrClient({
      endpointUrl: seqr.endpointUrl,
      terminal: { id: seqr.terminalId, password: seqr.terminalPassword },
      reseller: seqr.reseller,
      clientId: seqr.clientId,
      timeoutMs: seqr.timeoutMs,
    });
  }
  return globalForSeqr.__seqrShopClient;
}
