// Stock in the browser (issue 13): the merchant edits a product's stock in the back office, and the
// shop shows it at once: "Only N left" on the catalog and the product page, a cart line marked and
// checkout refused when the cart holds more than is left, and "Sold out" with add-to-cart disabled.
// Each project edits its own product, so phone and desktop never see each other's edits.
import { expect, test, type Page } from '@playwright/test';
import { addToCart } from './helpers';

const ADMIN_PASSWORD = 'nordvik-admin';
const PRODUCTS = {
  phone: { slug: 'field-notebook', name: 'Field notebook, dotted' },
  desktop: { slug: 'nordic-design-book', name: 'Nordic Design: a history' },
} as const;

async function logIn(page: Page): Promise<void> {
  await page.goto('/admin');
  if (/\/admin\/login$/.test(page.url())) {
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
  }
}

async function setStock(page: Page, name: string, quantity: number): Promise<void> {
  await page.goto('/admin/products');
  await page.getByLabel(`Units on hand of ${name}`).fill(String(quantity));
  await page.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'on hand' })).toHaveText(`${name}: ${quantity} on hand.`);
}

test('the merchant edits stock and the shop shows "only N left", a short cart line, and sold out', async ({ page }, testInfo) => {
  const product = PRODUCTS[testInfo.project.name as keyof typeof PRODUCTS] ?? PRODUCTS.desktop;
  await logIn(page);
  await setStock(page, product.name, 3);

  // Low stock on the catalog and the product page.
  await page.goto('/');
  await expect(page.getByRole('link', { name: new RegExp(product.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toContainText('Only 3 left');
  await page.goto(`/products/${product.slug}`);
  await expect(page.getByTestId('stock-note')).toHaveText('Only 3 left');

  // Two in the cart; the merchant then has only one: the line is marked and checkout refused.
  await addToCart(page, product.slug, 2);
  await setStock(page, product.name, 1);
  await page.goto('/cart');
  await expect(page.getByTestId('stock-line')).toHaveText('Only 1 left: lower the quantity to check out.');
  await expect(page.getByRole('button', { name: 'Pay with SEQR' })).toBeDisabled();
  await expect(page.getByText(`Only 1 left of ${product.name}.`)).toBeVisible();

  // Adding more than is left is refused with the same sentence.
  await page.goto(`/products/${product.slug}`);
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toHaveText(`Only 1 left of ${product.name}.`);

  // Sold out: shown, and add to cart is disabled.
  await setStock(page, product.name, 0);
  await page.goto(`/products/${product.slug}`);
  await expect(page.getByTestId('stock-note')).toHaveText('Sold out');
  await expect(page.getByRole('button', { name: 'Sold out' })).toBeDisabled();
  await page.goto('/cart');
  await expect(page.getByTestId('stock-line')).toHaveText('Sold out: remove it to check out.');

  // Restocked (+ adjust): nothing to say any more, and the audit lists the edits.
  await page.goto('/admin/products');
  await page.getByLabel(`Units to add to ${product.name} (negative removes)`).fill('20');
  await page.getByRole('listitem').filter({ hasText: product.name }).getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'on hand' })).toHaveText(`${product.name}: 20 on hand.`);
  await expect(page.getByRole('table')).toContainText('0 → 20');
  await page.goto('/cart');
  await expect(page.getByTestId('stock-line')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Pay with SEQR' })).toBeEnabled();
});
