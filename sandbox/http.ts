// Everything the sandbox serves over HTTP besides the SOAP semantics: routing of the SOAP
// endpoint (with fault injection), the JSON control API for tests, the wallet simulator (the
// customer's phone) and the /sandbox page that shows what happened.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { INJECTABLE_CODES, OPERATIONS, RESULT_NAMES, type Operation } from './codes';
import type { SandboxConfig } from './config';
import { INVOICE_STATUSES, isFinal, isHttpUrl, iso, type CustomerAction, type HistoryEvent, type Invoice, type SandboxModel } from './model';
import type { CallRecord } from './soap-service';
import { soapFault } from './soap-fault';

export interface Faults {
  down?: boolean;
  slowMs?: number;
  resultCode?: number;
  operation?: Operation;
  garbage?: boolean;
  dropNotifications?: boolean;
}

export interface SandboxContext {
  model: SandboxModel;
  faults: Faults;
  config: SandboxConfig;
  wsdlXml(): string;
  processSoap(xml: string): Promise<{ status: number; body: string; record?: CallRecord }>;
  /** Call after every state change (starts saving, re-arms timers, sends notifications). */
  changed(): void;
  /** Resolves once every change made so far is on disk; rejects (with a sentence) when saving failed. */
  durable(): Promise<void>;
  reset(): void;
  log(line: string): void;
  startedAt: number;
}

const SOAP_PATHS = new Set(['/soap/merchant/cashregister-2', '/extclientproxy/service/v2']);
const MAX_BODY = 5 * 1024 * 1024;
const GARBAGE = 'SEQR gateway hiccup: this response is deliberately not XML }}}{{{';

// ---------------------------------------------------------------------------------------------
// Fault switches

