import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { addToCart, checkout, expectNoReversals, newestInvoice, sandbox } from './helpers';

const ADMIN_PASSWORD = 'nordvik-admin';
const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

async function logIn(page: Page): Promise<void> {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
}

/** A paid order, bought through the shop and paid through the sandbox. Returns its admin URL. */
async function paidOrder(page: Page, request: APIRequestContext, slug: string, quantity = 1): Promise<void> {
  await addToCart(page, slug, quantity);
  await checkout(page);
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
}

async function openNewestOrder(page: Page): Promise<void> {
  await page.goto('/admin');
  await page.getByRole('table', { name: 'Orders' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: /^Order NV-/ })).toBeVisible();
}

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test('log in, refund partially twice, then an over-refund is refused with a clear message', async ({ page, request }) => {
  await paidOrder(page, request, 'wool-throw'); // 895,00 kr + 49,00 kr shipping = 944,00 kr
  await logIn(page);
  await openNewestOrder(page);
  await expect(page.getByTestId('order-status')).toHaveText('paid');

  await expect(page.getByLabel(/Refund amount/)).toHaveValue(''); // nothing is refunded by one click
  await page.getByLabel(/Refund amount/).fill('100.50');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByTestId('refund-question')).toHaveText(/^Refund 100,50\skr to the shopper\?$/);
  await expect(page.getByTestId('order-refunded')).toHaveText(/^0,00\s*kr$/);
  await page.getByRole('button', { name: /^Yes, refund 100,50\skr$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Refunded' })).toContainText('Refunded 100,50');
  await expect(page.getByTestId('order-status')).toHaveText('partially refunded');

  await page.getByLabel(/Refund amount/).fill('200');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await page.getByRole('button', { name: /^Yes, refund 200,00\skr$/ }).click();
  await expect(page.getByTestId('order-refunded')).toHaveText(/300,50/);

  await page.getByLabel(/Refund amount/).fill('650');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'can be refunded' })).toHaveText(/At most 643,50\s*kr can be refunded/);
  await expect(page.getByTestId('order-refunded')).toHaveText(/300,50/);

  await page.getByLabel(/Refund amount/).fill('12.345');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'decimals' })).toHaveText(/at most two decimals/);

  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('refundPayment → 0 SUCCESS');
});

test('two concurrent refunds that together exceed the paid amount: one succeeds, one is refused', async ({ page, request }) => {
  await paidOrder(page, request, 'pour-over-kettle'); // 649,00 kr + 49,00 kr shipping
  await logIn(page);
  await openNewestOrder(page);
  const action = await page.locator('form.refund-form').getAttribute('action');
  const csrf = await page.locator('form.refund-form input[name=csrf]').inputValue();
  // Scripts confirm in the same request (confirm=1); without it the answer is only the question.
  const unconfirmed = await page.request.post(action!, { form: { amount: '400', csrf }, headers: { accept: 'application/json' } });
  expect(unconfirmed.status()).toBe(202);
  expect(nbsp((await unconfirmed.json()).message)).toBe('Refund 400,00 kr to the shopper?');
  const refund = () => page.request.post(action!, { form: { amount: '400', csrf, confirm: '1' }, headers: { accept: 'application/json' } });
  const results = await Promise.all([refund(), refund()]);
  expect(results.map((r) => r.status()).sort()).toEqual([200, 409]);
  const refused = results.find((r) => r.status() === 409)!;
  expect((await refused.json()).error).toMatch(/At most 298,00\s*kr can be refunded/);
  await page.reload();
  await expect(page.getByTestId('order-refunded')).toHaveText(/400,00/);
});

