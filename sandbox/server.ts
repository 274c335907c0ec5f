// Wires the sandbox together: config → store → model → node-soap server → HTTP server, plus the
// timers (confirmation window, TTL) and the notificationUrl POSTs.
//
// Why node-soap runs "serverless" behind our own http.Server instead of letting soap.listen own
// the path: soap.listen answers malformed XML with a plain-text stack trace and unknown
// operations with a SOAP 1.2-style fault, cannot serve the alias path, and leaves no place for
// fault injection. So we route HTTP ourselves, check the envelope, and hand well-formed requests
// for known operations to node-soap's Server.processRequest, which dispatches to our service
// object and serialises the response from the WSDL.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import soap from 'soap';
import { isOperation, type Operation } from './codes';
import { loadSandboxConfig, PROJECT_ROOT, type SandboxConfig } from './config';
import { createHttpHandler, type Faults, type SandboxContext } from './http';
import { emptyState, seedState, SandboxModel } from './model';
import { createSoapServices, type CallRecord } from './soap-service';
import { soapFault } from './soap-fault';
import { checkRequest, loadRequestSchema } from './soap-schema';
import { StateStore } from './store';

export const SOAP_PATH = '/soap/merchant/cashregister-2';
export const SOAP_ALIAS_PATH = '/extclientproxy/service/v2';
export const WSDL_FILE = path.join(PROJECT_ROOT, 'lib', 'seqr', 'merchant.wsdl');
export const SEQR_NS = 'http://external.interfaces.ers.seamless.com/';
const NOTIFY_TIMEOUT_MS = 5000;

export interface SandboxOptions extends Partial<SandboxConfig> {
  /** Where log lines go (default console.log). */
  log?: (line: string) => void;
  /** Host to bind (default: all interfaces). */
  host?: string;
}

export interface RunningSandbox {
  url: string;
  wsdlUrl: string;
  endpointUrl: string;
  port: number;
  close(): Promise<void>;
}

// Keep every leaf of a request as text: amounts must stay exact decimal strings, and dates and
// numbers are validated by our own zod schemas.
const keepText = (value: string) => value;
const TEXT_DESERIALIZER = { decimal: keepText, int: keepText, long: keepText, dateTime: keepText, base64Binary: keepText, double: keepText, float: keepText };

/**
 * node-soap writes `<soap:Envelope xmlns:soap=… xmlns:tns=…><soap:Body><tns:xResponse>`. Rewrite it
 * to the shape of §1.2 (`<ns2:xResponse xmlns:ns2=…>`, children unqualified). Equivalent XML
 * either way; this just matches what SEQR's CXF server sent. Leaves anything unexpected alone.
 */
