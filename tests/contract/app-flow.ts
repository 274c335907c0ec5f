// The in-app flow as a native app's developer writes it: only the typed client generated from the
// shop's OpenAPI document (app-api.d.ts, openapi-fetch), nothing of the shop's code. Every answer
// passes the contract middleware, which checks its status, content type, required headers and JSON
// body against the document, so a route that answers outside its contract fails the flow, saying how.
// The sandbox plays SEQR: its wallet page is the phone, and its control API is what SEQR holds.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { soapCallsOf, type SandboxControl } from '../helpers/sandbox';
import type { components, paths } from './app-api';

export type Schemas = components['schemas'];
export type Cart = Schemas['Cart'];
export type PaymentState = Schemas['PaymentState'];
export type Problem = Schemas['Problem'];
export type AppApi = Client<paths>;

// The parts of an OpenAPI document the contract check reads.
type ResponseObject = { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema?: unknown }> };
type OperationObject = { operationId: string; responses: Record<string, ResponseObject> };
export type OpenApiDocument = { openapi: string; servers?: { url: string }[]; paths: Record<string, Record<string, OperationObject>>; components?: { schemas?: Record<string, unknown> } };

export type Answer = { method: string; schemaPath: string; status: number; contentType: string; headers: Headers; body?: string };

/** The document registered under this id, so each schema is reached by a JSON Pointer into it and its $refs resolve. */
const DOCUMENT_ID = 'https://contract.test/openapi.json';
const pointer = (...parts: string[]) => parts.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const describe = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');

/** Checks answers against the document; remembers which operation answered which status. */
export function contractChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addKeyword('example'); // an OpenAPI annotation, not JSON Schema
  ajv.addKeyword('components').addKeyword('paths'); // the document's parts that hold the schemas
  ajv.addFormat('date-time', (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
  ajv.addFormat('uri', (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value));
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components, paths: document.paths });
  const validate = (at: string, value: unknown, what: string) => {
    const check = ajv.getSchema(`${DOCUMENT_ID}#/${at}`);
    if (!check) throw new Error(`${what}: the document has no schema at ${at}.`);
    if (!check(value)) throw new Error(`${what}: the body is outside its schema: ${describe(check.errors)}. Body: ${JSON.stringify(value).slice(0, 500)}`);
  };
  const seen = new Map<string, Set<number>>();

  return {
    seen,
    /** The operationId that answered; throws with a sentence when the answer is outside the contract. */
    check(answer: Answer): string {
      const method = answer.method.toLowerCase();
      const operation = document.paths[answer.schemaPath]?.[method];
      if (!operation) throw new Error(`${answer.method} ${answer.schemaPath} is not in the document.`);
      const what = `${operation.operationId} (${answer.method} ${answer.schemaPath}) answered ${answer.status}`;
      const response = operation.responses[String(answer.status)] ?? operation.responses.default;
      if (!response) throw new Error(`${what}, a status its contract does not list (it lists ${Object.keys(operation.responses).join(', ')}).`);
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        if (header.required && !answer.headers.has(name)) throw new Error(`${what} without its required ${name} header.`);
      }
      const media = response.content?.[answer.contentType];
      if (!media) throw new Error(`${what} as "${answer.contentType}", which its contract does not list for it (${Object.keys(response.content ?? {}).join(', ') || 'no body'}).`);
      if (answer.contentType.endsWith('json')) {
        let body: unknown;
        try {
          body = JSON.parse(answer.body ?? '');
        } catch {
          throw new Error(`${what} with a body that is not JSON: ${(answer.body ?? '').slice(0, 200)}`);
        }
        validate(pointer('paths', answer.schemaPath, method, 'responses', String(answer.status), 'content', answer.contentType, 'schema'), body, what);
      }
      seen.set(operation.operationId, (seen.get(operation.operationId) ?? new Set()).add(answer.status));
      return operation.operationId;
    },
    /** A value against a named schema (components/schemas), such as each event of a stream. */
    checkSchema(name: keyof Schemas, value: unknown, what: string): void {
      validate(pointer('components', 'schemas', name), value, what);
    },
  };
}
export type ContractChecker = ReturnType<typeof contractChecker>;

