// A hostile SEQR endpoint on 127.0.0.1 for integration tests: a tiny node:http server that forwards
// every SOAP request to a real sandbox (switchable at any time) and lies where a test tells it to.
//
//   const proxy = await startSeqrProxy(sandbox.endpointUrl);
//   proxy.paidAs.set(reference, { value: '1.00' });   // getPaymentStatus PAID reports 1.00 paid
//   proxy.paidAs.set(reference, { currency: 'EUR' }); // … or another currency
//   proxy.invoiceQRCodeAs = 'HTTPS://x';             // sendInvoice answers carry this QR text
//   proxy.forget(reference);                          // SEQR no longer knows it: every call answers 54
//   proxy.upstream = other.endpointUrl;               // talk to another sandbox from now on
//   const held = proxy.hold('getPaymentStatus', ref);  // SEQR's answer is read at once, delivered on
//   held.release();                                    //   release (a call in flight), then passes on
//   proxy.calls                                       // what the shop sent, and what it got back
//
// The answers are the sandbox's own: a forgotten reference is replaced in the request by one the
// sandbox never issued (so 54 comes from SEQR's real code path), and a PAID answer is edited only in
// its receipt's invoice totalAmount.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedCall = { at: Date; operation: string; reference: string | null; resultCode: number | null };

export type SeqrProxy = {
  endpointUrl: string;
  wsdlUrl: string;
  /** The SOAP endpoint requests are forwarded to. */
  upstream: string;
  /** When set, every sendInvoice answer carries this invoiceQRCode instead of the sandbox's. */
  invoiceQRCodeAs: string | undefined;
  /** Invoice reference → what getPaymentStatus's PAID answer claims was paid instead of the truth. */
  paidAs: Map<string, { value?: string; currency?: string }>;
  forget(reference: string): void;
  remember(reference: string): void;
  /**
   * Hold the answers to `operation` for `reference`: the request reaches the sandbox at once (its
   * answer is what SEQR said then), the shop gets it only on release(). `arrived` resolves when the
   * first held request came in.
   */
  hold(operation: string, reference: string): { arrived: Promise<void>; release(): void };
  calls: ProxiedCall[];
  /** Calls of one operation for one reference (invoiceReference or ersReference), optionally since a time. */
  callsOf(operation: string, reference: string, since?: Date): ProxiedCall[];
  close(): Promise<void>;
};

/** An invoice reference the sandbox never issues (its references are 13 digits starting with 17…). */
const UNKNOWN_REFERENCE = '9000000000000';

const operationOf = (xml: string) => /<soap:Body>\s*<(?:\w+:)?(\w+)[\s>]/.exec(xml)?.[1] ?? 'unknown';
const referenceOf = (xml: string) => /<(?:invoiceReference|ersReference)>([^<]+)</.exec(xml)?.[1] ?? null;

export async function startSeqrProxy(upstream: string): Promise<SeqrProxy> {
  const forgotten = new Set<string>();
  const holds = new Map<string, { arrive(): void; released: Promise<void> }>();
  const proxy: Omit<SeqrProxy, 'endpointUrl' | 'wsdlUrl' | 'close'> = {
    upstream,
    invoiceQRCodeAs: undefined,
    paidAs: new Map(),
    forget: (reference) => void forgotten.add(reference),
    remember: (reference) => void forgotten.delete(reference),
    hold(operation, reference) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const key = `${operation} ${reference}`;
      holds.set(key, { arrive, released });
      return {
        arrived,
        release() {
          holds.delete(key);
          release();
        },
      };
    },
    calls: [],
    callsOf: (operation, reference, since) => proxy.calls.filter((call) => call.operation === operation && call.reference === reference && (!since || call.at >= since)),
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body = Buffer.concat(chunks).toString('utf8');
      const operation = operationOf(body);
      const reference = referenceOf(body);
      const call: ProxiedCall = { at: new Date(), operation, reference, resultCode: null };
      if (req.method === 'POST') proxy.calls.push(call);
      if (reference && forgotten.has(reference)) body = body.split(`>${reference}<`).join(`>${UNKNOWN_REFERENCE}<`);
      const target = new URL(proxy.upstream);
      const incoming = new URL(req.url ?? '/', 'http://proxy.local');
      target.search = incoming.search;
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'soapaction']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(target, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
      let text = await answer.text();
      call.resultCode = Number(/<resultCode>(-?\d+)<\/resultCode>/.exec(text)?.[1] ?? NaN);
      if (Number.isNaN(call.resultCode)) call.resultCode = null;
      const lie = reference ? proxy.paidAs.get(reference) : undefined;
      if (lie && operation === 'getPaymentStatus' && text.includes('<status>PAID</status>')) {
        text = text.replace(/<totalAmount><currency>([^<]*)<\/currency><value>([^<]*)<\/value><\/totalAmount>/g, (_all, currency: string, value: string) =>
          `<totalAmount><currency>${lie.currency ?? currency}</currency><value>${lie.value ?? value}</value></totalAmount>`,
        );
      }
      const held = reference ? holds.get(`${operation} ${reference}`) : undefined;
      if (held) {
        held.arrive();
        await held.released;
      }
      const qr = proxy.invoiceQRCodeAs;
      if (qr !== undefined && operation === 'sendInvoice') {
        const escaped = qr.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        text = text.replace(/<invoiceQRCode>[^<]*<\/invoiceQRCode>/, () => `<invoiceQRCode>${escaped}</invoiceQRCode>`);
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })().catch(() => {
      // The upstream is down: so is this endpoint.
      req.socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/soap/merchant/cashregister-2`;
  return Object.assign(proxy, {
    endpointUrl,
    wsdlUrl: `${endpointUrl}?wsdl`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
