// Attacks on the app API (/api/v1) from outside, against the production build and the real sandbox.
// Bad input of every kind is a 4xx application/problem+json with a stable type, a title and a
// detail sentence in the Accept-Language language, never a 500 or a stack trace. An Idempotency-Key
// holds under 20 concurrent repeats, a SEQR outage does not poison it, and a key claimed by a
// process killed mid-request is served again once its claim lapses.
// Found here and fixed: zod's English sentences in Swedish problems; unknown fields silently
// dropped; a broken %-escape answered with Next's HTML 400 page, and /api/v1 itself with its HTML
// 404; concurrent addCartItem calls pushing a line past 99, after which every read of the cart was
// a 500; a createPayment answer given because SEQR could not be reached kept for its key, so that
// repeating it replayed FAILED for a day; the claim time not configurable.
// What is stored is checked through the API and the sandbox, on PostgreSQL also in the database,
// and on both databases at the end, with the shop stopped.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { answerOf, appApi, assertNoLeak, assertProblem, assertProblemInBoth, DETAILS, rawRequest, RETURN_URL, sleep, waitFor, type AppApi, type Answer } from '../helpers/app-api';
import { DATABASE_KIND } from '../helpers/db';
import type { SandboxInvoice } from '../helpers/sandbox';
import { startStack, type Stack } from './stack';

/** Short, so the crash test sees a claim lapse; three SEQR deadlines at least (lib/config.ts). */
const CLAIM_S = 15;
const SEQR_TIMEOUT_MS = 3000;

let stack: Stack;
let api: AppApi;

/** What the last test checks in the database: carts that must have exactly one order, keys and the answers kept for them. */
const oneOrderCarts = new Set<string>();
const keptKeys = new Map<string, number>();

before(async () => {
  stack = await startStack('app_api', { IDEMPOTENCY_CLAIM_S: String(CLAIM_S), SEQR_TIMEOUT_MS: String(SEQR_TIMEOUT_MS) });
  api = appApi(stack.shop.url);
});
after(async () => {
  await stack?.sandbox.control.clearFaults().catch(() => {});
  await stack?.stop();
});

const FORGED = 'A'.repeat(32);
const details = (cartId: string) => `/api/v1/carts/${cartId}/checkout-details`;
/** The order's invoices at SEQR: their backURL names its token (RETURN_URL). */
async function invoicesOf(token: string): Promise<SandboxInvoice[]> {
  const all = await Promise.all((await stack.sandbox.control.invoices()).map((invoice) => stack.sandbox.control.invoice(invoice.invoiceReference)));
  return all.filter((invoice) => invoice.backURL === `nordvik://orders/${token}`);
}
/** The database while the shop runs: only on PostgreSQL (the embedded database is the shop's alone). */
const liveDb = async () => (DATABASE_KIND === 'postgres' ? (await import('../../lib/db')).getDb() : undefined);

test(`${DATABASE_KIND}: malformed bodies, wrong types and empty bodies on every operation that takes one`, async () => {
  const cartId = await api.cart([{ slug: 'linen-tea-towel', quantity: 1 }], false);
  const token = FORGED;
  const withBody: [string, string, boolean][] = [
    ['POST', '/api/v1/carts', false],
    ['POST', `/api/v1/carts/${cartId}/items`, true],
    ['PATCH', `/api/v1/carts/${cartId}/items/linen-tea-towel`, true],
    ['PUT', details(cartId), true],
    ['POST', '/api/v1/payments', true],
    ['POST', `/api/v1/payments/${token}/retry`, false],
    ['POST', `/api/v1/payments/${token}/cancel`, false],
  ];
  for (const [method, path, required] of withBody) {
    const what = `${method} ${path.replace(cartId, '{cartId}')}`;
    for (const raw of ['{bad', '{"a":', '[]', '"x"', 'null', '1e999', '12', 'true', '\u0000', '{"a":1}{"b":2}']) {
      const problem = await assertProblemInBoth(api, method, path, { raw }, 400, 'invalid-request', `${what} ${JSON.stringify(raw)}`);
      assert.ok(problem.errors?.length >= 1, `${what}: errors name what is wrong`);
    }
    // Not UTF-8 at all.
    await assertProblemInBoth(api, method, path, { raw: new Uint8Array([0xff, 0xfe, 0x7b, 0x00]) }, 400, 'invalid-request', `${what} bytes`);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-seq', null]) {
      await assertProblemInBoth(api, method, path, { raw: '{}', type }, 415, 'unsupported-media-type', `${what} as ${type}`);
    }
    if (required) {
      for (const raw of ['', '   ', '\n']) await assertProblemInBoth(api, method, path, { raw }, 400, 'invalid-request', `${what} with an empty body`);
    }
  }
  // `+json` types and parameters are JSON too.
  for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json', 'APPLICATION/JSON']) {
    assert.equal((await api.call('POST', '/api/v1/carts', { raw: '{}', type })).status, 201, type);
  }
});

test(`${DATABASE_KIND}: quantities that are strings, nulls, arrays, huge, negative or fractional are 400s that point at the field`, async () => {
  const cartId = await api.cart([], false);
  await api.ok('POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'linen-tea-towel', quantity: 1 } });
  const bad: unknown[] = ['2', '', null, [1], {}, true, -1, 0, 1.5, 0.1, 100, 1e300, 2 ** 53, -0.5, '1e3'];
  for (const quantity of bad) {
    const what = `quantity ${JSON.stringify(quantity)}`;
    const create = await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: [{ slug: 'linen-tea-towel', quantity }] } }, 400, 'invalid-request', `createCart ${what}`);
    assert.ok(create.errors.some((e: { pointer: string }) => e.pointer === '/items/0/quantity'), `createCart ${what}: ${JSON.stringify(create.errors)}`);
    const add = await assertProblemInBoth(api, 'POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'linen-tea-towel', quantity } }, 400, 'invalid-request', `addCartItem ${what}`);
    assert.ok(add.errors.some((e: { pointer: string }) => e.pointer === '/quantity'), `addCartItem ${what}`);
    if (quantity !== 0) {
      const update = await assertProblemInBoth(api, 'PATCH', `/api/v1/carts/${cartId}/items/linen-tea-towel`, { body: { quantity } }, 400, 'invalid-request', `updateCartItem ${what}`);
      assert.ok(update.errors.some((e: { pointer: string }) => e.pointer === '/quantity'), `updateCartItem ${what}`);
    }
  }
  for (const slug of [null, 1, '', 'x'.repeat(81), ['linen-tea-towel']]) {
    await assertProblemInBoth(api, 'POST', `/api/v1/carts/${cartId}/items`, { body: { slug, quantity: 1 } }, 400, 'invalid-request', `slug ${JSON.stringify(slug).slice(0, 20)}`);
  }
  for (const items of [null, 'x', {}, [null], [[]], [{}]]) {
    await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items } }, 400, 'invalid-request', `items ${JSON.stringify(items)}`);
  }
  // Nothing of that reached the cart.
  const cart = await api.ok('GET', `/api/v1/carts/${cartId}`);
  assert.deepEqual(cart.items.map((item: { slug: string; quantity: number }) => [item.slug, item.quantity]), [['linen-tea-towel', 1]]);
});

