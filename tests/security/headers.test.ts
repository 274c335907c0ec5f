// Every kind of response carries the security headers: pages (App Router and the Pages Router pay
// page), route handlers, static files, the not-found pages and the proxy's own refusals. The CSP
// nonce is fresh per response and is the one on the page's scripts; HSTS only when the shop is https.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startSecurityShop } from './shop';

let shop: Awaited<ReturnType<typeof startSecurityShop>>;
let httpsShop: Awaited<ReturnType<typeof startSecurityShop>>;

before(async () => {
  shop = await startSecurityShop('security-headers');
});
after(async () => {
  await shop?.stop();
  await httpsShop?.stop();
});

const nonceOf = (csp: string) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];

function assertSecurityHeaders(response: Response, what: string, referrer = 'strict-origin-when-cross-origin') {
  const csp = response.headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"]) {
    assert.ok(csp.split('; ').includes(directive), `${what}: the CSP has ${directive} (got ${csp})`);
  }
  assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/, `${what}: scripts need the nonce`);
  // Inline styles need the nonce or are the build's own stylesheet (by hash); nothing else.
  assert.match(csp, /style-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'( 'sha256-[A-Za-z0-9+/=]{44}')*(;|$)/, `${what}: inline styles need the nonce or a hash`);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(response.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(response.headers.get('referrer-policy'), referrer, what);
  assert.equal(response.headers.get('strict-transport-security'), null, `${what}: no HSTS over http`);
}

test('pages, route handlers, static and public files carry the headers', async () => {
  const home = await fetch(`${shop.url}/`);
  assert.equal(home.status, 200);
  assertSecurityHeaders(home, 'the catalog');
  const html = await home.text();
  const stylesheet = /href="(\/_next\/static\/[^"]+\.css)"/.exec(html)?.[1];
  const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(stylesheet && script, 'the catalog links its stylesheet and scripts');

  const pages: [string, number][] = [['/products/stoneware-mug', 200], ['/cart', 200], ['/admin/login', 200], ['/api/health', 200], [stylesheet, 200], [script, 200], ['/products/stoneware-mug.svg', 200]];
  for (const [path, status] of pages) {
    const response = await fetch(`${shop.url}${path}`);
    assert.equal(response.status, status, path);
    assertSecurityHeaders(response, path);
  }
});

test('the not-found pages and refused requests carry the headers', async () => {
  const missing = await fetch(`${shop.url}/no-such-page`);
  assert.equal(missing.status, 404);
  assertSecurityHeaders(missing, 'the App Router 404');
  const noOrder = await fetch(`${shop.url}/pay/no-such-order-token`);
  assert.equal(noOrder.status, 404);
  assertSecurityHeaders(noOrder, 'the pay page 404', 'same-origin');
  const noReceipt = await fetch(`${shop.url}/orders/no-such-order-token/done`);
  assert.equal(noReceipt.status, 404);
  assertSecurityHeaders(noReceipt, 'the receipt 404', 'same-origin');
  const missingFile = await fetch(`${shop.url}/_next/static/no-such-file.js`);
  assert.equal(missingFile.status, 404);
  assertSecurityHeaders(missingFile, 'a missing static file');
  const refused = await fetch(`${shop.url}/api/locale`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ lang: 'sv' }) });
  assert.equal(refused.status, 403);
  assertSecurityHeaders(refused, 'the same-origin refusal');
  const badForm = await fetch(`${shop.url}/api/locale`, { method: 'POST', body: 'lang=xx', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(badForm.status, 400);
  assertSecurityHeaders(badForm, 'a route handler 400');
});

test("each page gets a fresh nonce, and Next's scripts and the inlined stylesheet on it carry that nonce", async () => {
  const [first, second] = await Promise.all([fetch(`${shop.url}/products/stoneware-mug`), fetch(`${shop.url}/products/stoneware-mug`)]);
  const [a, b] = [nonceOf(first.headers.get('content-security-policy') ?? ''), nonceOf(second.headers.get('content-security-policy') ?? '')];
  assert.ok(a && b && a !== b, 'two responses, two nonces');
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
  assert.ok(scripts.length > 0, 'the page has scripts');
  for (const tag of scripts) assert.ok(tag.includes(`nonce="${a}"`), `every script carries this response's nonce: ${tag}`);
  // The inlined stylesheet: React writes it without the nonce, so the CSP names its contents' hash.
  const csp = first.headers.get('content-security-policy') ?? '';
  const styles = [...html.matchAll(/<style\b([^>]*)>([^<]*)<\/style>/g)];
  assert.ok(styles.some(([, , css]) => css!.length > 1000), 'the stylesheet is inlined');
  for (const [tag, attributes, css] of styles) {
    const hash = `'sha256-${createHash('sha256').update(css!).digest('base64')}'`;
    assert.ok(attributes!.includes(`nonce="${a}"`) || csp.includes(hash), `every inline stylesheet carries the nonce or is allowed by its hash: ${tag.slice(0, 120)}`);
  }
  assert.doesNotMatch(html, /<link[^>]+rel="stylesheet"/, 'no render-blocking stylesheet link');
});

test("the app API's reference page: its one inline stylesheet carries this response's nonce", async () => {
  const [first, second] = await Promise.all([fetch(`${shop.url}/api/v1/docs`), fetch(`${shop.url}/api/v1/docs`)]);
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-type') ?? '', /^text\/html/);
  assertSecurityHeaders(first, '/api/v1/docs');
  const [a, b] = [nonceOf(first.headers.get('content-security-policy') ?? ''), nonceOf(second.headers.get('content-security-policy') ?? '')];
  assert.ok(a && b && a !== b, 'two responses, two nonces');
  const html = await first.text();
  const styles = [...html.matchAll(/<style\b([^>]*)>/g)];
  assert.equal(styles.length, 1, 'one inline stylesheet');
  assert.equal(styles[0]![1], ` nonce="${a}"`, "the stylesheet carries this response's nonce");
  const styleSrc = (first.headers.get('content-security-policy') ?? '').split('; ').find((directive) => directive.startsWith('style-src '));
  assert.ok(styleSrc?.split(' ').includes(`'nonce-${a}'`), `style-src allows that nonce: ${styleSrc}`);
  assert.doesNotMatch(html, /<script|\sstyle=|<link/i, 'no script, no style attribute, nothing linked');
  assert.ok(html.includes('id="problem-cart-not-found"'), 'the problem types have their anchors');
  assert.ok((await second.text()).includes(`<style nonce="${b}">`), 'the next response has its own');
  const post = await fetch(`${shop.url}/api/v1/docs`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET');
});

test('a client cannot choose the nonce', async () => {
  const response = await fetch(`${shop.url}/cart`, { headers: { 'x-nonce': 'chosen-by-client', 'content-security-policy': "script-src 'nonce-chosen-by-client'" } });
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.doesNotMatch(csp, /chosen-by-client/);
  assert.doesNotMatch(await response.text(), /chosen-by-client/);
});

test('HSTS only when PUBLIC_BASE_URL is https', async () => {
  await shop.stop(); // the embedded database takes one process at a time
  httpsShop = await startSecurityShop('security-headers-https', { PUBLIC_BASE_URL: 'https://shop.example' }, shop.dataDir);
  for (const path of ['/', '/api/health', '/no-such-page']) {
    const response = await fetch(`${httpsShop.url}${path}`);
    assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000', path);
  }
});
