// The app API's contract holds together: the OpenAPI document is valid 3.1, it has exactly the
// operations the apps are written against, its examples are requests the API takes, every route file
// serves the operation of its own path and method, and every problem an operation may answer with
// exists and reads in English and Swedish (lib/app-api/operations.ts, openapi.ts, problems.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { en, sv } from '../../lib/i18n/messages';
import { openApiDocument } from '../../lib/app-api/openapi';
import { operations, type Operation } from '../../lib/app-api/operations';
import { PROBLEMS } from '../../lib/app-api/problems';

const ROOT = path.resolve(import.meta.dirname, '../..');
const API_DIR = 'app/api/v1';

/** What the native apps call: adding, renaming or dropping one is a breaking change, made on purpose. */
const OPERATION_IDS = [
  'listProducts',
  'getProduct',
  'createCart',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'setCheckoutDetails',
  'createPayment',
  'getPaymentState',
  'streamPaymentState',
  'retryPayment',
  'cancelPayment',
  'getReceipt',
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const table: Record<string, Operation> = operations;

type Doc = { paths: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, { example?: unknown }> } }>> };
const documentOf = () => openApiDocument() as unknown as Doc;

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  // A copy: the validator may annotate what it is given, and the document is cached for the process.
  const result = await validator.validate(structuredClone(openApiDocument()) as unknown as Record<string, unknown>);
  assert.equal(validator.version, '3.1');
  assert.ok(result.valid, `the document does not match the OpenAPI 3.1 schema: ${JSON.stringify(result.errors, null, 2)}`);
});

test('the operations are exactly the ones the apps use, each under its own name', () => {
  const documented = Object.values(documentOf().paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
  assert.deepEqual([...documented].sort(), [...OPERATION_IDS].sort(), 'the document has exactly these operationIds');
  assert.deepEqual(Object.keys(operations).sort(), [...OPERATION_IDS].sort(), 'the operations table has exactly these operations');
  for (const [key, operation] of Object.entries(table)) assert.equal(operation.operationId, key, `operations.${key} is named ${operation.operationId}`);
});

test("every request body has an example, and its own schema takes it", () => {
  const paths = documentOf().paths;
  for (const operation of Object.values(table)) {
    if (!operation.body) continue;
    const media = paths[operation.path]?.[operation.method]?.requestBody?.content?.['application/json'];
    assert.ok(media && 'example' in media, `${operation.operationId}: the request body has no example in the document`);
    const parsed = operation.body.schema.safeParse(media.example);
    assert.ok(parsed.success, `${operation.operationId}: its own body schema refuses its example: ${parsed.success ? '' : parsed.error.message}`);
  }
});

test('each path parameter of a path is declared in the operation, and each declared one is in the path', () => {
  for (const operation of Object.values(table)) {
    const inPath = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
    const declared = Object.keys(operation.params?.shape ?? {}).sort();
    assert.deepEqual(declared, inPath, `${operation.operationId}: ${operation.path} has {${inPath.join('}, {')}}, its params schema declares ${declared.join(', ') || 'nothing'}`);
  }
});

test('every problem an operation lists exists and has an English and a Swedish sentence', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
  const listed = new Set(Object.values(table).flatMap((operation) => operation.problems as string[]));
  // The ones the handler adds itself (405, unknown path, internal error) are answered too.
  for (const type of new Set([...listed, ...Object.keys(PROBLEMS)])) {
    assert.ok(type in PROBLEMS, `an operation lists the problem type ${type}, which PROBLEMS does not have`);
    const { key } = PROBLEMS[type as keyof typeof PROBLEMS];
    // Read as plain tables: a key missing at run time (not only in the types) must fail here.
    const english = (en as Record<string, string | undefined>)[key] ?? '';
    const swedish = (sv as Record<string, string | undefined>)[key] ?? '';
    assert.ok(english.trim() !== '', `${type}: ${key} has no English text`);
    assert.ok(swedish.trim() !== '', `${type}: ${key} has no Swedish text`);
    assert.notEqual(swedish, english, `${type}: the Swedish text of ${key} is the English one`);
    assert.deepEqual(placeholders(swedish), placeholders(english), `${type}: the English and Swedish texts of ${key} have different {parameters}`);
  }
});