test(`${DATABASE_KIND}: unknown fields are refused and named, not silently dropped`, async () => {
  const cartId = await api.cart([{ slug: 'linen-tea-towel', quantity: 1 }]);
  const cases: [string, string, unknown, string][] = [
    ['POST', '/api/v1/carts', { items: [], coupon: 'FREE' }, '/coupon'],
    ['POST', '/api/v1/carts', { item: [{ slug: 'linen-tea-towel', quantity: 1 }] }, '/item'],
    ['POST', '/api/v1/carts', { items: [{ slug: 'linen-tea-towel', quantity: 1, priceOre: 1 }] }, '/items/0/priceOre'],
    ['POST', `/api/v1/carts/${cartId}/items`, { slug: 'linen-tea-towel', quantity: 1, unitPrice: 0 }, '/unitPrice'],
    ['PATCH', `/api/v1/carts/${cartId}/items/linen-tea-towel`, { quantity: 2, slug: 'wool-throw' }, '/slug'],
    ['PUT', details(cartId), { ...DETAILS, country: 'SE' }, '/country'],
    ['PUT', details(cartId), { ...DETAILS, shippingPrice: 0 }, '/shippingPrice'],
    // A typo that would otherwise send the shopper back to the web page instead of the app.
    ['POST', '/api/v1/payments', { cartId, returnURL: RETURN_URL }, '/returnURL'],
    ['POST', '/api/v1/payments', { cartId, amount: 1 }, '/amount'],
    ['POST', `/api/v1/payments/${FORGED}/retry`, { force: true }, '/force'],
    ['POST', `/api/v1/payments/${FORGED}/cancel`, { reason: 'x' }, '/reason'],
    ['POST', '/api/v1/carts', JSON.parse('{"__proto__":{"items":[]}}'), '/__proto__'],
  ];
  for (const [method, path, body, pointer] of cases) {
    const problem = await assertProblemInBoth(api, method, path, { body }, 400, 'invalid-request', `${method} ${path} with ${pointer}`);
    assert.ok(problem.errors.some((e: { pointer: string }) => e.pointer === pointer), `${pointer} is named: ${JSON.stringify(problem.errors)}`);
  }
  const cart = await api.ok('GET', `/api/v1/carts/${cartId}`);
  assert.equal(cart.items[0].quantity, 1, 'the PATCH with an unknown field changed nothing');
  assert.equal(cart.openPayment, null, 'no payment was made with a misspelt field');
  assert.equal(cart.checkoutDetails.shippingPrice.minor, 4900, 'the shipping is the shop\'s price');
});

test(`${DATABASE_KIND}: bodies over the limit are 413 problems (1 MB, declared or chunked), and the shop goes on`, async () => {
  const big = JSON.stringify({ items: [{ slug: 'x'.repeat(1024 * 1024), quantity: 1 }] });
  for (const [method, path] of [['POST', '/api/v1/carts'], ['PUT', details(FORGED)], ['POST', '/api/v1/payments']] as const) {
    assertProblem(await api.call(method, path, { raw: big, lang: 'sv' }), 413, 'body-too-large', `${path} 1 MB`);
    // Just over the 16 KiB the API takes.
    assertProblem(await api.call(method, path, { raw: `{"pad":"${'x'.repeat(16 * 1024)}"}`, lang: 'sv' }), 413, 'body-too-large', `${path} 16 KiB`);
  }
  // Chunked, without a Content-Length to refuse it by: 1 MB in 64 KiB chunks.
  let chunks = 0;
  const chunked = new ReadableStream({
    pull(controller) {
      if (chunks++ === 16) return controller.close();
      controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
    },
  });
  const response = await fetch(`${stack.shop.url}/api/v1/carts`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'sv' }, body: chunked, duplex: 'half' } as RequestInit);
  assertProblem(await answerOf(response), 413, 'body-too-large', 'chunked');
  assert.equal((await fetch(`${stack.shop.url}/api/health`)).status, 200);
});