export function normalizeEnvelope(xml: string): string {
  const match = /^<\?xml[^>]*\?>\s*<soap:Envelope xmlns:soap="([^"]+)"\s+xmlns:tns="([^"]+)"\s*>([\s\S]*)<\/soap:Envelope>\s*$/.exec(xml);
  if (!match || match[2] !== SEQR_NS) return xml;
  const inner = match[3] ?? '';
  const rest = inner.replace(/<tns:(\w+Response)>/, `<ns2:$1 xmlns:ns2="${SEQR_NS}">`).replace(/<\/tns:(\w+Response)>/, '</ns2:$1>');
  if (/\btns:/.test(rest)) return xml;
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${match[1]}">${rest}</soap:Envelope>`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const defaults = loadSandboxConfig({});
  const config: SandboxConfig = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const log = options.log ?? ((line: string) => console.log(line));
  const wsdlText = servedWsdl(fs.readFileSync(WSDL_FILE, 'utf8'), config.apiMode);
  const requestSchema = loadRequestSchema(wsdlText);

  const store = new StateStore(config.dataDir, log);
  const state = store.load();
  store.bind(() => model.state);
  seedState(state, config.terminals);
  const model = new SandboxModel(state, {
    confirmWindowS: config.confirmWindowS,
    invoiceTtlS: config.invoiceTtlS,
    reportDelayS: config.reportDelayS,
    apiMode: config.apiMode,
    strict: config.strict,
  });
  // Journal each changed invoice. A SOAP call's own history line ("SOAP getPaymentStatus → 0")
  // is bookkeeping: it alone must not cost an fsync, so a poll that changes nothing stays cheap.
  model.onInvoiceEvent = (invoice, event) => store.touch(invoice, event.kind === 'soap');

  const faults: Faults = {};
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  const pendingNotifications = new Set<Promise<void>>();

  const persist = () => store.changed();
  let lastCall: CallRecord | undefined;

  /**
   * After any change: apply due timers, send notifications, start saving, re-arm the timer. The
   * answer to the request that caused it waits for the save (context.durable); timer-driven
   * changes and notification records are saved the same way with nobody waiting.
   */
  function changed(): void {
    model.tick();
    for (const line of model.logbook.splice(0)) log(line);
    for (const outgoing of model.outbox.splice(0)) {
      const sending = notify(outgoing.invoiceReference, outgoing.url).finally(() => pendingNotifications.delete(sending));
      pendingNotifications.add(sending);
    }
    persist();
    arm();
  }

  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closing) return;
    const next = model.nextDeadline();
    if (next === undefined) return;
    // Cap the delay: setTimeout overflows past ~24.8 days, and a short cap costs nothing.
    const delay = Math.min(Math.max(next - Date.now(), 0) + 5, 60_000);
    timer = setTimeout(changed, delay);
  }

  /**
   * As SEQR sent it (PROTOCOL.md §11): a form POST of `invoiceReference=<ref>`, which SEQR's webshop
   * sample reads to know which invoice to ask about. 5 s timeout, one attempt; the outcome is
   * recorded, never thrown.
   */
  async function notify(invoiceReference: string, url: string): Promise<void> {
    const at = Date.now();
    if (faults.dropNotifications) {
      model.recordNotification(invoiceReference, { at, url, httpStatus: null, dropped: true });
      log(`[sandbox] notification for ${invoiceReference} dropped (fault switch)`);
      persist();
      return;
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ invoiceReference }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      model.recordNotification(invoiceReference, { at, url, httpStatus: response.status });
      log(`[sandbox] notification POST ${url} → HTTP ${response.status}`);
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${NOTIFY_TIMEOUT_MS / 1000} s` : causeOf(error)) : String(error);
      model.recordNotification(invoiceReference, { at, url, httpStatus: null, error: reason });
      log(`[sandbox] notification POST ${url} failed: ${reason}`);
    }
    persist();
  }

  const services = createSoapServices({
    model,
    injectedCode: (operation: Operation) =>
      faults.resultCode !== undefined && (faults.operation === undefined || faults.operation === operation) ? faults.resultCode : undefined,
    afterCall: (record: CallRecord) => {
      lastCall = record;
      if (record.resultCode !== undefined) model.recordSoapCall(record.reference, record.operation, record.resultCode);
      changed();
    },
  });
  const soapServer = await new Promise<soap.Server>((resolve, reject) => {
    // customDeserializer is honoured by node-soap's WSDL parser but missing from IServerOptions.
    const serverOptions: soap.IServerOptions & { customDeserializer: typeof TEXT_DESERIALIZER } = {
      path: SOAP_PATH,
      services,
      xml: wsdlText,
      customDeserializer: TEXT_DESERIALIZER,
      suppressStack: true,
      enableChunkedEncoding: false,
      callback: (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(server)),
    };
    const server: soap.Server = soap.listen(null, serverOptions);
  });
  const wsdl = (soapServer as unknown as { wsdl: { xmlToObject(xml: string): unknown } }).wsdl;

  let publicUrl = config.publicUrl ?? '';

  /** Handles one SOAP POST body; resolves to status, body and the call record for the log line. */
  async function processSoap(xml: string): Promise<{ status: number; body: string; record?: CallRecord }> {
    // First as SEQR's CXF/JAXB service read it (soap-schema.ts); only a request that passes goes to
    // node-soap, which is lenient about namespaces and types.
    const check = checkRequest(requestSchema, xml);
    if (!check.ok) return { status: 500, body: soapFault('soap:Client', check.faultstring) };
    const name = check.operation;
    if (!isOperation(name)) return { status: 500, body: soapFault('soap:Client', `Unknown operation ${name}.`) };
    try {
      wsdl.xmlToObject(xml);
    } catch {
      return { status: 500, body: soapFault('soap:Client', `The request for ${name} could not be read.`) };
    }
    lastCall = undefined;
    // No SOAPAction header on purpose: §1.1 says accept any value; node-soap would try to match it.
    // Our service methods are synchronous, so the call record is known when processRequest returns.
    const pending = soapServer.processRequest(xml, { headers: { 'content-type': 'text/xml; charset=utf-8' } });
    const record: CallRecord | undefined = lastCall;
    const response = await pending;
    if (response.statusCode >= 500 || !record) {
      return { status: 500, body: soapFault('soap:Server', `The sandbox could not process ${name}.`) };
    }
    return { status: 200, body: normalizeEnvelope(response.body), record };
  }

  const context: SandboxContext = {
    model,
    faults,
    config,
    wsdlXml: () => wsdlText.replace(/(<soap:address\s+location=")[^"]*(")/, `$1${publicUrl}${SOAP_PATH}$2`),
    processSoap,
    changed,
    durable: () => store.sync(),
    reset: () => {
      model.state = emptyState();
      store.replaced();
      seedState(model.state, config.terminals);
      model.outbox.length = 0;
      for (const key of Object.keys(faults) as (keyof Faults)[]) delete faults[key];
      changed();
    },
    log,
    startedAt: Date.now(),
  };

  const server = http.createServer(createHttpHandler(context));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`[sandbox] HTTP server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  publicUrl = config.publicUrl ?? `http://localhost:${port}`;

  // Re-arm timers from stored timestamps: anything that fell due while we were down happens now.
  changed();

  return {
    url: publicUrl,
    wsdlUrl: `${publicUrl}${SOAP_PATH}?wsdl`,
    endpointUrl: `${publicUrl}${SOAP_PATH}`,
    port,
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      await Promise.race([Promise.allSettled([...pendingNotifications]), new Promise((r) => setTimeout(r, 1000))]);
      // Before the port is free: a sandbox started at once on this DATA_DIR must find the final state.
      await store.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The WSDL as this sandbox serves it: SEQR's published one (2.6), or in 2.10 mode with the EXPIRED
 * status the 2.10 client added, so clients that validate answers against the schema accept it.
 */
export function servedWsdl(published: string, apiMode: SandboxConfig['apiMode']): string {
  if (apiMode !== '2.10') return published;
  const withExpired = published.replace(/(<xs:simpleType name="invoiceStatus">[\s\S]*?<xs:enumeration value="RESERVED"\/>)/, '$1\n          <xs:enumeration value="EXPIRED"/>');
  if (withExpired === published) throw new Error('The bundled WSDL has no invoiceStatus enumeration to add EXPIRED to.');
  return withExpired;
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

export { loadSandboxConfig };