/** openapi-fetch middleware: every answer through the checker (JSON bodies read from a clone). */
export function contractMiddleware(checker: ContractChecker): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const body = contentType.endsWith('json') ? await response.clone().text() : undefined;
      checker.check({ method: request.method, schemaPath, status: response.status, contentType, headers: response.headers, body });
    },
  };
}

export type App = { api: AppApi; checker: ContractChecker };

/** The app's client: the document's server (relative: /api/v1) on the shop's origin, every answer checked. */
export function appClient(shopUrl: string, document: OpenApiDocument): App {
  const server = document.servers?.[0]?.url;
  assert.ok(server, 'the document names its server');
  const api = createClient<paths>({ baseUrl: new URL(server, shopUrl).href, headers: { 'accept-language': 'en' } });
  const checker = contractChecker(document);
  api.use(contractMiddleware(checker));
  return { api, checker };
}

type Result<T, E> = { data?: T; error?: E; response: Response };

/** The success body, or a failure that shows the problem. */
export function answered<T, E>(result: Result<T, E>, what: string, status = 200): T {
  if (result.data === undefined) assert.fail(`${what}: HTTP ${result.response.status} ${JSON.stringify(result.error)}`);
  assert.equal(result.response.status, status, `${what}: HTTP ${result.response.status}`);
  return result.data;
}

/** The problem a refusal carries, checked for its status, media type and stable type, with a sentence. */
export function refused<T, E>(result: Result<T, E>, what: string, status: number, type: string): Problem {
  assert.equal(result.response.status, status, `${what}: expected ${status} ${type}, got HTTP ${result.response.status} ${JSON.stringify(result.data ?? result.error)}`);
  assert.equal(result.response.headers.get('content-type'), 'application/problem+json', `${what}: a problem's media type`);
  const problem = result.error as Problem; // the middleware checked it against the Problem schema
  assert.equal(problem.type, `/api/v1/docs#problem-${type}`, `${what}: ${JSON.stringify(problem)}`);
  assert.equal(problem.status, status);
  assert.match(problem.detail, /\S.*[.!?]$/, `${what}: the detail is a sentence`);
  return problem;
}

/** A server-sent event stream's PaymentStates, each checked against the schema, until it ends. */
export async function* paymentEvents(stream: ReadableStream<Uint8Array>, checker: ContractChecker): AsyncGenerator<PaymentState> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
        if (data === '') continue; // a keep-alive comment
        const state: unknown = JSON.parse(data);
        checker.checkSchema('PaymentState', state, 'a streamPaymentState event');
        yield state as PaymentState;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

const unescapeHtml = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The phone: presses a button of the sandbox's wallet page by submitting its form, and returns the page that follows. */
export async function pressInWallet(walletUrl: string, label: 'Pay' | 'Cancel'): Promise<string> {
  const page = await fetch(walletUrl);
  const html = await page.text();
  assert.equal(page.status, 200, `the wallet page ${walletUrl}: HTTP ${page.status}`);
  const forms = [...html.matchAll(/<form\b([^>]*)>\s*<button\b[^>]*>([^<]*)<\/button>\s*<\/form>/g)];
  const form = forms.find((match) => match[2]!.trim() === label);
  assert.ok(form, `the wallet page has a ${label} button: ${html}`);
  const action = /\baction="([^"]*)"/.exec(form[1]!)?.[1];
  assert.equal(/\bmethod="([^"]*)"/.exec(form[1]!)?.[1]?.toLowerCase(), 'post', 'the button submits a POST form');
  assert.ok(action !== undefined, 'the form has an action');
  // As the phone's browser submits a form without fields; an app's return is shown, not followed.
  const response = await fetch(new URL(unescapeHtml(action), walletUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
  const after = await response.text();
  assert.equal(response.status, 200, `pressing ${label}: HTTP ${response.status} ${after.slice(0, 500)}`);
  return after;
}

/** Where the wallet page says the SEQR app returns: the link's target and the URL it shows. */
export function appReturnOf(html: string): { href: string; shown: string } | undefined {
  const match = /<p data-testid="app-return">[^<]*<a href="([^"]*)"><code data-testid="return-url">([^<]*)<\/code><\/a><\/p>/.exec(html);
  return match ? { href: unescapeHtml(match[1]!), shown: unescapeHtml(match[2]!) } : undefined;
}