test(`${DATABASE_KIND}: path parameters too long, with odd characters, encoded slashes or broken escapes: 400s, and no lookups of the malformed`, async () => {
  const cartId = await api.cart([], false);
  const odd = ['x'.repeat(5000), 'A'.repeat(33), 'A'.repeat(31), "'%20OR%201=1%20--", '%00', 'a%00b'.padEnd(32, 'b'), '..%2F..%2Fproducts', 'A'.repeat(16) + '%2F' + 'A'.repeat(15), '%C3%A4'.repeat(32), '%F0%9F%92%A9', 'A'.repeat(31) + '%20'];
  for (const value of odd) {
    for (const path of [`/api/v1/carts/${value}`, `/api/v1/carts/${value}/items`, details(value), `/api/v1/payments/${value}`, `/api/v1/payments/${value}/events`, `/api/v1/payments/${value}/receipt`, `/api/v1/payments/${value}/retry`, `/api/v1/payments/${value}/cancel`]) {
      const method = path.endsWith('/retry') || path.endsWith('/cancel') || path.endsWith('/items') ? 'POST' : path.endsWith('/checkout-details') ? 'PUT' : 'GET';
      const answer = await api.call(method, path, { lang: 'sv', ...(method === 'GET' ? {} : { body: method === 'PUT' ? DETAILS : path.endsWith('/items') ? { slug: 'linen-tea-towel', quantity: 1 } : {} }) });
      // A value that decodes to another path (../) may meet another route: never a 5xx, never a leak.
      assertNoLeak(answer, `${method} ${path.slice(0, 80)}`);
      if (answer.status === 400) assertProblem(answer, 400, 'invalid-parameter', `${method} ${path.slice(0, 80)}`);
      else assert.ok([404, 405].includes(answer.status) && /problem\+json/.test(answer.headers.get('content-type') ?? ''), `${method} ${path.slice(0, 80)}: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  }
  for (const slug of ['x'.repeat(81), '%ZZ', '%E0%A4%A', '%', '%u00e4']) {
    assertProblem(await api.call('GET', `/api/v1/products/${slug}`, { lang: 'sv' }), 400, 'invalid-parameter', `getProduct ${slug.slice(0, 20)}`);
    assertProblem(await api.call('PATCH', `/api/v1/carts/${cartId}/items/${slug}`, { body: { quantity: 1 }, lang: 'sv' }), 400, 'invalid-parameter', `updateCartItem ${slug.slice(0, 20)}`);
    assertProblem(await api.call('DELETE', `/api/v1/carts/${cartId}/items/${slug}`, { lang: 'sv' }), 400, 'invalid-parameter', `removeCartItem ${slug.slice(0, 20)}`);
  }
  // A well-formed slug of nothing on sale, with characters a query would choke on.
  for (const slug of ["'; DROP TABLE \"Product\"; --", 'linen-tea-towel%00', '%2e%2e%2fadmin', 'ä'.repeat(40)]) {
    assertProblem(await api.call('GET', `/api/v1/products/${encodeURIComponent(slug)}`, { lang: 'sv' }), 404, 'product-not-found', `getProduct ${slug}`);
    assertProblem(await api.call('POST', `/api/v1/carts/${cartId}/items`, { body: { slug, quantity: 1 }, lang: 'sv' }), 404, 'product-not-found', `addCartItem ${slug}`);
  }
  assertProblem(await api.call('GET', `/api/v1/payments/${FORGED}?final=maybe`, { lang: 'sv' }), 400, 'invalid-parameter', 'final=maybe');
  assert.equal((await api.ok('GET', `/api/v1/carts/${cartId}`)).items.length, 0);
});

test(`${DATABASE_KIND}: unknown endpoints are 404 problems, wrong methods 405 problems with Allow`, async () => {
  for (const path of ['/api/v1', '/api/v1/nope', '/api/v1/carts/x/y/z/w', `/api/v1/payments/${FORGED}/refund`, '/api/v1/products/linen-tea-towel/stock', '/api/v1/admin/orders', '/api/v1/openapi.yaml']) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      assertProblem(await api.call(method, path, { lang: 'sv', ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) }), 404, 'unknown-endpoint', `${method} ${path}`);
    }
  }
  const cartId = await api.cart([], false);
  const table: [string, string[]][] = [
    ['/api/v1/products', ['GET']],
    ['/api/v1/products/linen-tea-towel', ['GET']],
    ['/api/v1/carts', ['POST']],
    [`/api/v1/carts/${cartId}`, ['GET']],
    [`/api/v1/carts/${cartId}/items`, ['POST']],
    [`/api/v1/carts/${cartId}/items/linen-tea-towel`, ['PATCH', 'DELETE']],
    [details(cartId), ['PUT']],
    ['/api/v1/payments', ['POST']],
    [`/api/v1/payments/${FORGED}`, ['GET']],
    [`/api/v1/payments/${FORGED}/events`, ['GET']],
    [`/api/v1/payments/${FORGED}/receipt`, ['GET']],
    [`/api/v1/payments/${FORGED}/retry`, ['POST']],
    [`/api/v1/payments/${FORGED}/cancel`, ['POST']],
    ['/api/v1/openapi.json', ['GET']],
  ];
  for (const [path, allowed] of table) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.includes(m))) {
      const answer = await api.call(method, path, { lang: 'sv', ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
      const problem = assertProblem(answer, 405, 'method-not-allowed', `${method} ${path}`);
      assert.equal(answer.headers.get('allow'), allowed.join(', '), `${method} ${path}: Allow`);
      assert.ok(problem.detail.includes(method), `${method} ${path}: the detail names the method`);
    }
  }
  assert.equal((await api.ok('GET', `/api/v1/carts/${cartId}`)).items.length, 0, 'none of the refused methods changed the cart');
});

test(`${DATABASE_KIND}: invalid Idempotency-Keys are 400 problems and do nothing`, async () => {
  const cartId = await api.cart([], false);
  const keys = ['k'.repeat(256), '', 'two words', 'a\tb', 'caf\u00e9', 'x'.repeat(1000)];
  for (const key of keys) {
    const headers = { 'idempotency-key': key };
    assertProblem(await api.call('POST', '/api/v1/carts', { body: {}, headers, lang: 'sv' }), 400, 'invalid-idempotency-key', `createCart key ${JSON.stringify(key.slice(0, 20))}`);
    assertProblem(await api.call('POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'linen-tea-towel', quantity: 1 }, headers, lang: 'sv' }), 400, 'invalid-idempotency-key', `addCartItem key ${JSON.stringify(key.slice(0, 20))}`);
  }
  // Two keys in one request (fetch joins them with ", ").
  const two = new Headers({ 'content-type': 'application/json', 'accept-language': 'sv' });
  two.append('idempotency-key', 'one');
  two.append('idempotency-key', 'two');
  const response = await fetch(`${stack.shop.url}/api/v1/carts`, { method: 'POST', headers: two, body: '{}' });
  assertProblem(await answerOf(response), 400, 'invalid-idempotency-key', 'two keys');
  // Control characters other than a tab never reach the shop: Node's HTTP parser answers a bare
  // 400 itself (no body, the connection closed). Not a problem+json, and nothing is done.
  for (const key of ['a\x01b', 'a\x7fb', 'a\x1bb']) {
    const raw = await rawRequest(stack.shop.port, `POST /api/v1/carts/${cartId}/items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}`, '{"slug":"linen-tea-towel","quantity":1}');
    assert.equal(raw.status, 400, JSON.stringify(key));
  }
  assert.equal((await api.ok('GET', `/api/v1/carts/${cartId}`)).items.length, 0, 'none of those requests added anything');
});

test(`${DATABASE_KIND}: forged cart ids and order tokens are 404s that tell nothing`, async () => {
  const forgedIds = [FORGED, randomUUID().replace(/-/g, ''), 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz_', '-'.repeat(32)];
  const seen = new Set<string>();
  for (const id of forgedIds) {
    const answers: [string, Answer, string][] = [
      ['getCart', await api.call('GET', `/api/v1/carts/${id}`, { lang: 'sv' }), 'cart-not-found'],
      ['addCartItem', await api.call('POST', `/api/v1/carts/${id}/items`, { body: { slug: 'linen-tea-towel', quantity: 1 }, lang: 'sv' }), 'cart-not-found'],
      ['updateCartItem', await api.call('PATCH', `/api/v1/carts/${id}/items/linen-tea-towel`, { body: { quantity: 1 }, lang: 'sv' }), 'cart-not-found'],
      ['removeCartItem', await api.call('DELETE', `/api/v1/carts/${id}/items/linen-tea-towel`, { lang: 'sv' }), 'cart-not-found'],
      ['setCheckoutDetails', await api.call('PUT', details(id), { body: DETAILS, lang: 'sv' }), 'cart-not-found'],
      ['createPayment', await api.call('POST', '/api/v1/payments', { body: { cartId: id, returnUrl: RETURN_URL }, lang: 'sv' }), 'cart-not-found'],
      ['getPaymentState', await api.call('GET', `/api/v1/payments/${id}`, { lang: 'sv' }), 'order-not-found'],
      ['getPaymentState final', await api.call('GET', `/api/v1/payments/${id}?final=true`, { lang: 'sv' }), 'order-not-found'],
      ['streamPaymentState', await api.call('GET', `/api/v1/payments/${id}/events`, { lang: 'sv' }), 'order-not-found'],
      ['getReceipt', await api.call('GET', `/api/v1/payments/${id}/receipt`, { lang: 'sv' }), 'order-not-found'],
      ['retryPayment', await api.call('POST', `/api/v1/payments/${id}/retry`, { lang: 'sv' }), 'order-not-found'],
      ['cancelPayment', await api.call('POST', `/api/v1/payments/${id}/cancel`, { lang: 'sv' }), 'order-not-found'],
    ];
    for (const [what, answer, type] of answers) {
      const body = assertProblem(answer, 404, type, `${what} ${id}`);
      assert.deepEqual(Object.keys(body).sort(), ['detail', 'instance', 'status', 'title', 'type'], `${what}: nothing but the problem`);
      seen.add(`${what}: ${body.detail}`);
    }
  }
  assert.equal(seen.size, 12, 'every forged id gets the same sentence per operation: nothing about the id itself');
});

test(`${DATABASE_KIND}: another shopper's checked-out cart is 410 Gone for every cart operation, and shows nothing of the order`, async () => {
  const cartId = await api.cart([{ slug: 'glass-carafe', quantity: 1 }]);
  const created = await api.pay(cartId);
  assert.equal(created.status, 201, created.text);
  const token = created.json.orderToken as string;
  oneOrderCarts.add(cartId);
  await stack.sandbox.control.pay(created.json.attempt.invoiceReference);
  await waitFor('the payment to be PAID', async () => (await api.state(token, true)).status === 'PAID');

  // Someone else who got hold of the id.
  const other = appApi(stack.shop.url);
  const answers: [string, Answer][] = [
    ['getCart', await other.call('GET', `/api/v1/carts/${cartId}`, { lang: 'sv' })],
    ['addCartItem', await other.call('POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'wool-throw', quantity: 1 }, lang: 'sv' })],
    ['updateCartItem', await other.call('PATCH', `/api/v1/carts/${cartId}/items/glass-carafe`, { body: { quantity: 5 }, lang: 'sv' })],
    ['removeCartItem', await other.call('DELETE', `/api/v1/carts/${cartId}/items/glass-carafe`, { lang: 'sv' })],
    ['setCheckoutDetails', await other.call('PUT', details(cartId), { body: { ...DETAILS, name: 'Mallory Mallorysson' }, lang: 'sv' })],
    ['createPayment', await other.call('POST', '/api/v1/payments', { body: { cartId, returnUrl: RETURN_URL }, lang: 'sv' })],
  ];
  for (const [what, answer] of answers) {
    const body = assertProblem(answer, 410, 'cart-closed', what);
    assert.deepEqual(Object.keys(body).sort(), ['detail', 'instance', 'status', 'title', 'type'], what);
    for (const secret of [token, DETAILS.email, DETAILS.name, DETAILS.phone, created.json.attempt.invoiceReference, 'Glass carafe', 'Glaskaraff']) assert.ok(!answer.text.includes(secret), `${what} does not show ${secret}`);
  }
  // The paid order is as it was.
  const state = await api.state(token);
  assert.equal(state.status, 'PAID');
  assert.equal(state.amount.minor, created.json.amount.minor);
  assert.equal((await invoicesOf(token)).length, 1, 'no new invoice for the closed cart');
});

test(`${DATABASE_KIND}: returnUrl tricks are refused with a sentence, and no invoice is made`, async () => {
  const cartId = await api.cart([{ slug: 'cotton-apron', quantity: 1 }]);
  const refused: [string, number, string][] = [
    ['javascript:alert(1)', 422, 'return-url-not-allowed'],
    ['javascript://%0Aalert(1)', 422, 'return-url-not-allowed'],
    ['JaVaScRiPt://nordvik.example/%0aalert(1)', 422, 'return-url-not-allowed'],
    ['data:text/html,<script>alert(1)</script>', 422, 'return-url-not-allowed'],
    ['nordvik:/x', 422, 'return-url-not-allowed'],
    ['nordvik:x', 422, 'return-url-not-allowed'],
    ['nordvik://', 422, 'return-url-not-allowed'],
    ['NORDVIK://orders/{orderToken}', 422, 'return-url-not-allowed'],
    ['nordvikevil://orders/{orderToken}', 422, 'return-url-not-allowed'],
    ['evil://nordvik://orders', 422, 'return-url-not-allowed'],
    ['nordvik://orders/ {orderToken}', 422, 'return-url-not-allowed'],
    [' nordvik://orders/{orderToken}', 422, 'return-url-not-allowed'],
    ['nordvik://orders/{orderToken} ', 422, 'return-url-not-allowed'],
    ['nordvik://orders/{orderToken}\r\nSet-Cookie: a=b', 422, 'return-url-not-allowed'],
    ['nordvik://orders/{orderToken}\n', 422, 'return-url-not-allowed'],
    ['nordvik://orders/\u0000', 422, 'return-url-not-allowed'],
    ['nordvik://orders/\u2028x', 422, 'return-url-not-allowed'],
    ['nordvik://orders/\u00a0x', 422, 'return-url-not-allowed'],
    ['nordvik://orders/\tx', 422, 'return-url-not-allowed'],
    ['https://evil.example/{orderToken}', 422, 'return-url-not-allowed'],
    ['https://shop.example/app/{orderToken}', 422, 'return-url-not-allowed'],
    ['http://localhost/orders/{orderToken}', 422, 'return-url-not-allowed'],
    ['//evil.example/x', 422, 'return-url-not-allowed'],
    ['/orders/x', 422, 'return-url-not-allowed'],
    ['', 422, 'return-url-not-allowed'],
    [`nordvik://orders/${'x'.repeat(5000)}`, 400, 'invalid-request'],
  ];
  for (const [returnUrl, status, type] of refused) {
    await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId, returnUrl } }, status, type, `returnUrl ${JSON.stringify(returnUrl.slice(0, 40))}`);
  }
  for (const returnUrl of [null, 12, ['nordvik://x'], { href: 'nordvik://x' }]) {
    await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId, returnUrl } }, 400, 'invalid-request', `returnUrl ${JSON.stringify(returnUrl)}`);
  }
  assert.equal((await api.ok('GET', `/api/v1/carts/${cartId}`)).openPayment, null, 'no payment was started by any of them');

  // The allowed one is expanded and is the invoice's backURL at SEQR.
  const created = await api.pay(cartId);
  assert.equal(created.status, 201, created.text);
  oneOrderCarts.add(cartId);
  const token = created.json.orderToken;
  assert.equal(created.json.returnUrl, `nordvik://orders/${token}`);
  assert.equal((await invoicesOf(token)).length, 1);
});

