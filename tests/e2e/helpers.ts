// Shared steps for the browser tests: shopping through the UI, playing the customer through the
// sandbox's control API, and reading QR codes from screenshots.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export const SANDBOX_URL = `http://localhost:${process.env.E2E_SANDBOX_PORT ?? 8190}`;

export async function addToCart(page: Page, slug: string, quantity = 1): Promise<void> {
  await page.goto(`/products/${slug}`);
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toHaveText(/Added to your cart/);
}

/** Cart → "Pay with SEQR" → the pay page. */
export async function checkout(page: Page): Promise<void> {
  await page.goto('/cart');
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