const RETURN_URL = 'nordvik://orders/{orderToken}';
const DETAILS: Schemas['CheckoutDetailsInput'] = { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '12345', city: 'Stockholm', shipping: 'PICKUP_POINT' };
const oreOf = (amount: { value?: string } | null) => Math.round(Number(amount?.value) * 100);
const newKey = () => ({ 'idempotency-key': randomUUID() });

async function productsInStock(api: AppApi, count: number): Promise<Schemas['Product'][]> {
  const products = answered(await api.GET('/products'), 'listProducts').products.filter((product) => product.available >= 3);
  assert.ok(products.length >= count, `the catalog has ${count} products with 3 units in stock`);
  return products.slice(0, count);
}

/** A cart of the product with the checkout details set: ready for createPayment. */
async function readyCart(api: AppApi, slug: string): Promise<Cart> {
  const cart = answered(await api.POST('/carts', { params: { header: newKey() }, body: { items: [{ slug, quantity: 1 }] } }), 'createCart', 201);
  return answered(await api.PUT('/carts/{cartId}/checkout-details', { params: { path: { cartId: cart.id } }, body: DETAILS }), 'setCheckoutDetails');
}

async function issuedPayment(api: AppApi, cartId: string, returnUrl?: string): Promise<PaymentState & { attempt: Schemas['PaymentAttempt'] }> {
  const result = await api.POST('/payments', { params: { header: newKey() }, body: { cartId, ...(returnUrl ? { returnUrl } : {}) } });
  const state = answered(result, 'createPayment', 201);
  assert.equal(result.response.headers.get('location'), `/api/v1/payments/${state.orderToken}`);
  assert.equal(state.attempt?.status, 'ISSUED', `the invoice is issued: ${JSON.stringify(state.attempt)}`);
  return state as PaymentState & { attempt: Schemas['PaymentAttempt'] };
}

const withDeadline = <T>(what: string, ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())]);

