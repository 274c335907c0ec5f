import { expect, test, type Page } from '@playwright/test';

// Swedish currency formatting uses non-breaking spaces; compare on normal spaces.
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).replace(/[\u00a0\u202f]/g, ' ');

test('browse, add two products, and the cart keeps the right total after a reload', async ({ page }) => {
  await page.goto('/');
  const products = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
  expect(await products.count()).toBeGreaterThanOrEqual(12);

  await page.getByRole('link', { name: /Stoneware mug, moss/ }).click();
  await expect(page.getByRole('heading', { name: 'Stoneware mug, moss' })).toBeVisible();
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status')).toHaveText(/Added to your cart/);
  await expect(page.getByRole('link', { name: 'Cart, 2 items' })).toBeVisible();

  await page.goto('/');
  await page.getByRole('link', { name: /The Fika Cookbook/ }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('link', { name: 'Cart, 3 items' })).toBeVisible();

  await page.getByRole('link', { name: 'Cart, 3 items' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  // 2 × 189,00 + 279,00 = 657,00 kr
  expect(await text(page, 'cart-total')).toBe('657,00 kr');
  await page.reload();
  expect(await text(page, 'cart-total')).toBe('657,00 kr');
  await expect(page.getByRole('listitem').filter({ hasText: 'Stoneware mug, moss' }).getByLabel('Quantity of Stoneware mug, moss')).toHaveValue('2');

  // Changing a quantity and removing a line update the total the shopper sees.
  await page.getByLabel('Quantity of Stoneware mug, moss').fill('3');
  await page.getByRole('listitem').filter({ hasText: 'Stoneware mug, moss' }).getByRole('button', { name: 'Update' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(/846,00/);
  await page.getByRole('button', { name: 'Remove The Fika Cookbook' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(/567,00/);
  await page.reload();
  await expect(page.getByTestId('cart-total')).toHaveText(/567,00/);
});

test('bad quantities get a form error and change nothing', async ({ page }) => {
  await page.goto('/products/glass-carafe');
  const quantity = page.getByLabel('Quantity');
  const cases: [string, RegExp][] = [
    ['0', /Quantity must be at least 1\./],
    ['-1', /Quantity must be at least 1\./],
    ['1000000000', /Quantity can be at most 99\./],
    ['abc', /Quantity must be a number\./],
  ];
  for (const [value, message] of cases) {
    // A fresh form each time: React resets a form after its action, which would race with us.
    await page.goto('/products/glass-carafe');
    // A number field will not take "abc" from the keyboard; a forged request can, so set it directly.
    await quantity.evaluate((input: HTMLInputElement, v) => {
      input.type = 'text';
      input.value = v;
    }, value);
    await expect(quantity).toHaveValue(value);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByRole('status')).toHaveText(message);
  }
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();
});

test('an unknown product is a 404 page with a way back', async ({ page }) => {
  const response = await page.goto('/products/no-such-thing');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the catalog' }).click();
  await expect(page.getByRole('list', { name: 'Products' })).toBeVisible();
});

test('a forged cart cookie is explained, and the shopper can carry on with a new cart', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'cart', value: 'forged-cookie', url: baseURL! }]);
  await page.goto('/cart');
  await expect(page.getByRole('alert').filter({ hasText: 'We could not find the cart your browser pointed to' })).toBeVisible();
  await page.getByRole('button', { name: 'Start a new cart' }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();

  await context.addCookies([{ name: 'cart', value: 'B'.repeat(32), url: baseURL! }]);
  await page.goto('/products/beeswax-candles');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === 'cart');
  expect(cookie?.value).not.toBe('B'.repeat(32));
  expect(cookie?.httpOnly).toBe(true);
});