test(`${DATABASE_KIND}: createPayment without checkout details, on an empty cart, over stock; createCart with 100 items: 4xx problems, no invoice`, async () => {
  const before = (await stack.sandbox.control.invoices()).length;
  const noDetails = await api.cart([{ slug: 'enamel-pot', quantity: 1 }], false);
  await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId: noDetails, returnUrl: RETURN_URL } }, 409, 'checkout-details-missing', 'no details');
  const invalid = await assertProblemInBoth(api, 'PUT', details(noDetails), { body: { ...DETAILS, postcode: '1', email: 'nope', phone: 'x', shipping: 'DRONE' } }, 400, 'invalid-request', 'an unknown shipping');
  assert.ok(invalid.errors.some((e: { pointer: string }) => e.pointer === '/shipping'));
  const fields = await assertProblemInBoth(api, 'PUT', details(noDetails), { body: { ...DETAILS, postcode: '1', email: 'nope', phone: 'x' } }, 422, 'invalid-checkout-details', 'bad details');
  assert.deepEqual(fields.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/email', '/phone', '/postcode']);
  await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId: noDetails, returnUrl: RETURN_URL } }, 409, 'checkout-details-missing', 'bad details were not kept');

  const empty = await api.cart([]);
  await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId: empty, returnUrl: RETURN_URL } }, 409, 'cart-empty', 'an empty cart');
  const emptied = await api.cart([{ slug: 'enamel-pot', quantity: 2 }]);
  await api.ok('DELETE', `/api/v1/carts/${emptied}/items/enamel-pot`);
  await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId: emptied, returnUrl: RETURN_URL } }, 409, 'cart-empty', 'an emptied cart');

  // ceramic-vase: 12 in stock.
  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: [{ slug: 'ceramic-vase', quantity: 13 }] } }, 409, 'out-of-stock', 'createCart over stock');
  const vases = await api.cart([{ slug: 'ceramic-vase', quantity: 12 }]);
  await assertProblemInBoth(api, 'POST', `/api/v1/carts/${vases}/items`, { body: { slug: 'ceramic-vase', quantity: 1 } }, 409, 'out-of-stock', 'addCartItem over stock');
  const sv = await api.call('POST', `/api/v1/carts/${vases}/items`, { body: { slug: 'ceramic-vase', quantity: 1 }, lang: 'sv' });
  assert.match(sv.json.detail, /Keramikvas/i, `the product is named in Swedish: ${sv.json.detail}`);
  // A quantity set above the stock is taken (the cart says what is available), and refused at the payment.
  const patched = await api.ok('PATCH', `/api/v1/carts/${vases}/items/ceramic-vase`, { body: { quantity: 40 } });
  assert.equal(patched.items[0].available, 12);
  await assertProblemInBoth(api, 'POST', '/api/v1/payments', { body: { cartId: vases, returnUrl: RETURN_URL } }, 409, 'out-of-stock', 'createPayment over stock');

  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: Array.from({ length: 100 }, () => ({ slug: 'beeswax-candles', quantity: 1 })) } }, 400, 'invalid-request', '100 items');
  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: Array.from({ length: 51 }, () => ({ slug: 'beeswax-candles', quantity: 1 })) } }, 400, 'invalid-request', '51 items');
  // 50 items is the most; 50 × 2 of one product passes 99 in one line: refused, all or nothing.
  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: Array.from({ length: 50 }, () => ({ slug: 'beeswax-candles', quantity: 2 })) } }, 422, 'invalid-quantity', '50 × 2 of one product');
  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: [{ slug: 'beeswax-candles', quantity: 1 }, { slug: 'no-such-thing', quantity: 1 }] } }, 404, 'product-not-found', 'one unknown product');
  const fifty = await api.ok('POST', '/api/v1/carts', { body: { items: Array.from({ length: 50 }, (_, i) => ({ slug: ['beeswax-candles', 'stoneware-mug', 'wool-throw', 'fika-cookbook', 'linen-tea-towel'][i % 5]!, quantity: 1 })) } }, 201);
  assert.deepEqual(fifty.items.map((item: { quantity: number }) => item.quantity), [10, 10, 10, 10, 10]);
  assert.equal((await stack.sandbox.control.invoices()).length, before, 'none of that reached SEQR');
});