/** (a) Catalog → cart → details → payment → the SEQR app pays and returns to the app → final status → receipt. */
export async function shopPayAndReturn({ api, checker }: App, seqr: SandboxControl): Promise<void> {
  const [first, second, third] = await productsInStock(api, 3);
  assert.ok(first && second && third);
  assert.deepEqual(answered(await api.GET('/products/{slug}', { params: { path: { slug: first.slug } } }), 'getProduct'), first);

  // A repeated createCart (the answer was lost) gets the same cart, not a second one.
  const cartKey = newKey();
  const createCart = () => api.POST('/carts', { params: { header: cartKey }, body: { items: [{ slug: first.slug, quantity: 1 }] } });
  const created = await createCart();
  const cart = answered(created, 'createCart', 201);
  assert.equal(created.response.headers.get('location'), `/api/v1/carts/${cart.id}`);
  assert.deepEqual(cart.items.map((item) => [item.slug, item.quantity]), [[first.slug, 1]]);
  const repeated = await createCart();
  assert.equal(repeated.response.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(answered(repeated, 'createCart again', 201), cart);

  const cartId = { path: { cartId: cart.id } };
  answered(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: second.slug, quantity: 1 } }), 'addCartItem');
  answered(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: third.slug, quantity: 2 } }), 'addCartItem');
  const updated = answered(await api.PATCH('/carts/{cartId}/items/{slug}', { params: { path: { cartId: cart.id, slug: first.slug } }, body: { quantity: 2 } }), 'updateCartItem');
  assert.equal(updated.items.find((item) => item.slug === first.slug)?.quantity, 2);
  const items = answered(await api.DELETE('/carts/{cartId}/items/{slug}', { params: { path: { cartId: cart.id, slug: third.slug } } }), 'removeCartItem');
  assert.deepEqual(items.items.map((item) => [item.slug, item.quantity]).sort(), [[first.slug, 2], [second.slug, 1]].sort());
  for (const item of items.items) assert.equal(item.lineTotal.minor, item.unitPrice.minor * item.quantity);
  assert.equal(items.itemsTotal.minor, items.items.reduce((sum, item) => sum + item.lineTotal.minor, 0));
  assert.equal(items.checkoutDetails, null);
  assert.deepEqual(answered(await api.GET('/carts/{cartId}', { params: cartId }), 'getCart'), items);

  // Bad details: 422 with a sentence per field, in Swedish when the app asks for Swedish.
  const bad = { ...DETAILS, name: 'A', email: 'anna@', phone: '12', postcode: '1234' };
  const inSwedish = await api.PUT('/carts/{cartId}/checkout-details', { params: { ...cartId, header: { 'accept-language': 'sv' } }, body: bad });
  const problem = refused(inSwedish, 'setCheckoutDetails with bad details', 422, 'invalid-checkout-details');
  assert.equal(inSwedish.response.headers.get('content-language'), 'sv');
  assert.deepEqual(problem.errors?.map((error) => error.pointer).sort(), ['/email', '/name', '/phone', '/postcode']);
  const inEnglish = refused(await api.PUT('/carts/{cartId}/checkout-details', { params: cartId, body: bad }), 'the same in English', 422, 'invalid-checkout-details');
  assert.notEqual(problem.detail, inEnglish.detail, 'the Swedish detail is not the English one');
  assert.match(problem.errors?.find((error) => error.pointer === '/postcode')?.detail ?? '', /postnummer/, 'the field sentence is Swedish');
  assert.match(inEnglish.errors?.find((error) => error.pointer === '/postcode')?.detail ?? '', /postcode/);

  const ready = answered(await api.PUT('/carts/{cartId}/checkout-details', { params: cartId, body: DETAILS }), 'setCheckoutDetails');
  assert.equal(ready.checkoutDetails?.postcode, '123 45', 'normalised');
  assert.equal(ready.checkoutDetails?.phone, '0701234567', 'normalised');
  assert.equal(ready.total.minor, ready.itemsTotal.minor + (ready.checkoutDetails?.shippingPrice.minor ?? NaN));

  // The payment: an invoice to open in the SEQR app, which returns to the app's own URL.
  const issued = await issuedPayment(api, cart.id, RETURN_URL);
  const token = issued.orderToken;
  const appReturn = `nordvik://orders/${token}`;
  const ref = issued.attempt.invoiceReference;
  assert.ok(ref, 'an invoice reference');
  assert.equal(issued.attempt.number, 1);
  assert.match(issued.attempt.appLink ?? '', /^seqr-demo:\/\//);
  assert.ok(issued.attempt.invoiceQRCode, 'a QR code to show');
  assert.equal(issued.returnUrl, appReturn);
  assert.equal(issued.amount.minor, ready.total.minor);
  assert.ok(Date.parse(issued.attempt.expiresAt) > Date.now());
  const invoice = await seqr.invoice(ref);
  assert.equal(invoice.status, 'ISSUED');
  assert.equal(invoice.backURL, appReturn, "SEQR returns to the app's URL");
  assert.equal(invoice.invoiceQRCode, issued.attempt.invoiceQRCode);
  assert.equal(oreOf(invoice.totalAmount), issued.amount.minor, 'SEQR asks for the amount the app shows');
  assert.deepEqual(answered(await api.GET('/carts/{cartId}', { params: cartId }), 'getCart').openPayment, { orderToken: token });

  // Follow it live while the shopper is in the SEQR app.
  const streamed = await api.GET('/payments/{orderToken}/events', { params: { path: { orderToken: token } }, parseAs: 'stream', signal: AbortSignal.timeout(60_000) });
  assert.equal(streamed.response.status, 200);
  assert.ok(streamed.data, 'an event stream');
  const events = paymentEvents(streamed.data, checker);
  const firstEvent = await withDeadline('the first event', 10_000, events.next());
  assert.equal(firstEvent.value?.attempt?.status, 'ISSUED');
  assert.equal(firstEvent.value?.orderToken, token);

  // The phone: the wallet page's Pay button; it then shows the return to the app.
  assert.ok(issued.attempt.walletSimulatorUrl, 'the sandbox names its wallet page');
  const walletAfter = await pressInWallet(issued.attempt.walletSimulatorUrl, 'Pay');
  assert.deepEqual(appReturnOf(walletAfter), { href: appReturn, shown: appReturn }, `the wallet returns to the app: ${walletAfter}`);
  const paidAtSeqr = await seqr.invoice(ref);
  assert.equal(paidAtSeqr.status, 'PAID');
  assert.ok(paidAtSeqr.ersReference);

  // Back in the app: the final status, asked of SEQR once.
  const final = answered(await api.GET('/payments/{orderToken}', { params: { path: { orderToken: token }, query: { final: 'true' } } }), 'getPaymentState final=true');
  assert.equal(final.status, 'PAID');
  assert.equal(final.final, true);
  assert.equal(final.attempt?.status, 'PAID');
  assert.equal(final.ersReference, paidAtSeqr.ersReference, "SEQR's payment reference");
  assert.ok(final.paidAt);
  assert.equal((await seqr.invoice(ref)).confirmed, true, 'the shop confirmed the payment at SEQR (getPaymentStatus), so it is not reversed');

  // The stream saw it too, and ended.
  const last = await withDeadline('the stream ending after the payment', 15_000, (async () => {
    let state = firstEvent.value;
    for await (const next of events) state = next;
    return state;
  })());
  assert.equal(last?.status, 'PAID', 'the stream ends with the paid state');

  const receipt = answered(await api.GET('/payments/{orderToken}/receipt', { params: { path: { orderToken: token } } }), 'getReceipt');
  assert.equal(receipt.ersReference, paidAtSeqr.ersReference);
  assert.equal(receipt.paidAt, final.paidAt);
  assert.deepEqual(receipt.lines.map((line) => [line.sku, line.quantity]).sort(), ready.items.map((item) => [item.sku, item.quantity]).sort());
  assert.equal(receipt.total.minor, oreOf(paidAtSeqr.totalAmount), 'what SEQR charged');
  assert.equal(receipt.lines.reduce((sum, line) => sum + line.lineTotal.minor, 0) + (receipt.shipping?.price.minor ?? 0), receipt.total.minor);
  assert.equal(receipt.shipping?.method, 'PICKUP_POINT');
  assert.ok(receipt.vat.length > 0 && receipt.vat.every((group) => group.vat.minor > 0), 'VAT per rate');
  assert.equal(receipt.delivery?.name, DETAILS.name);
  assert.equal(receipt.refunded.minor, 0);

  // The cart became the paid order, which has nothing to cancel or retry.
  refused(await api.GET('/carts/{cartId}', { params: cartId }), 'getCart after paying', 410, 'cart-closed');
  const paidOrder = { path: { orderToken: token } };
  assert.equal(refused(await api.POST('/payments/{orderToken}/cancel', { params: paidOrder }), 'cancelPayment when paid', 409, 'payment-not-cancelable').payment?.status, 'PAID');
  refused(await api.POST('/payments/{orderToken}/retry', { params: paidOrder }), 'retryPayment when paid', 409, 'payment-not-retryable');
}

