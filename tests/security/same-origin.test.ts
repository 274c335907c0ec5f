// A request that changes something and a browser sent from another site is refused with a 403 and
// a sentence, before any route handler or server action runs; one from the shop's own pages, or
// from no browser at all (no Sec-Fetch-Site, no Origin), goes through. SEQR's notifications stay open.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { serverActionIds } from '../helpers/shopper';
import { adminLogin, startSecurityShop } from './shop';

let shop: Awaited<ReturnType<typeof startSecurityShop>>;
before(async () => {
  shop = await startSecurityShop('security-same-origin');
});
after(async () => shop?.stop());

const switchLanguage = (headers: Record<string, string>) =>
  fetch(`${shop.url}/api/locale`, { method: 'POST', headers, body: new URLSearchParams({ lang: 'sv', back: '/cart' }), redirect: 'manual' });

async function assertRefused(response: Response, what: string) {
  assert.equal(response.status, 403, what);
  const body = (await response.json()) as { error?: string };
  assert.match(body.error ?? '', /came from another (site|origin)/, what);
  assert.equal(response.headers.get('set-cookie'), null, `${what}: nothing was done`);
}

test('cross-site and foreign-origin form posts are refused', async () => {
  await assertRefused(await switchLanguage({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }), 'cross-site');
  await assertRefused(await switchLanguage({ 'sec-fetch-site': 'cross-site' }), 'cross-site without Origin');
  await assertRefused(await switchLanguage({ 'sec-fetch-site': 'same-site', origin: 'http://other.127.0.0.1.example' }), 'same-site from another origin');
  await assertRefused(await switchLanguage({ origin: 'https://evil.example' }), 'a foreign Origin alone');
  await assertRefused(await switchLanguage({ origin: 'null' }), 'an opaque origin');
  await assertRefused(await switchLanguage({ origin: `${shop.url.replace('http:', 'https:')}` }), 'the same host on another scheme');
});

test("the shop's own pages, and clients that are not browsers, go through", async () => {
  for (const [what, headers] of [
    ['same-origin with Origin', { 'sec-fetch-site': 'same-origin', origin: shop.url }],
    ['Origin alone', { origin: shop.url }],
    ['neither header (curl)', {}],
  ] as [string, Record<string, string>][]) {
    const response = await switchLanguage(headers);
    assert.equal(response.status, 303, what);
    assert.equal(response.headers.get('location'), '/cart', what);
    assert.match(response.headers.get('set-cookie') ?? '', /^lang=sv/, what);
  }
});

test('the origin the request was sent to counts as own, even when it is not PUBLIC_BASE_URL', async () => {
  // fetch() will not send another Host header; node:http sends what it is told, like a browser
  // that reached the shop under another name.
  const host = `localhost:${shop.port}`;
  const answer = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: shop.port, path: '/api/locale', method: 'POST', headers: { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' } },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location });
      },
    );
    request.on('error', reject);
    request.end('lang=sv&back=%2Fcart');
  });
  assert.deepEqual(answer, { status: 303, location: '/cart' });
});

test('every method that changes something, on route handlers, server actions and the back office', async () => {
  const evil = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    await assertRefused(await fetch(`${shop.url}/api/locale`, { method, headers: evil, redirect: 'manual' }), `${method} /api/locale`);
  }
  const addToCart = serverActionIds().addToCartAction;
  assert.ok(addToCart, 'the build has the addToCartAction action');
  const action = new FormData();
  action.set('0', JSON.stringify(['$K1']));
  action.set('1_slug', 'stoneware-mug');
  action.set('1_quantity', '1');
  await assertRefused(await fetch(`${shop.url}/products/stoneware-mug`, { method: 'POST', headers: { ...evil, 'next-action': addToCart }, body: action }), 'a server action');
  await assertRefused(
    await fetch(`${shop.url}/admin/api/login`, { method: 'POST', headers: evil, body: new URLSearchParams({ password: 'x' }), redirect: 'manual' }),
    'the admin login',
  );
  // Even with a valid session and CSRF token, a page on another site cannot drive the back office.
  const admin = await adminLogin(shop.url);
  await assertRefused(
    await fetch(`${shop.url}/admin/api/logout`, { method: 'POST', headers: { ...evil, cookie: admin.cookie }, body: new URLSearchParams({ csrf: admin.csrf }), redirect: 'manual' }),
    'the admin logout with a valid CSRF token',
  );
  const reads = await fetch(`${shop.url}/cart`, { headers: evil });
  assert.equal(reads.status, 200, 'reading a page from a link on another site is fine');
});

test("SEQR's notifications are not refused for coming from SEQR's origin", async () => {
  const response = await fetch(`${shop.url}/api/seqr/notify/no-such-token?invoiceReference=1`, {
    method: 'POST',
    headers: { 'sec-fetch-site': 'cross-site', origin: 'https://extdev.seqr.com' },
    body: 'invoiceReference=1',
  });
  assert.notEqual(response.status, 403);
  assert.ok(response.status < 500, `a sentence, not a crash (HTTP ${response.status})`);
});