test('close a period: the report and a clean reconciliation after two paid orders', async ({ page, request }) => {
  test.setTimeout(120_000);
  await logIn(page);
  await page.goto('/admin/periods');
  await page.getByRole('button', { name: 'Close period' }).click(); // start a fresh period
  await expect(page.getByTestId('period-id')).toHaveText(/^SEQR period id \d{25}$/);
  await paidOrder(page, request, 'glass-carafe');
  await paidOrder(page, request, 'beeswax-candles', 2);
  await page.goto('/admin/periods');
  await page.getByRole('button', { name: 'Close period' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/, shop$/);
  await expect(page.getByTestId('period-id')).toHaveText(/^SEQR period id \d{25}$/);
  await expect(page.getByTestId('reconciliation')).toHaveText(/No differences: SEQR and the shop agree on 2 transaction/);
  const report = page.getByRole('table', { name: 'Report' });
  await expect(report).toBeVisible();
  expect(nbsp(await report.innerText())).toMatch(/2/);
  await page.getByRole('link', { name: 'Merchant transaction details' }).click();
  await expect(page.getByRole('table', { name: 'Report' }).getByRole('row')).toHaveCount(3);
  // The shop's period; the terminal's, marked with it, answers the terminal reports.
  await expect(page.getByTestId('period-scope')).toHaveText('The shop');
  await page.getByRole('link', { name: 'Terminal transaction details' }).click();
  await expect(page.getByRole('table', { name: 'Report' }).getByRole('row')).toHaveCount(3);
  await page.goto('/admin/periods');
  await expect(page.getByTestId('day-close-schedule')).toHaveText(/The automatic day close is off \(set DAY_CLOSE_AT/);
  await expect(page.getByRole('table', { name: 'Day close & reports' }).getByRole('cell', { name: 'Terminal demo-webshop' }).first()).toBeVisible();
});

test('the back office is closed without a session: pages send to the login, mutations answer 401 or 403', async ({ page, request }) => {
  for (const path of ['/admin', '/admin/orders/00000000-0000-4000-8000-000000000000', '/admin/periods', '/admin/periods/00000000-0000-4000-8000-000000000000']) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/admin\/login$/);
  }
  const mutations = ['/admin/api/orders/00000000-0000-4000-8000-000000000000/refund', '/admin/api/orders/00000000-0000-4000-8000-000000000000/cancel', '/admin/api/periods', '/admin/api/logout'];
  for (const path of mutations) {
    const response = await request.post(path, { form: { amount: '1', csrf: 'x' } });
    expect(response.status(), path).toBe(401);
    expect((await response.json()).error).toBe('Log in to the back office first.');
  }
  // A forged session cookie is no session.
  const forged = await request.post('/admin/api/periods', { form: { csrf: 'x' }, headers: { cookie: 'admin_session=eyJzaWQiOiJ4In0.forged' } });
  expect(forged.status()).toBe(401);

  // With a session but without the CSRF token: 403, nothing happens.
  await logIn(page);
  for (const path of mutations) {
    const response = await page.request.post(path, { form: { amount: '1' } });
    expect(response.status(), path).toBe(403);
  }
});

test('failed logins are rate-limited', async ({ request, playwright, baseURL }) => {
  // The address is the connection's (a client-sent X-Forwarded-For is ignored): a correct login
  // first starts it from zero, whatever the other project's run left behind. The guesses then come
  // from a browser without the device cookie that login set (which is throttled on its own).
  const client = { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 200) + 1}`, accept: 'application/json' };
  expect((await request.post('/admin/api/login', { form: { password: ADMIN_PASSWORD }, headers: client })).status()).toBe(200);
  const stranger = await playwright.request.newContext({ baseURL });
  for (let i = 0; i < 5; i++) {
    const response = await stranger.post('/admin/api/login', { form: { password: 'wrong-password' }, headers: client });
    expect(response.status()).toBe(401);
  }
  const blocked = await stranger.post('/admin/api/login', { form: { password: ADMIN_PASSWORD }, headers: client });
  expect(blocked.status()).toBe(429);
  expect(Number(blocked.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
  expect((await blocked.json()).error).toMatch(/^Too many failed logins\. Wait \d+ seconds and try again\.$/);
  await stranger.dispose();
});
