// Shared steps for the browser tests: shopping through the UI, playing the customer through the
// sandbox's control API, and reading QR codes from screenshots.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export const SANDBOX_URL = `http://localhost:${process.env.E2E_SANDBOX_PORT ?? 8190}`;

/** `labels`: the product page's texts in another language than English. */
export async function addToCart(page: Page, slug: string, quantity = 1, labels = { quantity: 'Quantity', add: 'Add to cart', added: /Added to your cart/ }): Promise<void> {
  await page.goto(`/products/${slug}`);
  await page.getByLabel(labels.quantity).fill(String(quantity));
  await page.getByRole('button', { name: labels.add }).click();
  await expect(page.getByRole('status')).toHaveText(labels.added);
}

/** Delivery details a test shopper fills in at checkout. */
export const SHOPPER = { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm' };

/** The checkout form's details, in English (the default language of the tests). */
export async function fillCheckoutDetails(page: Page, details: Partial<typeof SHOPPER> = {}): Promise<void> {
  const values = { ...SHOPPER, ...details };
  await page.getByLabel('Full name', { exact: true }).fill(values.name);
  await page.getByLabel('E-mail (for your receipt)', { exact: true }).fill(values.email);
  await page.getByLabel('Phone', { exact: true }).fill(values.phone);
  await page.getByLabel('Street address', { exact: true }).fill(values.street);
  await page.getByLabel('Postcode', { exact: true }).fill(values.postcode);
  await page.getByLabel('City', { exact: true }).fill(values.city);
}

/**
 * Cart → details → "Pay with SEQR" → the pay page. Shipping is the first option (pickup point,
 * 49 kr) unless `shipping` names another ("Home delivery").
 */
export async function checkout(page: Page, options: { shipping?: RegExp | string } = {}): Promise<void> {
  await page.goto('/cart');
  await fillCheckoutDetails(page);
  if (options.shipping) await page.getByRole('radio', { name: options.shipping }).check();
  await page.getByRole('button', { name: 'Pay with SEQR' }).click();
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/);
}

export async function decodeQr(image: Locator): Promise<string> {
  await expect(image).toBeVisible();
  const png = PNG.sync.read(await image.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!code) throw new Error('No QR code could be read from the screenshot.');
  return code.data;
}

export async function sandbox(request: APIRequestContext, method: 'GET' | 'POST' | 'DELETE', path: string, data?: unknown): Promise<any> {
  const response = await request.fetch(`${SANDBOX_URL}${path}`, { method, data });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

export async function newestInvoice(request: APIRequestContext): Promise<any> {
  const { invoices } = await sandbox(request, 'GET', '/sandbox/invoices');
  return invoices[invoices.length - 1];
}

export async function expectNoReversals(request: APIRequestContext): Promise<void> {
  const { invoices } = await sandbox(request, 'GET', '/sandbox/invoices');
  const details = await Promise.all(invoices.map((i: { invoiceReference: string }) => sandbox(request, 'GET', `/sandbox/invoices/${i.invoiceReference}`)));
  expect(details.filter((d) => d.reversed).map((d) => d.invoiceReference)).toEqual([]);
}

/** The development mail catcher that `npm start` runs (its test port comes from the config). */
export const MAIL_CATCHER_URL = `http://localhost:${process.env.E2E_MAIL_HTTP_PORT ?? 8290}`;
