// Server errors carry the security headers too: a shop whose database is unreachable answers its
// pages and route handlers with 5xx, from the error page, and every one of them has the headers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIfNeeded, freePort, startShopInstance, type ShopInstance } from '../helpers/shop';

let shop: ShopInstance;
before(async () => {
  buildIfNeeded({ quiet: true });
  // Nothing listens on this port: every query fails. /api/health does not touch the database.
  const closedPort = await freePort();
  shop = await startShopInstance({ name: 'security-errors', env: { DATABASE_URL: `postgresql://shop:shop@127.0.0.1:${closedPort}/shop`, SEQR_TIMEOUT_MS: '500' } });
});
after(async () => shop?.stop());

test('5xx pages and route handler errors carry the security headers', async () => {
  for (const [path, init] of [
    ['/', {}],
    ['/products/stoneware-mug', {}],
    ['/api/orders/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/status', {}],
    ['/pay/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {}],
  ] as [string, RequestInit][]) {
    const response = await fetch(`${shop.url}${path}`, init);
    assert.ok(response.status >= 500, `${path}: the database is down (HTTP ${response.status})`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'.*script-src 'self' 'nonce-[^']+'.*frame-ancestors 'none'/, path);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
    assert.ok(response.headers.get('referrer-policy'), path);
    await response.body?.cancel();
  }
});