/** (b) The shopper gives up in the app: cancelPayment, then retryPayment issues a second invoice. */
export async function cancelAndRetry({ api }: App, seqr: SandboxControl): Promise<void> {
  const [product] = await productsInStock(api, 1);
  const cart = await readyCart(api, product!.slug);
  const issued = await issuedPayment(api, cart.id, RETURN_URL);
  const token = { path: { orderToken: issued.orderToken } };
  const firstRef = issued.attempt.invoiceReference!;

  const canceled = answered(await api.POST('/payments/{orderToken}/cancel', { params: { ...token, header: newKey() } }), 'cancelPayment');
  assert.equal(canceled.status, 'AWAITING_PAYMENT');
  assert.equal(canceled.attempt?.status, 'CANCELED');
  assert.equal(canceled.attempt?.number, 1);
  assert.equal(canceled.canRetry, true);
  const withdrawn = await seqr.invoice(firstRef);
  assert.equal(withdrawn.status, 'CANCELED', 'SEQR withdrew the invoice');
  assert.equal(soapCallsOf(withdrawn, 'cancelInvoice').length, 1);
  const again = refused(await api.POST('/payments/{orderToken}/cancel', { params: token }), 'cancelPayment again', 409, 'payment-not-cancelable');
  assert.equal(again.payment?.attempt?.status, 'CANCELED', 'the problem carries the state now');

  const retried = answered(await api.POST('/payments/{orderToken}/retry', { params: { ...token, header: newKey() }, body: {} }), 'retryPayment');
  assert.equal(retried.attempt?.number, 2);
  assert.equal(retried.attempt?.status, 'ISSUED');
  assert.equal(retried.canRetry, false);
  const secondRef = retried.attempt?.invoiceReference;
  assert.ok(secondRef && secondRef !== firstRef, 'a new invoice');
  const second = await seqr.invoice(secondRef);
  assert.equal(second.status, 'ISSUED');
  assert.equal(second.backURL, `nordvik://orders/${issued.orderToken}`);
  refused(await api.POST('/payments/{orderToken}/retry', { params: token }), 'retryPayment while an invoice is open', 409, 'payment-not-retryable');
}