test(`${DATABASE_KIND}: a cross-site browser request to a change is refused by the same-origin guard (403 cross-site-request problem, in Swedish)`, async () => {
  const key = randomUUID();
  const attacks: Record<string, string>[] = [
    { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'cross-site' },
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: 'http://127.0.0.1.evil.example', 'sec-fetch-site': 'same-site' },
  ];
  const cartId = await api.cart([], false);
  for (const headers of attacks) {
    for (const [method, path, body] of [['POST', '/api/v1/carts', {}], ['POST', `/api/v1/carts/${cartId}/items`, { slug: 'linen-tea-towel', quantity: 1 }], ['PUT', details(cartId), DETAILS], ['PATCH', `/api/v1/carts/${cartId}/items/linen-tea-towel`, { quantity: 1 }], ['DELETE', `/api/v1/carts/${cartId}/items/linen-tea-towel`, undefined], ['POST', '/api/v1/payments', { cartId }]] as const) {
      const answer = await api.call(method, path, { body, key: method === 'POST' ? key : undefined, headers, lang: 'sv' });
      assertNoLeak(answer, `${method} ${path} ${JSON.stringify(headers)}`);
      // proxy.ts refuses it before any route runs, in the app API's own form.
      const problem = assertProblem(answer, 403, 'cross-site-request', `${method} ${path} ${JSON.stringify(headers)}`);
      assert.match(problem.detail, /^Anropet kom från en webbsida på en annan webbplats/);
    }
  }
  const cart = await api.ok('GET', `/api/v1/carts/${cartId}`);
  assert.equal(cart.items.length, 0, 'nothing was added');
  assert.equal(cart.checkoutDetails, null, 'no details were set');
  // The refused requests never claimed the key: the app's own request with it runs.
  const own = await api.call('POST', '/api/v1/carts', { body: {}, key, headers: { origin: stack.shop.url, 'sec-fetch-site': 'same-origin' } });
  assert.equal(own.status, 201);
  assert.equal(own.headers.get('idempotent-replayed'), null);
  keptKeys.set(key, 201);
});

