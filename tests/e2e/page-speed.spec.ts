// What makes the shop's pages paint fast on a phone (issue 14; the figures: `npm run lighthouse`):
// each page arrives styled from its HTML alone (the stylesheet inlined with the CSP nonce, no
// render-blocking stylesheet request), the first pictures (the catalog's first row, the product's,
// the cart's) and the pay page's QR code are part of the page, not other downloads.
import { expect, test, type Page } from '@playwright/test';
import { addToCart, checkout, decodeQr, newestInvoice } from './helpers';

/** Opens a page and answers which stylesheets and images the browser fetched while loading it. */
async function load(page: Page, path: string): Promise<{ stylesheets: string[]; images: string[] }> {
  const stylesheets: string[] = [];
  const images: string[] = [];
  const onRequest = (request: { resourceType(): string; url(): string }) => {
    if (request.resourceType() === 'stylesheet') stylesheets.push(request.url());
    if (request.resourceType() === 'image') images.push(new URL(request.url()).pathname);
  };
  page.on('request', onRequest);
  await page.goto(path, { waitUntil: 'load' });
  page.off('request', onRequest);
  return { stylesheets, images };
}

/** The header as the shopper sees it: the brand's dark green, so the shop's stylesheet applied. */
async function expectStyled(page: Page): Promise<void> {
  await expect(page.locator('.site-header')).toHaveCSS('background-color', 'rgb(31, 59, 52)');
}

test('catalog, product, cart and pay page arrive styled without a stylesheet request; their first pictures and the QR code are in the page', async ({ page, request }) => {
  const catalog = await load(page, '/');
  expect(catalog.stylesheets).toEqual([]);
  await expectStyled(page);
  // The first row's pictures are part of the page: shown, and never fetched.
  const firstRow = page.getByRole('list', { name: 'Products' }).getByRole('listitem').filter({ has: page.locator('img') }).locator('img');
  for (const index of [0, 1, 2, 3]) await expect.poll(() => firstRow.nth(index).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
  const firstSlugs = await page.getByRole('list', { name: 'Products' }).getByRole('link').evaluateAll((links) => links.slice(0, 4).map((link) => new URL((link as HTMLAnchorElement).href).pathname));
  for (const product of firstSlugs) expect(catalog.images).not.toContain(`${product}.svg`);

  const product = await load(page, '/products/stoneware-mug');
  expect(product.stylesheets).toEqual([]);
  await expectStyled(page);
  await expect.poll(() => page.getByRole('img', { name: 'Stoneware mug, moss' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
  expect(product.images).not.toContain('/products/stoneware-mug.svg');

  await addToCart(page, 'stoneware-mug');
  const cart = await load(page, '/cart');
  expect(cart.stylesheets).toEqual([]);
  await expectStyled(page);
  expect(cart.images).not.toContain('/products/stoneware-mug.svg');

  await checkout(page);
  const payPath = new URL(page.url()).pathname;
  const pay = await load(page, payPath);
  expect(pay.stylesheets).toEqual([]);
  await expectStyled(page);
  // The QR code is markup in the page: no image is fetched for it, and it still scans.
  expect(pay.images.filter((path) => !/^\/(favicon\.ico|icon\.svg|apple-touch-icon\.png)$/.test(path))).toEqual([]);
  const invoice = await newestInvoice(request);
  const qr = page.getByRole('img', { name: 'SEQR QR code' });
  if ((await qr.filter({ visible: true }).count()) === 0) await page.getByText('Show QR code').click(); // a phone: behind "Show QR code"
  expect(await decodeQr(qr.filter({ visible: true }).first())).toBe(`HTTP://SEQR.SE/R${invoice.invoiceReference}`);
});

test("the catalog's first row of pictures loads at once, the first one first; the rest when scrolled to", async ({ page }) => {
  await page.goto('/');
  const pictures = page.getByRole('list', { name: 'Products' }).locator('img');
  expect(await pictures.count()).toBeGreaterThan(4);
  await expect(pictures.nth(0)).toHaveAttribute('loading', 'eager');
  await expect(pictures.nth(0)).toHaveAttribute('fetchpriority', 'high');
  for (const index of [1, 2, 3]) await expect(pictures.nth(index)).toHaveAttribute('loading', 'eager');
  await expect(pictures.nth(4)).toHaveAttribute('loading', 'lazy');
  // Width and height are given, so nothing moves when a picture arrives.
  await expect(pictures.nth(0)).toHaveAttribute('width', '400');
  await expect(pictures.nth(0)).toHaveAttribute('height', '400');
});