/** (c) A repeated createPayment gets the first answer and SEQR one invoice; the key with another body is refused. */
export async function idempotentPayment({ api }: App, seqr: SandboxControl): Promise<void> {
  const [product] = await productsInStock(api, 1);
  const cart = await readyCart(api, product!.slug);
  const before = (await seqr.invoices()).length;
  const key = newKey();
  const pay = (returnUrl = RETURN_URL) => api.POST('/payments', { params: { header: key }, body: { cartId: cart.id, returnUrl } });

  const first = await pay();
  const state = answered(first, 'createPayment', 201);
  assert.equal(first.response.headers.get('idempotent-replayed'), null);
  const repeat = await pay();
  assert.equal(repeat.response.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(answered(repeat, 'createPayment repeated', 201), state, 'the same answer');
  assert.equal(repeat.response.headers.get('location'), first.response.headers.get('location'));
  const invoices = await seqr.invoices();
  assert.equal(invoices.length, before + 1, 'SEQR got one invoice');
  const ref = state.attempt?.invoiceReference;
  assert.ok(ref);
  assert.equal(soapCallsOf(await seqr.invoice(ref), 'sendInvoice').length, 1, 'one sendInvoice');

  // Even after the order changed, the key still answers what it answered, and does nothing again.
  answered(await api.POST('/payments/{orderToken}/cancel', { params: { path: { orderToken: state.orderToken } } }), 'cancelPayment');
  const late = await pay();
  assert.equal(late.response.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(answered(late, 'createPayment repeated after cancelling', 201), state);
  assert.equal((await seqr.invoices()).length, before + 1, 'no new invoice for a repeat');

  const reused = await pay('nordvik://elsewhere/{orderToken}');
  refused(reused, 'the key with another body', 422, 'idempotency-key-reused');
  assert.equal((await seqr.invoices()).length, before + 1);
}

/** (d) A return URL outside the shop's allowlist is refused with a sentence, and SEQR gets nothing. */
export async function returnUrlOutsideAllowlist({ api }: App, seqr: SandboxControl): Promise<void> {
  const [product] = await productsInStock(api, 1);
  const cart = await readyCart(api, product!.slug);
  const before = (await seqr.invoices()).length;
  const problem = refused(await api.POST('/payments', { body: { cartId: cart.id, returnUrl: 'https://evil.example/x' } }), 'createPayment to evil.example', 422, 'return-url-not-allowed');
  assert.match(problem.detail, /https:\/\/evil\.example\/x/, 'the detail names the URL');
  assert.match(problem.detail, /nordvik:\/\//, 'and what is allowed');
  refused(await api.POST('/payments', { body: { cartId: cart.id, returnUrl: 'nordvik://orders/ {orderToken}' } }), 'a return URL with a space', 422, 'return-url-not-allowed');
  assert.equal((await seqr.invoices()).length, before, 'no invoice');
  assert.equal(answered(await api.GET('/carts/{cartId}', { params: { path: { cartId: cart.id } } }), 'getCart').openPayment, null);
}

/** (e) Bad input: always a 4xx problem with a sentence, never a 500. */
export async function badInput({ api }: App): Promise<void> {
  const unknownId = 'A'.repeat(32);
  const [product] = await productsInStock(api, 1);
  const cart = answered(await api.POST('/carts', {}), 'createCart without a body', 201);
  assert.deepEqual(cart.items, []);
  const cartId = { path: { cartId: cart.id } };

  refused(await api.GET('/products/{slug}', { params: { path: { slug: 'no-such-product' } } }), 'getProduct unknown', 404, 'product-not-found');
  refused(await api.GET('/carts/{cartId}', { params: { path: { cartId: 'short' } } }), 'getCart malformed id', 400, 'invalid-parameter');
  refused(await api.GET('/carts/{cartId}', { params: { path: { cartId: unknownId } } }), 'getCart unknown id', 404, 'cart-not-found');
  refused(await api.POST('/carts', { body: { items: [{ slug: 'no-such-product', quantity: 1 }] } }), 'createCart with an unknown product', 404, 'product-not-found');
  refused(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: 'no-such-product', quantity: 1 } }), 'addCartItem unknown product', 404, 'product-not-found');
  const tooMany = refused(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: product!.slug, quantity: 100 } }), 'addCartItem 100', 400, 'invalid-request');
  assert.deepEqual(tooMany.errors?.map((error) => error.pointer), ['/quantity']);
  const tooManySv = refused(await api.POST('/carts/{cartId}/items', { params: { ...cartId, header: { 'accept-language': 'sv' } }, body: { slug: product!.slug, quantity: 100 } }), 'the same in Swedish', 400, 'invalid-request');
  assert.notEqual(tooManySv.errors?.[0]?.detail, tooMany.errors?.[0]?.detail, 'the field sentence in Swedish');
  assert.notEqual(tooManySv.detail, tooMany.detail);
  if (product!.available < 99) refused(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: product!.slug, quantity: product!.available + 1 } }), 'addCartItem beyond the stock', 409, 'out-of-stock');
  refused(await api.PATCH('/carts/{cartId}/items/{slug}', { params: { path: { cartId: cart.id, slug: product!.slug } }, body: { quantity: 1 } }), 'updateCartItem not in the cart', 404, 'item-not-in-cart');
  refused(await api.POST('/payments', { body: { cartId: cart.id } }), 'createPayment of an empty cart', 409, 'cart-empty');
  answered(await api.POST('/carts/{cartId}/items', { params: cartId, body: { slug: product!.slug, quantity: 1 } }), 'addCartItem');
  refused(await api.POST('/payments', { body: { cartId: cart.id } }), 'createPayment without details', 409, 'checkout-details-missing');
  refused(await api.POST('/payments', { body: { cartId: unknownId } }), 'createPayment of an unknown cart', 404, 'cart-not-found');
  refused(await api.POST('/payments', { body: { cartId: cart.id }, bodySerializer: () => '{"cartId":' }), 'a body that is not JSON', 400, 'invalid-request');
  refused(await api.POST('/payments', { body: { cartId: cart.id }, headers: { 'content-type': 'text/plain' } }), 'a body that is not application/json', 415, 'unsupported-media-type');
  refused(await api.POST('/payments', { params: { header: { 'idempotency-key': 'not a key' } }, body: { cartId: cart.id } }), 'an Idempotency-Key with spaces', 400, 'invalid-idempotency-key');
  refused(await api.PUT('/carts/{cartId}/checkout-details', { params: cartId, body: { ...DETAILS, shipping: 'DRONE' as 'PICKUP_POINT' } }), 'an unknown shipping method', 400, 'invalid-request');

  const orderToken = { path: { orderToken: unknownId } };
  refused(await api.GET('/payments/{orderToken}', { params: { path: { orderToken: 'short' } } }), 'getPaymentState malformed token', 400, 'invalid-parameter');
  refused(await api.GET('/payments/{orderToken}', { params: orderToken }), 'getPaymentState unknown', 404, 'order-not-found');
  refused(await api.GET('/payments/{orderToken}', { params: { ...orderToken, query: { final: 'maybe' as 'true' } } }), 'final=maybe', 400, 'invalid-parameter');
  refused(await api.GET('/payments/{orderToken}/events', { params: orderToken }), 'streamPaymentState unknown', 404, 'order-not-found');
  refused(await api.GET('/payments/{orderToken}/receipt', { params: orderToken }), 'getReceipt unknown', 404, 'order-not-found');
  refused(await api.POST('/payments/{orderToken}/retry', { params: orderToken }), 'retryPayment unknown', 404, 'order-not-found');
  refused(await api.POST('/payments/{orderToken}/cancel', { params: orderToken }), 'cancelPayment unknown', 404, 'order-not-found');

  // An unpaid order has no receipt: the problem says so and carries the state.
  answered(await api.PUT('/carts/{cartId}/checkout-details', { params: cartId, body: DETAILS }), 'setCheckoutDetails');
  const open = await issuedPayment(api, cart.id);
  const notPaid = refused(await api.GET('/payments/{orderToken}/receipt', { params: { path: { orderToken: open.orderToken } } }), 'getReceipt unpaid', 409, 'payment-not-completed');
  assert.equal(notPaid.payment?.status, 'AWAITING_PAYMENT');
  assert.equal(open.returnUrl, null, 'without returnUrl: the web receipt page');

  // Live streams per order are capped: past the cap, a 429 problem says to poll instead.
  const follow = () => api.GET('/payments/{orderToken}/events', { params: { path: { orderToken: open.orderToken } }, parseAs: 'stream' });
  const live: ReadableStream<Uint8Array>[] = [];
  try {
    for (;;) {
      const stream = await follow();
      if (!stream.data) {
        const busy = refused(stream, 'a stream past the cap', 429, 'too-many-streams');
        assert.equal(stream.response.headers.get('retry-after'), '1');
        assert.equal(busy.status, 429);
        break;
      }
      live.push(stream.data);
      assert.ok(live.length <= 20, 'streams per order are capped');
    }
    assert.ok(live.length >= 1, 'at least one live stream');
  } finally {
    await Promise.all(live.map((stream) => stream.cancel()));
  }
}