test(`${DATABASE_KIND}: Idempotency-Key basics: a replay is the first answer, another request with the key 422, Swedish sentences`, async () => {
  const key = randomUUID();
  const first = await api.call('POST', '/api/v1/carts', { body: { items: [{ slug: 'fika-cookbook', quantity: 1 }] }, key });
  assert.equal(first.status, 201);
  const again = await api.call('POST', '/api/v1/carts', { body: { items: [{ slug: 'fika-cookbook', quantity: 1 }] }, key, lang: 'sv' });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.text, first.text, 'the first answer, byte for byte');
  assert.equal(again.headers.get('location'), first.headers.get('location'));
  // The same request encoded another way (spacing, key order) is still the same request.
  const reencoded = await api.call('POST', '/api/v1/carts', { raw: '{ "items" : [ { "quantity": 1, "slug": "fika-cookbook" } ] }', key });
  assert.equal(reencoded.headers.get('idempotent-replayed'), 'true');
  assert.equal(reencoded.text, first.text);
  await assertProblemInBoth(api, 'POST', '/api/v1/carts', { body: { items: [{ slug: 'fika-cookbook', quantity: 2 }] }, key }, 422, 'idempotency-key-reused', 'another body');
  await assertProblemInBoth(api, 'POST', `/api/v1/carts/${first.json.id}/items`, { body: { items: [{ slug: 'fika-cookbook', quantity: 1 }] }, key }, 400, 'invalid-request', 'a bad body is refused before the key is looked at');
  await assertProblemInBoth(api, 'POST', `/api/v1/carts/${first.json.id}/items`, { body: { slug: 'fika-cookbook', quantity: 1 }, key }, 422, 'idempotency-key-reused', 'another path');
  keptKeys.set(key, 201);
  // A problem is an answer too: kept, and replayed.
  const refusedKey = randomUUID();
  const refused = await api.call('POST', '/api/v1/carts', { body: { items: [{ slug: 'no-such-thing', quantity: 1 }] }, key: refusedKey, lang: 'sv' });
  assertProblem(refused, 404, 'product-not-found', 'an unknown product');
  const replayed = await api.call('POST', '/api/v1/carts', { body: { items: [{ slug: 'no-such-thing', quantity: 1 }] }, key: refusedKey, lang: 'sv' });
  assertProblem(replayed, 404, 'product-not-found', 'its replay');
  assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
  keptKeys.set(refusedKey, 404);
});

test(`${DATABASE_KIND}: a repeat while the first request is still at SEQR is 409 idempotency-key-in-use with Retry-After, then gets the first answer`, async () => {
  let seen: Answer | undefined;
  // SEQR answers late (within the shop's deadline); the repeat is sent while the first waits for it.
  // Should the first have finished before the repeat arrives on a slow machine, try with a new cart.
  for (let round = 0; round < 3 && !seen; round++) {
    const cartId = await api.cart([{ slug: 'oak-serving-tray', quantity: 1 }]);
    oneOrderCarts.add(cartId);
    const key = randomUUID();
    const before = (await stack.sandbox.control.invoices()).length;
    await stack.sandbox.control.setFaults({ slowMs: 2500 });
    let first: Answer | undefined;
    try {
      const pending = api.pay(cartId, { key });
      await waitFor('SEQR to have the invoice', async () => (await stack.sandbox.control.invoices()).length > before);
      const repeat = await api.pay(cartId, { key, lang: 'sv' });
      first = await pending;
      if (repeat.status === 409) seen = repeat;
      else assert.equal(repeat.headers.get('idempotent-replayed'), 'true', `the repeat is the 409 or, too late for it, the replay: ${repeat.status}`);
    } finally {
      await stack.sandbox.control.clearFaults();
    }
    assert.equal(first?.status, 201, first?.text);
    assert.equal(first.json.attempt.status, 'ISSUED');
    const later = await api.pay(cartId, { key });
    assert.equal(later.headers.get('idempotent-replayed'), 'true');
    assert.equal(later.text, first.text);
    keptKeys.set(key, 201);
  }
  assert.ok(seen, 'a repeat met the first request in flight');
  assertProblem(seen, 409, 'idempotency-key-in-use', 'the repeat in flight');
  assert.equal(seen.headers.get('retry-after'), '1');
});

