// The app API's outside contract (issue 15): the production shop, a real database and the real
// sandbox; the document the shop serves is valid OpenAPI 3.1, the committed types are what it
// generates, the app's code compiles against them, and the whole in-app flow (app-flow.ts, a typed
// client that checks every answer against the document) runs against the shop. Assertions are on
// what the API answers and what SEQR (the sandbox) holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { APP_API_TYPES_FILE, appApiTypes } from '../../scripts/lib/app-api-types';
import { ROOT } from '../../scripts/lib/production-build';
import { DATABASE_KIND } from '../helpers/db';
import { startStack, type Stack } from '../security/stack';
import { appClient, badInput, cancelAndRetry, contractChecker, idempotentPayment, returnUrlOutsideAllowlist, shopPayAndReturn, type App, type OpenApiDocument } from './app-flow';

const run = promisify(execFile);
let stack: Stack;
let document: OpenApiDocument;
let app: App;

before(async () => {
  stack = await startStack('app_api');
  const response = await fetch(`${stack.shop.url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  document = (await response.json()) as OpenApiDocument;
  app = appClient(stack.shop.url, document);
});
after(() => stack?.stop());

/** A flow, with the shop's output attached when it fails (a 500's cause is only in the shop's log). */
async function flow(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const log = stack.shop.output().split('\n').filter((line) => /\[api\]|error/i.test(line)).slice(-20).join('\n');
    if (error instanceof Error && error.cause) error.message += ` (${String(error.cause)})`;
    if (error instanceof Error && log) error.message += `\n\nThe shop's log (errors):\n${log}`;
    throw error;
  }
}

test('the served document is valid OpenAPI 3.1, with the relative server /api/v1', async () => {
  const validator = new Validator();
  const result = await validator.validate(document as unknown as Record<string, unknown>);
  assert.equal(validator.version, '3.1');
  assert.ok(result.valid, `openapi.json is not valid OpenAPI 3.1: ${JSON.stringify(result.errors, null, 2)}`);
  assert.deepEqual(document.servers?.map((server) => server.url), ['/api/v1']);
  const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
  assert.deepEqual(ids.sort(), ['addCartItem', 'cancelPayment', 'createCart', 'createPayment', 'getCart', 'getPaymentState', 'getProduct', 'getReceipt', 'listProducts', 'removeCartItem', 'retryPayment', 'setCheckoutDetails', 'streamPaymentState', 'updateCartItem']);
});

test('the committed tests/contract/app-api.d.ts is what the served document generates', async () => {
  const generated = await appApiTypes(document);
  const committed = fs.readFileSync(APP_API_TYPES_FILE, 'utf8');
  if (generated !== committed) {
    const lines = [generated.split('\n'), committed.split('\n')] as const;
    const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
    assert.fail(`tests/contract/app-api.d.ts is out of date with the API (first difference at line ${at + 1}: "${lines[0][at]?.trim()}" is generated, "${lines[1][at]?.trim()}" is committed): run npm run api:types and commit it.`);
  }
});

test('the typed flow compiles against the generated types (tsc, strict), and the types refuse wrong calls', async () => {
  // Not spawnSync: a blocked event loop misses the shop closing idle keep-alive sockets, and the next request fails.
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', path.join(ROOT, 'tests', 'contract', 'tsconfig.json')], { cwd: ROOT }).catch((error: { stdout?: string; stderr?: string }) => error);
  assert.ok(!(result instanceof Error), `tsc over tests/contract failed:\n${result.stdout}${result.stderr}`);
});

test('the contract check refuses answers outside the contract', () => {
  const checker = contractChecker(document);
  const answer = (status: number, contentType: string, body: unknown, headers: Record<string, string> = {}) =>
    () => checker.check({ method: 'GET', schemaPath: '/carts/{cartId}', status, contentType, headers: new Headers(headers), body: JSON.stringify(body) });
  assert.throws(answer(200, 'application/json', { id: 'x' }), /getCart \(GET \/carts\/\{cartId\}\) answered 200: the body is outside its schema: .*must have required property 'items'/);
  assert.throws(answer(418, 'application/problem+json', {}), /answered 418, a status its contract does not list/);
  assert.throws(answer(404, 'text/html', {}), /as "text\/html", which its contract does not list/);
  assert.throws(answer(404, 'application/problem+json', { type: 'x', title: 'x', status: 404, detail: 'x', extra: true }), /outside its schema: \/ must NOT have additional properties/);
  assert.throws(() => checker.check({ method: 'POST', schemaPath: '/carts', status: 201, contentType: 'application/json', headers: new Headers(), body: '{}' }), /without its required location header/);
  assert.throws(() => checker.checkSchema('PaymentState', { orderToken: 'x' }, 'an event'), /an event: the body is outside its schema/);
});

test(`${DATABASE_KIND}: (a) catalog, cart, details, createPayment with the app's return URL, the wallet pays and returns to the app, final status, receipt`, { timeout: 120_000 }, () =>
  flow(() => shopPayAndReturn(app, stack.sandbox.control)));

test(`${DATABASE_KIND}: (b) cancelPayment, then retryPayment issues invoice 2`, { timeout: 60_000 }, () => flow(() => cancelAndRetry(app, stack.sandbox.control)));

test(`${DATABASE_KIND}: (c) a repeated createPayment gets the first answer and SEQR one invoice; the key with another body is refused`, { timeout: 60_000 }, () =>
  flow(() => idempotentPayment(app, stack.sandbox.control)));

test(`${DATABASE_KIND}: (d) a return URL outside the allowlist is refused with a sentence`, { timeout: 60_000 }, () => flow(() => returnUrlOutsideAllowlist(app, stack.sandbox.control)));

test(`${DATABASE_KIND}: (e) bad input is a 4xx problem with a sentence, never a 500`, { timeout: 60_000 }, () => flow(() => badInput(app)));

test(`${DATABASE_KIND}: every request body's example in the document works against the shop, in the order an app calls them`, { timeout: 60_000 }, () =>
  flow(async () => {
    // The ids an example cannot know (the cart's, the order's) are the ones the calls before it made.
    const order = ['createCart', 'addCartItem', 'updateCartItem', 'setCheckoutDetails', 'createPayment', 'cancelPayment', 'retryPayment'];
    const withBodies = Object.entries(document.paths).flatMap(([pathName, item]) =>
      Object.entries(item)
        .filter(([, operation]) => (operation as { requestBody?: unknown }).requestBody)
        .map(([method, operation]) => ({ pathName, method, operation: operation as typeof operation & { requestBody: { content: Record<string, { example?: unknown }> }; parameters?: { in: string; name: string; schema?: { example?: unknown } }[] } })),
    );
    assert.deepEqual(withBodies.map((each) => each.operation.operationId).sort(), [...order].sort(), 'every operation with a body is tried here');
    const ids: Record<string, string> = {};
    for (const operationId of order) {
      const { pathName, method, operation } = withBodies.find((each) => each.operation.operationId === operationId)!;
      const example = operation.requestBody.content['application/json']?.example;
      assert.notEqual(example, undefined, `${operationId} has no example`);
      const body = typeof example === 'object' && example !== null && 'cartId' in example ? { ...example, cartId: ids.cartId } : example;
      const url = pathName.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? String(operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema?.example));
      const response = await fetch(`${stack.shop.url}/api/v1${url}`, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await response.json()) as { id?: string; orderToken?: string };
      const success = Number(Object.keys(operation.responses).find((status) => Number(status) < 300));
      assert.equal(response.status, success, `${operationId} with its example ${JSON.stringify(body)}: ${JSON.stringify(answer)}`);
      if (operationId === 'createCart') ids.cartId = answer.id!;
      if (operationId === 'createPayment') ids.orderToken = answer.orderToken!;
    }
  }));

test('every operation answered, each within its contract, with its success status', () => {
  for (const [pathName, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      const success = Object.keys(operation.responses).map(Number).find((status) => status < 300);
      assert.ok(app.checker.seen.get(operation.operationId)?.has(success ?? NaN), `${operation.operationId} (${pathName}) never answered ${success} in the flows`);
    }
  }
  assert.ok(![...app.checker.seen.values()].some((statuses) => statuses.has(500)), 'no 500');
});
