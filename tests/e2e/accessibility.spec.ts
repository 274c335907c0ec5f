// axe on every page, phone and desktop: no violation of WCAG 2.0 A/AA and 2.1 AA, and no page asks
// for anything that is not there (a missing favicon logs a 404 on every page).
//
// PAGES is the one list: a page added to the shop gets a line here (a path, or a `visit` that makes
// the state it shows and returns its path).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { addToCart, checkout, newestInvoice, sandbox } from './helpers';

const ADMIN_PASSWORD = 'nordvik-admin';

type Visit = (page: Page, request: APIRequestContext) => Promise<string>;
type PageCase = { name: string; path?: string; visit?: Visit; admin?: boolean; status?: number };

async function logIn(page: Page): Promise<void> {
  await page.goto('/admin/login');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
}

/** An order paid through the sandbox; returns its done page (the receipt). */
async function paidOrder(page: Page, request: APIRequestContext): Promise<string> {
  await addToCart(page, 'stoneware-mug', 2);
  await checkout(page);
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
  return new URL(page.url()).pathname;
}

export const PAGES: PageCase[] = [
  { name: 'catalog', path: '/' },
  { name: 'product', path: '/products/stoneware-mug' },
  { name: 'cart, empty', path: '/cart' },
  {
    name: 'cart, filled',
    visit: async (page) => {
      await addToCart(page, 'linen-tea-towel', 2);
      await addToCart(page, 'fika-cookbook');
      return '/cart';
    },
  },
  {
    name: 'cart, payment in progress',
    visit: async (page) => {
      await addToCart(page, 'glass-carafe');
      await checkout(page);
      return '/cart';
    },
  },
  {
    name: 'pay page',
    visit: async (page) => {
      await addToCart(page, 'ceramic-vase');
      await checkout(page);
      return new URL(page.url()).pathname;
    },
  },
  { name: 'done page, paid', visit: paidOrder },
  {
    name: 'done page, cancelled',
    visit: async (page, request) => {
      await addToCart(page, 'cotton-apron');
      await checkout(page);
      const invoice = await newestInvoice(request);
      await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/cancel`);
      return new URL(page.url()).pathname.replace(/^\/pay\/(.+)$/, '/orders/$1/done');
    },
  },
  {
    name: 'order page, paid',
    visit: async (page, request) => (await paidOrder(page, request)).replace(/\/done$/, ''),
  },
  { name: 'terms', path: '/terms' },
  { name: 'returns', path: '/returns' },
  { name: 'right of withdrawal', path: '/withdrawal' },
  { name: 'not found', path: '/products/no-such-thing', status: 404 },
  { name: 'pay page of no order', path: `/pay/${'A'.repeat(32)}`, status: 404 },
  { name: 'app API reference', path: '/api/v1/docs' },
  { name: 'admin login', path: '/admin/login' },
  { name: 'admin orders', path: '/admin', admin: true },
  {
    name: 'admin order detail',
    admin: true,
    visit: async (page, request) => {
      await paidOrder(page, request);
      await logIn(page);
      await page.getByRole('table', { name: 'Orders' }).getByRole('link').first().click();
      await expect(page.getByRole('heading', { name: /^Order NV-/ })).toBeVisible();
      return new URL(page.url()).pathname;
    },
  },
  { name: 'admin products (stock)', path: '/admin/products', admin: true },
  { name: 'admin periods', path: '/admin/periods', admin: true },
  {
    name: 'admin period report',
    admin: true,
    visit: async (page, request) => {
      await logIn(page);
      await page.goto('/admin/periods');
      await page.getByRole('button', { name: 'Close period' }).click();
      await paidOrder(page, request);
      await page.goto('/admin/periods');
      await page.getByRole('button', { name: 'Close period' }).click(); // lands on the new period's page
      await expect(page).toHaveURL(/\/admin\/periods\/[^/?]+/);
      return new URL(page.url()).pathname;
    },
  },
];

for (const entry of PAGES) {
  test(`axe finds no violation: ${entry.name}`, async ({ page, request }) => {
    test.setTimeout(90_000);
    const path = entry.visit ? await entry.visit(page, request) : entry.path!;
    if (entry.admin && !entry.visit) await logIn(page);
    await page.goto('about:blank'); // a pay page left open reloads itself when its invoice ends

    // Everything the page loads must be there (favicon, manifest, images, scripts).
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400 && response.request().resourceType() !== 'document') missing.push(`${response.status()} ${response.url()}`);
    });
    const response = await page.goto(path);
    expect(response?.status()).toBe(entry.status ?? 200);
    await page.waitForLoadState('load');

    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
    expect(violations, `axe on ${path}`).toEqual([]);
    expect(missing, `requests that failed on ${path}`).toEqual([]);
  });
}

test('the shop has a favicon, app icons and a web manifest, linked from every kind of page', async ({ page, request }) => {
  for (const [path, type] of [
    ['/favicon.ico', /image\/(x-icon|vnd\.microsoft\.icon)/],
    ['/icon.svg', /image\/svg\+xml/],
    ['/apple-touch-icon.png', /image\/png/],
    ['/icon-192.png', /image\/png/],
    ['/icon-512.png', /image\/png/],
    ['/manifest.webmanifest', /application\/manifest\+json/],
  ] as const) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toMatch(type);
  }
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toBe('Nordvik');

  await addToCart(page, 'field-notebook');
  await checkout(page); // the pay page is the Pages Router one: it links the icons itself
  for (const path of [new URL(page.url()).pathname, '/', '/admin/login']) {
    await page.goto(path);
    await expect(page.locator('link[rel="icon"][href="/icon.svg"]')).toHaveCount(1);
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/apple-touch-icon.png');
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
  }
});