test(`${DATABASE_KIND}: 20 concurrent identical createCart / addCartItem / createPayment with one key: one effect, the first answer or 409, never a 5xx`, async () => {
  const db = await liveDb();
  const check = (answers: Answer[], status: number, what: string) => {
    for (const answer of answers) {
      assertNoLeak(answer, what);
      if (answer.status === 409) assertProblem(answer, 409, 'idempotency-key-in-use', what, 'en');
      else assert.equal(answer.status, status, `${what}: ${answer.text.slice(0, 200)}`);
      if (answer.status === 409) assert.equal(answer.headers.get('retry-after'), '1');
    }
    const done = answers.filter((a) => a.status === status);
    assert.equal(done.filter((a) => a.headers.get('idempotent-replayed') === null).length, 1, `${what}: one of them did the work`);
    assert.equal(new Set(done.map((a) => a.text)).size, 1, `${what}: the others got its answer`);
    return done[0]!.json;
  };
  const all = (send: () => Promise<Answer>) => Promise.all(Array.from({ length: 20 }, send));

  const cartsBefore = db ? await db.cart.count() : 0;
  const createKey = randomUUID();
  const cart = check(await all(() => api.call('POST', '/api/v1/carts', { body: { items: [{ slug: 'birch-cutting-board', quantity: 1 }] }, key: createKey })), 201, 'createCart');
  keptKeys.set(createKey, 201);
  if (db) assert.equal(await db.cart.count(), cartsBefore + 1, 'one cart in the database');

  const addKey = randomUUID();
  const added = check(await all(() => api.call('POST', `/api/v1/carts/${cart.id}/items`, { body: { slug: 'birch-cutting-board', quantity: 2 }, key: addKey })), 200, 'addCartItem');
  keptKeys.set(addKey, 200);
  assert.equal(added.items[0].quantity, 3);
  assert.equal((await api.ok('GET', `/api/v1/carts/${cart.id}`)).items[0].quantity, 3, 'the quantity was added once');

  await api.ok('PUT', details(cart.id), { body: DETAILS });
  const invoicesBefore = (await stack.sandbox.control.invoices()).length;
  const payKey = randomUUID();
  const payment = check(await all(() => api.pay(cart.id, { key: payKey })), 201, 'createPayment');
  keptKeys.set(payKey, 201);
  oneOrderCarts.add(cart.id);
  assert.equal(payment.attempt.status, 'ISSUED');
  const invoices = await stack.sandbox.control.invoices();
  assert.equal(invoices.length, invoicesBefore + 1, 'one sendInvoice reached SEQR');
  assert.equal((await invoicesOf(payment.orderToken)).length, 1);
  assert.equal((await api.ok('GET', `/api/v1/carts/${cart.id}`)).openPayment.orderToken, payment.orderToken);
  if (db) assert.equal(await db.order.count({ where: { cartId: cart.id } }), 1, 'one order in the database');

  // Repeats after the fact: the same answers.
  assert.equal((await api.pay(cart.id, { key: payKey })).headers.get('idempotent-replayed'), 'true');
});

test(`${DATABASE_KIND}: 20 concurrent adds without a key cannot push a line past 99 or past the stock; the cart still reads`, async () => {
  // Found: the line was read, checked and incremented in separate steps, so concurrent adds each
  // passed the check. A line of 120 then made every answer about the cart a 500 (outside the schema).
  const cartId = await api.cart([], false);
  const adds = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'wool-throw', quantity: 40 }, lang: 'sv' })));
  for (const answer of adds) if (answer.status !== 200) assertProblem(answer, 422, 'invalid-quantity', 'an add past 99');
  assert.equal(adds.filter((a) => a.status === 200).length, 2, '40 + 40; a third would pass 99');
  const cart = await api.call('GET', `/api/v1/carts/${cartId}`);
  assert.equal(cart.status, 200, cart.text.slice(0, 200));
  assert.equal(cart.json.items[0].quantity, 80);

  // field-notebook: 4 in stock, one at a time.
  const notebooks = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', `/api/v1/carts/${cartId}/items`, { body: { slug: 'field-notebook', quantity: 1 }, lang: 'sv' })));
  for (const answer of notebooks) if (answer.status !== 200) assertProblem(answer, 409, 'out-of-stock', 'an add past the stock');
  assert.equal(notebooks.filter((a) => a.status === 200).length, 4);
  const line = (await api.ok('GET', `/api/v1/carts/${cartId}`)).items.find((item: { slug: string }) => item.slug === 'field-notebook');
  assert.equal(line.quantity, 4);
});

test(`${DATABASE_KIND}: a SEQR outage during createPayment does not poison the key: the repeat tries SEQR again; a refusal is kept`, async () => {
  for (const faults of [{ down: true }, { garbage: true }]) {
    const cartId = await api.cart([{ slug: 'pour-over-kettle', quantity: 1 }]);
    oneOrderCarts.add(cartId);
    const key = randomUUID();
    await stack.sandbox.control.setFaults(faults);
    let during: Answer;
    let repeated: Answer;
    try {
      during = await api.pay(cartId, { key });
      repeated = await api.pay(cartId, { key });
    } finally {
      await stack.sandbox.control.clearFaults();
    }
    assert.equal(during.status, 201, during.text);
    assert.equal(during.json.attempt.status, 'FAILED', JSON.stringify(faults));
    assert.equal(during.json.canRetry, true);
    assert.equal(repeated.status, 201);
    assert.equal(repeated.headers.get('idempotent-replayed'), null, 'not a replay: SEQR was tried again');
    assert.equal(repeated.json.orderToken, during.json.orderToken, 'the same order');
    assert.ok(repeated.json.attempt.number > during.json.attempt.number);

    const after = await api.pay(cartId, { key });
    assert.equal(after.status, 201, after.text);
    assert.equal(after.headers.get('idempotent-replayed'), null);
    assert.equal(after.json.orderToken, during.json.orderToken, 'still one order');
    assert.equal(after.json.attempt.status, 'ISSUED', 'once SEQR is back, the repeat gets an invoice');
    const kept = await api.pay(cartId, { key });
    assert.equal(kept.headers.get('idempotent-replayed'), 'true', 'that answer is kept');
    assert.equal(kept.text, after.text);
    keptKeys.set(key, 201);
    const invoices = await invoicesOf(after.json.orderToken);
    assert.deepEqual(invoices.map((invoice) => invoice.status), ['ISSUED'], 'one invoice at SEQR: the one the repeat made');
    await stack.sandbox.control.pay(invoices[0]!.invoiceReference);
    await waitFor('the payment to be PAID', async () => (await api.state(after.json.orderToken, true)).status === 'PAID');
  }

  // retryPayment in an outage: the same.
  const cartId = await api.cart([{ slug: 'pour-over-kettle', quantity: 1 }]);
  oneOrderCarts.add(cartId);
  await stack.sandbox.control.setFaults({ down: true });
  const failed = await api.pay(cartId, { key: randomUUID() });
  const retryKey = randomUUID();
  const retriedDuring = await api.call('POST', `/api/v1/payments/${failed.json.orderToken}/retry`, { key: retryKey });
  await stack.sandbox.control.clearFaults();
  assert.equal(retriedDuring.status, 200, retriedDuring.text);
  assert.equal(retriedDuring.json.attempt.status, 'FAILED');
  const retried = await api.call('POST', `/api/v1/payments/${failed.json.orderToken}/retry`, { key: retryKey });
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.headers.get('idempotent-replayed'), null);
  assert.equal(retried.json.attempt.status, 'ISSUED');
  keptKeys.set(retryKey, 200);

  // SEQR's refusal is its answer: kept for the key, and retryPayment makes the next invoice.
  const refusedCart = await api.cart([{ slug: 'pour-over-kettle', quantity: 1 }]);
  oneOrderCarts.add(refusedCart);
  const key = randomUUID();
  await stack.sandbox.control.setFaults({ resultCode: 37, operation: 'sendInvoice' });
  let refused: Answer;
  try {
    refused = await api.pay(refusedCart, { key });
  } finally {
    await stack.sandbox.control.clearFaults();
  }
  assert.equal(refused.json.attempt.status, 'FAILED');
  const replay = await api.pay(refusedCart, { key });
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal(replay.text, refused.text);
  keptKeys.set(key, 201);
  const next = await api.call('POST', `/api/v1/payments/${refused.json.orderToken}/retry`, { key: randomUUID() });
  assert.equal(next.status, 200, next.text);
  assert.equal(next.json.attempt.status, 'ISSUED');
});