// --- Routes against operations ------------------------------------------------------------------

type RouteFile = { file: string; source: string };

/** Every route.ts under app/api/v1 but the catch-all, the document and the reference page. */
function apiRouteFiles(dir = API_DIR): RouteFile[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry): RouteFile[] => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (/^\[\[?\.\.\./.test(entry.name) || (dir === API_DIR && (entry.name === 'openapi.json' || entry.name === 'docs'))) return [];
      return apiRouteFiles(relative);
    }
    return entry.name === 'route.ts' ? [{ file: relative, source: fs.readFileSync(path.join(ROOT, relative), 'utf8') }] : [];
  });
}

/** app/api/v1/carts/[cartId]/items/route.ts → /carts/{cartId}/items */
function openApiPathOf(file: string): string {
  const segments = path.posix.dirname(file).slice(API_DIR.length).split('/').filter(Boolean);
  return `/${segments.map((segment) => segment.replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`;
}

/**
 * What is wrong between the route files and the operations table, as sentences naming the file
 * (none: they agree). Read from the source text: `export const GET = apiRoute(operations.getCart, …)`
 * serves an operation; `export const { POST, … } = refuseOtherMethods('GET')` answers 405 for the rest.
 */
function routeProblems(files: readonly RouteFile[], ops: Record<string, Operation>): string[] {
  const problems: string[] = [];
  const served = new Map<string, string>();
  for (const { file, source } of files) {
    const routePath = openApiPathOf(file);
    const handlers = [...source.matchAll(/export\s+const\s+(\w+)\s*=\s*apiRoute\(\s*operations\.(\w+)/g)].map((match) => ({ method: match[1]!, id: match[2]! }));
    if (handlers.length === 0) problems.push(`${file} exports no apiRoute(operations.…) handler.`);
    for (const { method, id } of handlers) {
      const operation = ops[id];
      if (!operation) {
        problems.push(`${file} exports ${method} for operations.${id}, which is not in the operations table.`);
        continue;
      }
      const documented = `${operation.method.toUpperCase()} ${operation.path}`;
      if (operation.path !== routePath) problems.push(`${file} (path ${routePath}) exports ${method} for ${id}, an operation of another path (${documented}).`);
      else if (operation.method.toUpperCase() !== method) problems.push(`${file} exports ${method} for ${id}, whose method is ${operation.method.toUpperCase()} (${documented}).`);
      const other = served.get(id);
      if (other) problems.push(`${file} exports ${method} for ${id}, which ${other} serves already.`);
      served.set(id, file);
    }
    // The 405 answer's Allow must name exactly the methods this path serves, and every method is answered.
    const refusal = /export\s+const\s*\{([^}]*)\}\s*=\s*refuseOtherMethods\(([^)]*)\)/.exec(source);
    const refused = refusal ? refusal[1]!.split(',').map((name) => name.trim()).filter(Boolean) : [];
    const allowed = refusal ? [...refusal[2]!.matchAll(/'(\w+)'/g)].map((match) => match[1]!) : [];
    const servedMethods = handlers.map((handler) => handler.method);
    if (!refusal) problems.push(`${file} has no refuseOtherMethods(…) for the methods it does not serve.`);
    else if ([...allowed].sort().join() !== [...servedMethods].sort().join()) problems.push(`${file} serves ${servedMethods.join(', ')} but its refuseOtherMethods allows ${allowed.join(', ')}.`);
    const missing = METHODS.filter((method) => !servedMethods.includes(method) && !refused.includes(method));
    if (refusal && missing.length > 0) problems.push(`${file} does not answer ${missing.join(', ')} (neither an apiRoute nor a refuseOtherMethods export).`);
  }
  for (const [id, operation] of Object.entries(ops)) {
    if (served.has(id)) continue;
    const dir = operation.path.replace(/\{(\w+)\}/g, '[$1]');
    problems.push(`${id} (${operation.method.toUpperCase()} ${operation.path}) has no route: ${API_DIR}${dir}/route.ts should export ${operation.method.toUpperCase()} = apiRoute(operations.${id}, …).`);
  }
  return problems;
}