const FaultsBody = z.strictObject(
  {
    down: z.boolean({ error: '"down" must be true or false.' }).optional(),
    slowMs: z
      .number({ error: '"slowMs" must be a number of milliseconds.' })
      .int({ error: '"slowMs" must be a whole number of milliseconds.' })
      .min(0, { error: '"slowMs" must be 0 or more.' })
      .max(120_000, { error: '"slowMs" must be at most 120000 (two minutes).' })
      .optional(),
    resultCode: z
      .number({ error: '"resultCode" must be a SEQR result code such as 94.' })
      .int({ error: '"resultCode" must be a whole number.' })
      .refine((code) => (INJECTABLE_CODES as readonly number[]).includes(code), {
        error: `"resultCode" must be one of ${INJECTABLE_CODES.join(', ')} (for example 90 SYSTEM_ERROR, 93 SYSTEM_BUSY, 94 SERVICE_UNAVAILABLE).`,
      })
      .nullable()
      .optional(),
    operation: z.enum(OPERATIONS, { error: `"operation" must be one of the SOAP operations: ${OPERATIONS.join(', ')}.` }).nullable().optional(),
    garbage: z.boolean({ error: '"garbage" must be true or false.' }).optional(),
    dropNotifications: z.boolean({ error: '"dropNotifications" must be true or false.' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown fault switch ${issue.keys.map((k) => `"${k}"`).join(', ')}; use down, slowMs, resultCode (+ operation), garbage or dropNotifications.` : 'The body must be a JSON object of fault switches, such as {"down":true}.') },
);

function applyFaults(faults: Faults, body: z.infer<typeof FaultsBody>): string | undefined {
  const next: Faults = { ...faults };
  const flag = (key: 'down' | 'garbage' | 'dropNotifications') => {
    if (body[key] === undefined) return;
    if (body[key]) next[key] = true;
    else delete next[key];
  };
  flag('down');
  flag('garbage');
  flag('dropNotifications');
  if (body.slowMs !== undefined) {
    if (body.slowMs > 0) next.slowMs = body.slowMs;
    else delete next.slowMs;
  }
  if (body.resultCode !== undefined) {
    if (body.resultCode === null) {
      delete next.resultCode;
      delete next.operation;
    } else {
      next.resultCode = body.resultCode;
      if (body.operation === undefined) delete next.operation;
    }
  }
  if (body.operation !== undefined) {
    if (body.operation === null) delete next.operation;
    else next.operation = body.operation;
  }
  if (next.operation !== undefined && next.resultCode === undefined) return '"operation" only makes sense together with "resultCode", such as {"resultCode":94,"operation":"sendInvoice"}.';
  for (const key of Object.keys(faults) as (keyof Faults)[]) delete faults[key];
  Object.assign(faults, next);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Views

function walletPath(ref: string): string {
  return `/app/R${ref}`;
}

export function invoiceSummary(invoice: Invoice) {
  return {
    invoiceReference: invoice.invoiceReference,
    status: invoice.status,
    version: invoice.version,
    terminalId: invoice.terminalId,
    clientInvoiceId: invoice.body.clientInvoiceId ?? null,
    title: invoice.body.title ?? null,
    totalAmount: invoice.body.totalAmount ?? null,
    notificationUrl: invoice.body.notificationUrl ?? null,
    createdAt: iso(invoice.createdAt),
    confirmed: invoice.confirmed,
    reversed: invoice.reversed,
    /** Receipts stored for the payment (submitPaymentReceipt), so a shop can tell whether its receipt arrived. */
    paymentReceipts: invoice.receipts.filter((r) => r.forKind === 'payment').length,
    walletUrl: walletPath(invoice.invoiceReference),
  };
}

function receiptText(data: string | undefined, mimeType: string | undefined): string | null {
  if (!data || !/^(text\/|application\/(xml|json)|plain\/)/.test(mimeType ?? '')) return null;
  const text = Buffer.from(data, 'base64').toString('utf8');
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

export function invoiceDetail(invoice: Invoice) {
  const refunded = invoice.refunds.reduce((sum, r) => sum + Math.round(Number(r.amount.value) * 100), 0);
  return {
    ...invoiceSummary(invoice),
    invoiceQRCode: `HTTP://SEQR.SE/R${invoice.invoiceReference}`,
    paymentMode: invoice.body.paymentMode ?? null,
    acknowledgmentMode: invoice.body.acknowledgmentMode ?? null,
    issueDate: invoice.body.issueDate ?? null,
    cashierId: invoice.body.cashierId ?? null,
    rows: invoice.body.invoiceRows,
    backURL: invoice.body.backURL ?? null,
    notificationUrl: invoice.body.notificationUrl ?? null,
    ersReference: invoice.ersReference ?? null,
    payerTerminalId: invoice.payerTerminalId ?? null,
    committedAmount: invoice.committedAmount ?? null,
    scanned: invoice.scannedAt !== undefined,
    updatedAt: iso(invoice.updatedAt),
    scannedAt: iso(invoice.scannedAt) ?? null,
    paidAt: iso(invoice.paidAt) ?? null,
    confirmedAt: iso(invoice.confirmedAt) ?? null,
    reversedAt: iso(invoice.reversedAt) ?? null,
    notifications: invoice.notifications.map((n) => ({ at: iso(n.at), url: n.url, httpStatus: n.httpStatus, ...(n.error ? { error: n.error } : {}), ...(n.dropped ? { dropped: true } : {}) })),
    refunds: invoice.refunds.map((r) => ({ ersReference: r.ersReference, at: iso(r.at), amount: r.amount, title: r.title ?? null, clientInvoiceId: r.clientInvoiceId ?? null, cashierId: r.cashierId ?? null })),
    refundedAmount: { currency: invoice.body.totalAmount?.currency ?? null, value: (refunded / 100).toFixed(2) },
    receipts: invoice.receipts.map((r) => ({
      ersReference: r.ersReference,
      at: iso(r.at),
      forReference: r.forReference,
      forKind: r.forKind,
      mimeType: r.mimeType ?? null,
      receiptType: r.receiptType ?? null,
      size: r.receiptData ? Buffer.from(r.receiptData, 'base64').length : 0,
      text: receiptText(r.receiptData, r.mimeType),
    })),
    history: invoice.history.map((h) => ({ ...h, at: iso(h.at) })),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function writeHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const page = (title: string, body: string, extraHead = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>${extraHead}
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}
main{max-width:760px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:.2em 0}h2{font-size:1.1rem;margin:.2em 0}
table{width:100%;border-collapse:collapse;font-size:.95rem}td,th{padding:6px 4px;border-bottom:1px solid #e3e5e8;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
.total{font-size:1.3rem;font-weight:700;text-align:right}
.status{display:inline-block;padding:2px 8px;border-radius:99px;background:#e8eaee;font-weight:600}
.status-PAID{background:#d5f5dd}.status-CANCELED,.status-FAILED,.status-EXPIRED{background:#fbdada}
.actions{display:flex;gap:8px;flex-wrap:wrap}.actions form{flex:1}
button{width:100%;font-size:1.1rem;padding:14px;border:0;border-radius:10px;cursor:pointer;background:#e3e5e8}
button.pay{background:#1a7f37;color:#fff}button.cancel{background:#c9d1d9}button.fail{background:#cf222e;color:#fff}
.brand{color:#6b7280;font-size:.85rem;margin:0}.muted{color:#6b7280;font-size:.85rem}.error{color:#a40e26;font-weight:600}
code{font-size:.85em}
</style></head><body><main>${body}</main></body></html>`;

// ---------------------------------------------------------------------------------------------
// Wallet simulator (the customer's phone)

/** Where the app would go after paying: the shop's page, or (an app scheme) the app, shown with its URL. */
function returnLink(backURL: string): string {
  if (isHttpUrl(backURL)) return `<p><a href="${escapeHtml(backURL)}">Back to the shop</a></p>`;
  // Schemes that run code in the page are shown, never linked: this page is the tester's.
  const linkable = !/^(?:javascript|data|vbscript|file):/i.test(backURL);
  const shown = `<code data-testid="return-url">${escapeHtml(backURL)}</code>`;
  return linkable
    ? `<p data-testid="app-return">The SEQR app now returns to your app: <a href="${escapeHtml(backURL)}">${shown}</a></p>`
    : `<p data-testid="app-return">The SEQR app now returns to ${shown}.</p>`;
}

function walletPage(ctx: SandboxContext, invoice: Invoice, base: string, error?: string): string {
  const terminal = ctx.model.state.terminals[invoice.terminalId];
  const currency = invoice.body.totalAmount?.currency ?? '';
  const rows = invoice.body.invoiceRows
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.itemDescription ?? '')}</td><td class="num">${escapeHtml(row.itemQuantity ?? '')}</td><td class="num">${escapeHtml(row.itemTotalAmount?.value ?? '')} ${escapeHtml(row.itemTotalAmount?.currency ?? '')}</td></tr>`,
    )
    .join('');
  const action = (name: CustomerAction, label: string) =>
    `<form method="post" action="${base}/R${invoice.invoiceReference}/${name}"><button class="${name}" type="submit">${label}</button></form>`;
  let controls = '';
  if (!isFinal(invoice.status)) {
    const buttons: string[] = [];
    if (invoice.status === 'ISSUED' && invoice.scannedAt === undefined) buttons.push(action('scan', 'Scan'));
    if (invoice.status === 'ISSUED') buttons.push(action('pay', 'Pay'));
    buttons.push(action('cancel', 'Cancel'), action('fail', 'Fail'));
    controls = `<div class="actions">${buttons.join('')}</div>`;
    if (invoice.status === 'PENDING_ISSUER_ACKNOWLEDGE') controls = `<p>Waiting for the merchant to acknowledge (updateInvoice)…</p>${controls}`;
    if (invoice.status === 'RESERVED') controls = `<p>The amount is reserved; waiting for the merchant to commit.</p>${controls}`;
  } else if (invoice.body.backURL) {
    controls = returnLink(invoice.body.backURL);
  }
  return page(
    `SEQR — ${invoice.body.title ?? 'Invoice'}`,
    `<p class="brand">SEQR sandbox wallet</p>
<div class="card"><h1>${escapeHtml(invoice.body.title ?? 'Invoice')}</h1><p class="muted">${escapeHtml(terminal?.name ?? invoice.terminalId)} · invoice ${invoice.invoiceReference}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<table><thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Total</th></tr></thead><tbody>${rows}</tbody></table>
<p class="total">Total ${escapeHtml(invoice.body.totalAmount?.value ?? '')} ${escapeHtml(currency)}</p>
<p>Status: <span class="status status-${invoice.status}" data-testid="status">${invoice.status}</span></p>
${controls}</div>`,
  );
}

// ---------------------------------------------------------------------------------------------
// The /sandbox page

function eventRow(event: HistoryEvent & { at?: string | number }): string {
  const at = typeof event.at === 'number' ? new Date(event.at).toISOString() : String(event.at);
  return `<tr><td class="muted">${escapeHtml(at.replace('T', ' ').replace('Z', ''))}</td><td>${escapeHtml(event.kind)}</td><td>${escapeHtml(event.text)}</td></tr>`;
}

function sandboxPage(ctx: SandboxContext): string {
  const invoices = [...ctx.model.state.invoices].reverse();
  const faults = Object.keys(ctx.faults).length ? `<p class="error">Faults active: <code>${escapeHtml(JSON.stringify(ctx.faults))}</code></p>` : '';
  const cards = invoices
    .map(
      (invoice) => `<div class="card"><h2><a href="${walletPath(invoice.invoiceReference)}">${invoice.invoiceReference}</a> <span class="status status-${invoice.status}">${invoice.status}</span> v${invoice.version}</h2>
<p>${escapeHtml(invoice.body.title ?? '')} · ${escapeHtml(invoice.body.totalAmount?.value ?? '')} ${escapeHtml(invoice.body.totalAmount?.currency ?? '')} · terminal ${escapeHtml(invoice.terminalId)}${invoice.ersReference ? ` · payment ${invoice.ersReference}` : ''}${invoice.confirmed ? ' · confirmed' : ''}${invoice.reversed ? ' · <strong>reversed</strong>' : ''}</p>
<table><tbody>${invoice.history.map(eventRow).join('')}</tbody></table></div>`,
    )
    .join('');
  const periods = ctx.model.state.periods
    .slice(-10)
    .reverse()
    .map((p) => `<tr><td>${p.transactionPeriodId}</td><td>${escapeHtml(p.resellerId)}</td><td>${escapeHtml(p.terminalId ?? '')}</td><td class="muted">${new Date(p.markedAt).toISOString()}</td></tr>`)
    .join('');
  return page(
    'SEQR sandbox',
    `<h1>SEQR sandbox</h1>
<p class="muted">SOAP endpoint <code>/soap/merchant/cashregister-2</code> (WSDL: <a href="/soap/merchant/cashregister-2?wsdl">?wsdl</a>) · confirmation window ${ctx.config.confirmWindowS} s · invoice TTL ${ctx.config.invoiceTtlS} s · API mode ${ctx.config.apiMode}${ctx.config.strict ? ' · strict' : ''} · <a href="/sandbox">refresh</a></p>
${faults}
${periods ? `<div class="card"><h2>Transaction periods</h2><table><tbody>${periods}</tbody></table></div>` : ''}
${cards || '<p>No invoices yet.</p>'}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The handler

export function createHttpHandler(ctx: SandboxContext) {
  /**
   * Durable before answering: an answer leaves only once the changes made so far — its own and
   * any other it could show — are on disk (at once when nothing is pending). When saving failed
   * the answer is a 500 with the sentence, never an acknowledgement a crash could take back.
   */
  async function whenSaved(write: () => void, failed: (sentence: string) => void): Promise<void> {
    try {
      await ctx.durable();
    } catch (error) {
      failed(`${(error as Error).message} So this request is not acknowledged; its change may be lost if the sandbox stops now.`);
      return;
    }
    write();
  }
  const sendJson = (res: ServerResponse, status: number, body: unknown) =>
    whenSaved(
      () => writeJson(res, status, body),
      (sentence) => writeJson(res, 500, { error: sentence }),
    );
  const sendHtml = (res: ServerResponse, status: number, html: string) =>
    whenSaved(
      () => writeHtml(res, status, html),
      (sentence) => writeHtml(res, 500, page('SEQR sandbox', `<p class="error" role="alert">${escapeHtml(sentence)}</p>`)),
    );

  async function soapEndpoint(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (ctx.faults.down) {
      // "SEQR is down": the connection is reset without an answer.
      req.socket.destroy();
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if ([...url.searchParams.keys()].some((key) => key.toLowerCase() === 'wsdl')) {
        const xml = ctx.wsdlXml();
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) });
        res.end(req.method === 'HEAD' ? undefined : xml);
        return;
      }
      return sendHtml(res, 200, page('SEQR sandbox', `<p>SEQR merchant SOAP endpoint. POST SOAP 1.1 requests here; the WSDL is at <a href="?wsdl">?wsdl</a>.</p>`));
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain' });
      res.end('Use POST for SOAP requests or GET ?wsdl for the WSDL.');
      return;
    }
    const started = Date.now();
    const xml = await readBody(req);
    if (ctx.faults.garbage) {
      if (ctx.faults.slowMs) await sleep(ctx.faults.slowMs);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(GARBAGE);
      ctx.log(`[soap] (garbage fault) answered non-XML in ${Date.now() - started} ms`);
      return;
    }
    let { status, body, record } =
      xml === undefined
        ? { status: 413, body: soapFault('soap:Client', 'The request is larger than 5 MB.'), record: undefined }
        : await ctx.processSoap(xml);
    try {
      await ctx.durable(); // durable before answering (see whenSaved)
    } catch (error) {
      status = 500;
      body = soapFault('soap:Server', `${(error as Error).message} The call is not acknowledged; its change may be lost if the sandbox stops now.`);
      record = undefined;
    }
    // "SEQR is slow": the request is carried out at once and the answer comes late, so a client
    // that gives up waiting leaves an invoice or refund behind, as with a real slow server.
    if (ctx.faults.slowMs) await sleep(ctx.faults.slowMs);
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    if (!ctx.config.logCalls && status === 200) return;
    if (record) {
      ctx.log(`[soap] ${record.operation} ${record.principal ?? ''} → ${record.resultCode} ${RESULT_NAMES[record.resultCode ?? 90] ?? ''} in ${Date.now() - started} ms`);
    } else {
      ctx.log(`[soap] fault HTTP ${status} in ${Date.now() - started} ms`);
    }
  }

  async function wallet(req: IncomingMessage, res: ServerResponse, base: string, ref: string, action: string | undefined): Promise<void> {
    const invoice = ctx.model.find(ref);
    if (!invoice) {
      return sendHtml(res, 404, page('SEQR — unknown invoice', `<p class="brand">SEQR sandbox wallet</p><div class="card"><p class="error">There is no invoice with reference ${escapeHtml(ref)}.</p></div>`));
    }
    if (action === undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
      return sendHtml(res, 200, walletPage(ctx, invoice, base));
    }
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    await readBody(req, 64 * 1024);
    const result = ctx.model.customer(ref, action as CustomerAction);
    ctx.changed();
    if (!result.ok) return sendHtml(res, result.httpStatus, walletPage(ctx, invoice, base, result.error));
    // Like the app: after paying or cancelling, open backURL (same URL for both, §6.2). An app's
    // own scheme cannot be opened here, so the wallet page shows the return as a visible link.
    const back = action !== 'scan' ? invoice.body.backURL : undefined;
    if (back !== undefined && !isHttpUrl(back)) return sendHtml(res, 200, walletPage(ctx, invoice, base));
    const location = back ?? `${base}/R${ref}`;
    return whenSaved(
      () => {
        res.writeHead(303, { location, 'content-type': 'text/plain' });
        res.end(`See ${location}`);
      },
      (sentence) => writeHtml(res, 500, walletPage(ctx, invoice, base, sentence)),
    );
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
    const [section, ref, action, extra] = parts;
    if (section === 'health' && parts.length === 1) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, {
        ok: true,
        uptimeS: Math.round((Date.now() - ctx.startedAt) / 1000),
        invoices: ctx.model.state.invoices.length,
        confirmWindowS: ctx.config.confirmWindowS,
        invoiceTtlS: ctx.config.invoiceTtlS,
        reportDelayS: ctx.config.reportDelayS,
        apiMode: ctx.config.apiMode,
        strict: ctx.config.strict,
        faults: ctx.faults,
      });
    }
    if (section === 'invoices' && ref === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const status = url.searchParams.get('status');
      if (status !== null && !(INVOICE_STATUSES as readonly string[]).includes(status)) {
        return sendJson(res, 400, { error: `Unknown status "${status}"; use one of ${INVOICE_STATUSES.join(', ')}.` });
      }
      const terminal = url.searchParams.get('terminalId');
      const clientInvoiceId = url.searchParams.get('clientInvoiceId');
      const invoices = ctx.model.state.invoices.filter(
        (i) =>
          (status === null || i.status === status) &&
          (terminal === null || i.terminalId === terminal) &&
          (clientInvoiceId === null || i.body.clientInvoiceId === clientInvoiceId),
      );
      return sendJson(res, 200, { invoices: invoices.map(invoiceSummary) });
    }
    if (section === 'invoices' && ref !== undefined && extra === undefined) {
      const invoice = ctx.model.find(ref);
      if (!invoice) return sendJson(res, 404, { error: `There is no invoice with reference ${ref}.` });
      if (action === undefined) {
        if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
        return sendJson(res, 200, invoiceDetail(invoice));
      }
      if (!['scan', 'pay', 'cancel', 'fail'].includes(action)) return sendJson(res, 404, { error: `Unknown customer action "${action}"; use scan, pay, cancel or fail.` });
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      await readBody(req, 64 * 1024);
      const result = ctx.model.customer(ref, action as CustomerAction);
      ctx.changed();
      if (!result.ok) return sendJson(res, result.httpStatus, { error: result.error });
      return sendJson(res, 200, invoiceDetail(result.invoice));
    }
    if (section === 'faults' && parts.length === 1) {
      if (req.method === 'GET') return sendJson(res, 200, ctx.faults);
      if (req.method === 'DELETE') {
        for (const key of Object.keys(ctx.faults) as (keyof Faults)[]) delete ctx.faults[key];
        return sendJson(res, 200, ctx.faults);
      }
      if (req.method !== 'POST') return methodNotAllowed(res, 'GET, POST, DELETE');
      const text = (await readBody(req, 64 * 1024)) ?? '';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return sendJson(res, 400, { error: 'The body must be JSON, such as {"down":true}.' });
      }
      const parsed = FaultsBody.safeParse(json);
      if (!parsed.success) return sendJson(res, 400, { error: parsed.error.issues.map((i) => i.message).join(' ') });
      const problem = applyFaults(ctx.faults, parsed.data);
      if (problem) return sendJson(res, 400, { error: problem });
      ctx.log(`[sandbox] faults now ${JSON.stringify(ctx.faults)}`);
      return sendJson(res, 200, ctx.faults);
    }
    if (section === 'reset' && parts.length === 1) {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      ctx.reset();
      ctx.log('[sandbox] state reset');
      return sendJson(res, 200, { ok: true });
    }
    if (section === 'terminals' && parts.length === 1) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const terminals = Object.values(ctx.model.state.terminals).map(({ password: _password, ...t }) => ({ ...t, registeredAt: iso(t.registeredAt), unregisteredAt: iso(t.unregisteredAt) }));
      return sendJson(res, 200, { terminals });
    }
    if (section === 'periods' && parts.length === 1) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      // Every markTransactionPeriod made: shop periods have no terminalId, terminal periods have one.
      const periods = ctx.model.state.periods.map((p) => ({ ...p, from: iso(p.from), to: iso(p.to), markedAt: iso(p.markedAt) }));
      return sendJson(res, 200, { periods });
    }
    return sendJson(res, 404, { error: `Nothing at ${url.pathname}. The control API has /sandbox/health, /sandbox/invoices, /sandbox/faults, /sandbox/reset, /sandbox/terminals and /sandbox/periods.` });
  }

  function methodNotAllowed(res: ServerResponse, allow: string): Promise<void> {
    res.setHeader('allow', allow);
    return sendJson(res, 405, { error: `Method not allowed here; use ${allow}.` });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    if (SOAP_PATHS.has(pathname)) return soapEndpoint(req, res, url);

    const app = /^(\/sandbox\/app|\/app)\/R([^/]+)(?:\/([a-z]+))?$/.exec(pathname);
    if (app) {
      const [, base = '/app', ref = '', action] = app;
      if (action !== undefined && !['scan', 'pay', 'cancel', 'fail'].includes(action)) return sendHtml(res, 404, page('SEQR sandbox', '<p>Unknown action.</p>'));
      const decoded = decode(ref);
      if (decoded === undefined) return sendHtml(res, 400, page('SEQR sandbox', '<p>That invoice reference is not valid URL text.</p>'));
      return wallet(req, res, base, decoded, action);
    }
    if (pathname === '/sandbox') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
      return sendHtml(res, 200, sandboxPage(ctx));
    }
    if (pathname.startsWith('/sandbox/')) {
      const parts = pathname.slice('/sandbox/'.length).split('/').map(decode);
      if (parts.some((part) => part === undefined)) return sendJson(res, 400, { error: 'The path is not valid URL text.' });
      return control(req, res, url, parts as string[]);
    }
    if (pathname === '/') {
      res.writeHead(302, { location: '/sandbox' });
      res.end();
      return;
    }
    return sendJson(res, 404, { error: `Nothing at ${pathname}. Try /sandbox.` });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      ctx.log(`[sandbox] request ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) writeJson(res, 500, { error: 'The sandbox failed to handle this request; see its log.' });
      else res.destroy();
    });
  };
}