test(`${DATABASE_KIND}: the shop killed (SIGKILL) mid-createPayment with the key claimed: after a restart the repeat is refused while the claim holds, then served once it lapses`, { timeout: 300_000 }, async () => {
  const cartId = await api.cart([{ slug: 'nordic-design-book', quantity: 1 }]);
  oneOrderCarts.add(cartId);
  const key = randomUUID();
  const invoicesBefore = new Set((await stack.sandbox.control.invoices()).map((invoice) => invoice.invoiceReference));
  // SEQR makes the invoice at once and answers late; the shop dies while it waits, holding the key.
  await stack.sandbox.control.setFaults({ slowMs: 2500 });
  const sentAt = Date.now();
  const inFlight = api.pay(cartId, { key }).then(() => 'answered', () => 'no answer');
  const orphan = await waitFor('SEQR to have the invoice', async () => (await stack.sandbox.control.invoices()).find((invoice) => !invoicesBefore.has(invoice.invoiceReference)));
  await stack.shop.kill();
  assert.equal(await inFlight, 'no answer');
  await stack.sandbox.control.clearFaults();
  const db = await liveDb();
  if (db) {
    const claim = await db.idempotencyRecord.findUniqueOrThrow({ where: { key } });
    assert.equal(claim.responseStatus, null, 'the dead request\'s claim is stored, without an answer');
  }

  await stack.shop.start();
  // The restarted shop withdraws the invoice nobody was shown (its attempt stayed CREATED).
  await waitFor('the orphan invoice to be cancelled', async () => (await stack.sandbox.control.invoice(orphan.invoiceReference)).status === 'CANCELED', 120_000);

  let served: Answer | undefined;
  let refusals = 0;
  while (!served) {
    const answer = await api.pay(cartId, { key, lang: 'sv' });
    if (answer.status === 409) {
      assertProblem(answer, 409, 'idempotency-key-in-use', 'the repeat while the claim holds');
      refusals++;
      await sleep(Number(answer.headers.get('retry-after')) * 1000);
    } else served = answer;
  }
  assert.equal(served.status, 201, served.text);
  assert.equal(served.headers.get('idempotent-replayed'), null, 'the repeat ran the request (the dead one had no answer to replay)');
  // The claim was taken after the request was sent, and lapses CLAIM_S later: the repeat cannot have been served before.
  assert.ok(Date.now() - sentAt >= CLAIM_S * 1000, 'served only once the claim lapsed');
  console.log(`crash: ${refusals} repeat(s) refused with 409 while the claim held`);
  const token = served.json.orderToken;
  assert.equal(served.json.attempt.status, 'ISSUED');
  assert.equal((await api.ok('GET', `/api/v1/carts/${cartId}`)).openPayment.orderToken, token, 'the cart\'s one order');
  const invoices = await invoicesOf(token);
  assert.deepEqual(invoices.map((invoice) => [invoice.invoiceReference === orphan.invoiceReference, invoice.status]).sort(), [[false, 'ISSUED'], [true, 'CANCELED']], 'the orphan withdrawn, one payable invoice');
  await stack.sandbox.control.pay(served.json.attempt.invoiceReference);
  const paid = await waitFor('the payment to be PAID', async () => {
    const state = await api.state(token, true);
    return state.status === 'PAID' && state;
  });
  assert.equal(paid.ersReference, (await stack.sandbox.control.invoice(served.json.attempt.invoiceReference)).ersReference);
  const replay = await api.pay(cartId, { key });
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal(replay.text, served.text);
  keptKeys.set(key, 201);
});

test(`${DATABASE_KIND}: what is stored: one order per cart paid through the API, the kept answers, no 5xx kept, no line past 99`, async () => {
  await stack.shop.stop(); // the embedded database is the shop's alone while it runs
  const { getDb, closeDb } = await import('../../lib/db');
  try {
    const db = getDb();
    for (const cartId of oneOrderCarts) assert.equal(await db.order.count({ where: { cartId } }), 1, `cart ${cartId}: one order`);
    for (const [key, status] of keptKeys) {
      const row = await db.idempotencyRecord.findUniqueOrThrow({ where: { key } });
      assert.equal(row.responseStatus, status, `key ${key}`);
    }
    assert.equal(await db.idempotencyRecord.count({ where: { responseStatus: { gte: 500 } } }), 0, 'no 5xx answer kept');
    assert.equal(await db.idempotencyRecord.count({ where: { responseStatus: null } }), 0, 'no claim left without an answer');
    assert.equal(await db.cartLine.count({ where: { quantity: { gt: 99 } } }), 0, 'no line past 99');
  } finally {
    await closeDb();
  }
});