test('every route file serves the operations of its own path and method, and every operation has its route', () => {
  const files = apiRouteFiles();
  assert.ok(files.length >= 10, `found the route files (${files.length})`);
  assert.deepEqual(routeProblems(files, table), []);
});

test('the route check names the file when a route and the operations table disagree', () => {
  const cart = "export const GET = apiRoute(operations.getCart, async () => ({ body: 1 }));\nexport const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');";
  const good: RouteFile = { file: 'app/api/v1/carts/[cartId]/route.ts', source: cart };
  // Operations of its own, so the check is tested whatever the real table holds.
  const fixture = (operationId: string, method: Operation['method'], path: string): Operation => ({
    operationId, method, path, tag: 'Cart', summary: '', description: '', success: { status: 200, description: '', schema: z.object({}) }, problems: [],
  });
  const only = { getCart: fixture('getCart', 'get', '/carts/{cartId}') };
  assert.deepEqual(routeProblems([good], only), [], 'the fixture itself is fine');

  const cases: [RouteFile[], Record<string, Operation>, RegExp][] = [
    // The method disagrees.
    [[{ file: good.file, source: cart.replace('const GET', 'const PATCH').replace('PATCH, DELETE }', 'GET, DELETE }').replace("('GET')", "('PATCH')") }], only, /carts\/\[cartId\]\/route\.ts exports PATCH for getCart, whose method is GET/],
    // A file serves the operation of another path.
    [[{ file: 'app/api/v1/carts/route.ts', source: cart }], only, /app\/api\/v1\/carts\/route\.ts \(path \/carts\) exports GET for getCart, an operation of another path \(GET \/carts\/\{cartId\}\)/],
    // An operation without a route.
    [[good], { ...only, getReceipt: fixture('getReceipt', 'get', '/payments/{orderToken}/receipt') }, /getReceipt \(GET \/payments\/\{orderToken\}\/receipt\) has no route: app\/api\/v1\/payments\/\[orderToken\]\/receipt\/route\.ts/],
    // An operation the table does not have.
    [[{ file: good.file, source: cart.replace('operations.getCart', 'operations.getBasket') }], only, /exports GET for operations\.getBasket, which is not in the operations table/],
    // The 405's Allow disagrees with what the file serves.
    [[{ file: good.file, source: cart.replace("('GET')", "('GET', 'POST')") }], only, /serves GET but its refuseOtherMethods allows GET, POST/],
    // A route file that serves no operation.
    [[good, { file: 'app/api/v1/carts/[cartId]/notes/route.ts', source: "export const { GET, POST, PUT, PATCH, DELETE } = refuseOtherMethods();" }], only, /notes\/route\.ts exports no apiRoute\(operations\.…\) handler/],
    // Two files serving one operation.
    [[good, { file: 'app/api/v1/carts/[cartId]/route.ts', source: cart }], only, /exports GET for getCart, which app\/api\/v1\/carts\/\[cartId\]\/route\.ts serves already/],
    // A method nobody answers.
    [[{ file: good.file, source: cart.replace('PATCH, DELETE', 'PATCH') }], only, /does not answer DELETE/],
  ];
  for (const [files, ops, expected] of cases) {
    const found = routeProblems(files, ops);
    assert.ok(found.some((sentence) => expected.test(sentence)), `expected ${expected}, got ${JSON.stringify(found)}`);
  }
});

test('route folders become OpenAPI paths', () => {
  assert.equal(openApiPathOf('app/api/v1/products/route.ts'), '/products');
  assert.equal(openApiPathOf('app/api/v1/carts/[cartId]/items/[slug]/route.ts'), '/carts/{cartId}/items/{slug}');
  const found = apiRouteFiles().map((route) => route.file);
  assert.ok(!found.some((file) => file.includes('...rest]') || file.includes('openapi.json') || file.includes('/docs/')), 'the catch-all, the document and the reference page are not operations');
});
