import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeRedirectPath } from '../../lib/http/safe-redirect';

test('only plain paths on the shop are redirect targets', () => {
  const hostile = ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\r\n/evil.example', '\\/evil.example', 'https://evil.example', 'HTTPS://evil.example',
    'http:evil.example', '/%2F%2Fevil.example', '/%2f%5cevil.example', 'javascript:alert(1)', ' /cart', '/cart ', '/\u00a0/evil.example', '/\u2028', '', `/${'a'.repeat(3000)}`, '/%E0%A4%A'];
  for (const input of hostile) assert.equal(safeRedirectPath(input, '/'), '/', JSON.stringify(input.slice(0, 30)));
  for (const input of [undefined, null, 42, ['/cart'], { toString: () => '/cart' }]) assert.equal(safeRedirectPath(input, '/home'), '/home');
});

test('a path keeps its query and fragment, normalised by the URL parser', () => {
  assert.equal(safeRedirectPath('/cart', '/'), '/cart');
  assert.equal(safeRedirectPath('/admin/orders?status=PAID&q=a+b', '/'), '/admin/orders?status=PAID&q=a+b');
  assert.equal(safeRedirectPath('/products/../cart#top', '/'), '/cart#top');
  assert.equal(safeRedirectPath('/pay/abc', '/', 'https://shop.example'), '/pay/abc');
});
