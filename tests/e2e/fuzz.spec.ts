// Malformed input to every public route handler, page and server action: always a clear 4xx (or,
// for a server action, a form error), never a 500.
import fs from 'node:fs';
import path from 'node:path';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { addToCart, checkout } from './helpers';

const BAD_TOKENS = ['x', '../../etc/passwd', 'A'.repeat(32), 'A'.repeat(5000), '%00', "' OR 1=1 --", '😀'.repeat(20)];
const BODIES: { data?: string; headers: Record<string, string> }[] = [
  { headers: {} },
  { data: '{"invalid json', headers: { 'content-type': 'application/json' } },
  { data: 'amount=%ZZ&csrf=', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { data: '<xml/>', headers: { 'content-type': 'text/xml' } },
  { data: '\u0000'.repeat(100), headers: { 'content-type': 'multipart/form-data; boundary=nope' } },
];

test.describe.configure({ mode: 'serial' });

test('public route handlers answer malformed requests with 4xx and a message', async ({ request }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  const checks: { method: 'GET' | 'POST'; path: string }[] = [];
  for (const token of BAD_TOKENS.map(encodeURIComponent)) {
    checks.push({ method: 'GET', path: `/api/orders/${token}/status` }, { method: 'GET', path: `/api/orders/${token}/status?stream=1` });
    checks.push({ method: 'POST', path: `/api/seqr/notify/${token}` }, { method: 'GET', path: `/api/seqr/notify/${token}` });
    checks.push({ method: 'POST', path: `/admin/api/orders/${token}/refund` }, { method: 'POST', path: `/admin/api/orders/${token}/cancel` });
    checks.push({ method: 'POST', path: `/admin/api/orders/${token}/pack` }, { method: 'POST', path: `/admin/api/orders/${token}/ship` });
    checks.push({ method: 'POST', path: `/api/orders/${token}/retry` });
    // The app API (tests/security/app-api.test.ts attacks it in detail).
    checks.push({ method: 'GET', path: `/api/v1/products/${token}` }, { method: 'GET', path: `/api/v1/carts/${token}` }, { method: 'POST', path: `/api/v1/carts/${token}/items` });
    checks.push({ method: 'GET', path: `/api/v1/payments/${token}` }, { method: 'GET', path: `/api/v1/payments/${token}/events` }, { method: 'GET', path: `/api/v1/payments/${token}/receipt` });
    checks.push({ method: 'POST', path: `/api/v1/payments/${token}/retry` }, { method: 'POST', path: `/api/v1/payments/${token}/cancel` });
  }
  checks.push({ method: 'POST', path: '/api/v1/payments' });
  checks.push({ method: 'POST', path: '/api/locale' }, { method: 'POST', path: '/admin/api/login' }, { method: 'POST', path: '/admin/api/periods' }, { method: 'POST', path: '/admin/api/logout' });
  for (const check of checks) {
    for (const body of check.method === 'POST' ? BODIES : [BODIES[0]!]) {
      const response = await request.fetch(check.path, { method: check.method, data: body.data, headers: body.headers, maxRedirects: 0 });
      const status = response.status();
      expect(status, `${check.method} ${check.path} ${body.headers['content-type'] ?? ''}`).toBeGreaterThanOrEqual(300);
      expect(status, `${check.method} ${check.path} ${body.headers['content-type'] ?? ''}`).toBeLessThan(500);
    }
  }
});

test('pages answer malformed addresses with 404 or the login, never 500', async ({ request }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  for (const token of BAD_TOKENS.map(encodeURIComponent)) {
    for (const path of [`/products/${token}`, `/pay/${token}`, `/orders/${token}`, `/orders/${token}/done`, `/admin/orders/${token}`, `/admin/periods/${token}`]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBeGreaterThanOrEqual(300);
      expect(response.status(), path).toBeLessThan(500);
    }
  }
  const admin = await request.get('/admin?status=%ZZ&q=' + 'x'.repeat(5000), { maxRedirects: 0 });
  expect(admin.status()).toBeLessThan(500);
});

test('forged server-action calls are refused with 4xx', async ({ request }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  for (const path of ['/cart', '/products/wool-throw', `/pay/${'A'.repeat(32)}`]) {
    for (const action of ['0'.repeat(42), 'not-an-action', '']) {
      const response = await request.post(path, { headers: { 'next-action': action, 'content-type': 'text/plain;charset=UTF-8' }, data: '["$K1"]', maxRedirects: 0 });
      expect(response.status(), `${path} ${action}`).toBeGreaterThanOrEqual(400);
      expect(response.status(), `${path} ${action}`).toBeLessThan(500);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The REAL server actions of the build, called as React calls them (a `next-action` header and the
// arguments as React's reply FormData) but with malformed arguments. A server action answers 200
// with an RSC payload even for a form error, so "never 500" means: the status is below 500 and the
// payload carries no server error (an `E{…"digest"…}` row or a stack trace).

type ActionEntry = { id: string; exportedName: string; filename: string; pages: string[] };

/** Every server action in the production build, with the pages (app/…/page) that host it. */
function buildActions(): ActionEntry[] {
  const file = path.resolve(import.meta.dirname, '../../.next/server/server-reference-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }> };
  return Object.entries(manifest.node).map(([id, entry]) => ({ id, exportedName: entry.exportedName, filename: entry.filename, pages: Object.keys(entry.workers) }));
}

/** The exported functions of every 'use server' module under app/: the shop's server actions. */
function sourceActions(): string[] {
  const names: string[] = [];
  const appDir = path.resolve(import.meta.dirname, '../../app');
  for (const entry of fs.readdirSync(appDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const source = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    if (!/^\s*['"]use server['"]/.test(source)) continue;
    for (const match of source.matchAll(/^export async function (\w+)/gm)) names.push(match[1]!);
  }
  return names;
}

/** The URL of a page that hosts an action: `app/(shop)/products/[slug]/page` → `/products/wool-throw`. */
function pageUrl(worker: string, params: Record<string, string>): string {
  const segments = worker.replace(/^app\//, '').replace(/\/?page$/, '').split('/').filter((s) => s !== '' && !/^\(.*\)$/.test(s));
  return `/${segments
    .map((segment) => {
      const name = /^\[(\w+)\]$/.exec(segment)?.[1];
      if (!name) return segment;
      const value = params[name];
      if (value === undefined) throw new Error(`No sample value for [${name}] of ${worker}: add one to the fuzz test.`);
      return value;
    })
    .join('/')}`;
}

const HUGE = 'x'.repeat(200_000);
/** Malformed values for the form fields the shop's actions read. */
const BAD_VALUES = ['', ' ', '-1', '0', '-0', '1.5', '1e309', 'NaN', 'Infinity', '0x10', '99999999999999999999', '2147483648', 'abc', "' OR 1=1 --", '../../etc/passwd', '😀'.repeat(50), '\u0000', '<script>alert(1)</script>', HUGE];
const FIELDS = ['slug', 'quantity', 'token', 'email'];

type Body = { label: string; multipart?: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>; data?: string | Buffer; contentType?: string };

/** React's reply for `(previousState, formData)`: part "0" the argument list, `_1_<name>` the form. */
function reply(fields: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>, root = JSON.stringify([{ status: 'idle' }, '$K1'])): Record<string, string | { name: string; mimeType: string; buffer: Buffer }> {
  const form: Record<string, string | { name: string; mimeType: string; buffer: Buffer }> = {};
  for (const [key, value] of Object.entries(fields)) form[`_1_${key}`] = value;
  form['0'] = root;
  return form;
}

/** Malformed arguments in a well-formed request: Next decodes them and the action's own code sees them. */
function argumentBodies(): Body[] {
  const bodies: Body[] = [];
  // Bad field values: every field at once, so each action sees its own.
  for (const value of BAD_VALUES) {
    bodies.push({ label: `fields = ${JSON.stringify(value.slice(0, 20))}`, multipart: reply(Object.fromEntries(FIELDS.map((field) => [field, value]))) });
  }
  bodies.push({ label: 'a real slug with a negative quantity', multipart: reply({ slug: 'wool-throw', quantity: '-5' }) });
  bodies.push({ label: 'a real slug with a huge quantity', multipart: reply({ slug: 'wool-throw', quantity: '100000000' }) });
  bodies.push({ label: 'no fields', multipart: reply({}) });
  bodies.push({ label: 'repeated fields', multipart: reply({ slug: 'wool-throw', quantity: '1', 'slug[]': 'x', 'quantity.0': '2' }) });
  bodies.push({ label: 'files instead of text', multipart: reply(Object.fromEntries(FIELDS.map((field) => [field, { name: 'x.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 255, 1, 254]) }]))) });
  // Argument lists that are not (state, FormData): a plain object, nothing, too few, a dangling form.
  for (const root of ['[{"status":"idle"},{"slug":"wool-throw","quantity":1,"token":"x"}]', '[]', '[null]', '[null,null,null]', '{"a":1}', '[{"status":"idle"},"$K9"]', '[{"status":"idle"},"$@1"]', '[{"status":"idle"},"x"]', '[{"status":"idle"},12]']) {
    bodies.push({ label: `arguments ${root.slice(0, 40)}`, multipart: reply({ slug: 'wool-throw', quantity: '1', token: 'A'.repeat(32) }, root) });
    bodies.push({ label: `text arguments ${root.slice(0, 40)}`, data: root, contentType: 'text/plain;charset=UTF-8' });
  }
  bodies.push({ label: 'a JSON body', data: '{"slug":"wool-throw","quantity":-1}', contentType: 'application/json' });
  return bodies;
}

/** Garbage that is not a React reply at all: Next's own decoder meets it before any action runs. */
function envelopeBodies(): Body[] {
  const bodies: Body[] = [];
  for (const root of ['null', '"x"', '[{"status":"idle"},"$Q1"]', 'not json', '[{"status":"idle"},"$K1"', '['.repeat(5000)]) {
    bodies.push({ label: `arguments ${root.slice(0, 40)}`, multipart: reply({ slug: 'wool-throw', quantity: '1' }, root) });
    bodies.push({ label: `text arguments ${root.slice(0, 40)}`, data: root, contentType: 'text/plain;charset=UTF-8' });
  }
  bodies.push({ label: 'no part "0"', multipart: { _1_slug: 'wool-throw', _1_quantity: '1' } });
  bodies.push({ label: 'empty body', data: '', contentType: 'text/plain;charset=UTF-8' });
  bodies.push({ label: 'multipart without parts', data: '\u0000'.repeat(100), contentType: 'multipart/form-data; boundary=nope' });
  bodies.push({ label: 'truncated multipart', data: '--b\r\ncontent-disposition: form-data; name="0"\r\n\r\n[{"status":"idle"},"$K1"]', contentType: 'multipart/form-data; boundary=b' });
  bodies.push({ label: 'urlencoded', data: 'slug=%ZZ&quantity=-1', contentType: 'application/x-www-form-urlencoded' });
  bodies.push({ label: 'binary', data: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)), contentType: 'application/octet-stream' });
  // Last: the server may close the connection before reading all of it.
  bodies.push({ label: 'over the body size limit', data: JSON.stringify([{ status: 'idle' }, 'x'.repeat(3_000_000)]), contentType: 'text/plain;charset=UTF-8' });
  return bodies;
}

/** A server error in an action's RSC answer: an error row (`1:E{"digest":…}`). */
const ERROR_ROW = /"digest"|^\d+:E\{/m;
/** Server internals in an answer: a stack frame, or a JavaScript error's name and message. */
const INTERNALS = /\n\s+at [^\n]+:\d+:\d+|\b(TypeError|SyntaxError|ReferenceError|RangeError)\b|Unexpected end of/;

type Answer = { what: string; status: number | null; text: string };

/**
 * Posts every body to every real action on every page that hosts it, as the shopper of `page`
 * (a real cart and a real order, so the actions get past "no cart" / "no order" to their input
 * checks). Returns every answer; the order token is for checks afterwards.
 */
async function fuzzActions(page: Page, bodies: Body[]): Promise<{ answers: Answer[]; token: string }> {
  const actions = buildActions();
  // Every action in the sources is in the build, so none escapes the fuzz pass (and a stale build
  // or a changed manifest fails here, not silently).
  expect(actions.map((a) => a.exportedName).sort()).toEqual(sourceActions().sort());
  await addToCart(page, 'wool-throw', 1);
  await checkout(page);
  const token = /\/pay\/([A-Za-z0-9_-]{32})$/.exec(page.url())![1]!;
  await addToCart(page, 'stoneware-mug', 1);
  const params = { slug: 'wool-throw', token };
  // Each action starts from this shopper's cookies (startNewCartAction, for one, drops the cart).
  const cookies = await page.context().cookies();

  const answers: Answer[] = [];
  for (const action of actions) {
    for (const worker of action.pages) {
      const url = pageUrl(worker, params);
      for (const body of bodies) {
        // A fresh connection per call: an answer to an oversized body may close it early.
        const request = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies, origins: [] } });
        const what = `${action.exportedName} on ${url} with ${body.label}`;
        try {
          const response = await request.post(url, {
            headers: { 'next-action': action.id, accept: 'text/x-component', ...(body.contentType ? { 'content-type': body.contentType } : {}) },
            ...(body.multipart ? { multipart: body.multipart } : { data: body.data }),
            maxRedirects: 0,
            timeout: 30_000,
          });
          answers.push({ what, status: response.status(), text: await response.text() });
        } catch (error) {
          answers.push({ what, status: null, text: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
        } finally {
          await request.dispose();
        }
      }
    }
  }
  return { answers, token };
}

const describe = (answer: Answer) => `${answer.what}: ${answer.status === null ? 'no answer' : `HTTP ${answer.status}`} ${answer.text.slice(0, 160).replace(/\s+/g, ' ')}`;

/** The shop still works for this shopper afterwards: the cart renders, the order is intact. */
async function expectShopStillWorks(page: Page, token: string): Promise<void> {
  expect((await page.request.get('/cart')).status()).toBe(200);
  const status = await page.request.get(`/api/orders/${token}/status`);
  expect(status.status()).toBe(200);
  expect((await status.json()).orderStatus).toBe('AWAITING_PAYMENT');
}

test('real server actions answer malformed arguments with a form error, never a server error', async ({ page }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  test.setTimeout(300_000);
  const { answers, token } = await fuzzActions(page, argumentBodies());
  const broken = answers.filter((a) => a.status === null || a.status >= 500 || ERROR_ROW.test(a.text) || INTERNALS.test(a.text));
  // All of them at once, so one run shows every input that breaks an action.
  expect(broken.map(describe), `${broken.length} of ${answers.length} calls ended in a server error`).toEqual([]);
  await expectShopStillWorks(page, token);
});

test('garbage that is not a server-action call leaks nothing and breaks nothing', async ({ page }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  test.setTimeout(300_000);
  const { answers, token } = await fuzzActions(page, envelopeBodies());
  const leaking = answers.filter((a) => a.status === null || INTERNALS.test(a.text));
  expect(leaking.map(describe), 'answers without server internals').toEqual([]);
  await expectShopStillWorks(page, token);
});

test('garbage that is not a server-action call gets a 4xx', async ({ page }) => {
  test.skip(test.info().project.name !== 'desktop', 'one browser project is enough for HTTP-only checks');
  // Next 16 answers every decoding failure of an action call (bad JSON, a dangling reference,
  // broken multipart, the 1 MB limit) with a bare 500 before shop code runs; proxy.ts checks the
  // envelope first (app/action-envelope.ts).
  test.setTimeout(300_000);
  const { answers } = await fuzzActions(page, envelopeBodies());
  const failed = answers.filter((a) => a.status === null || a.status >= 500);
  expect(failed.map(describe), `${failed.length} of ${answers.length} calls answered 5xx`).toEqual([]);
});
