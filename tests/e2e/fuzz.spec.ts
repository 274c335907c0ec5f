// Malformed input to every public route handler and page: always a clear 4xx, never a 500.
import { expect, test } from '@playwright/test';

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
  }
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
    for (const path of [`/products/${token}`, `/pay/${token}`, `/orders/${token}/done`, `/admin/orders/${token}`, `/admin/periods/${token}`]) {
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
