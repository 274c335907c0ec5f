import { expect, test } from '@playwright/test';

test.describe('in Swedish (Accept-Language)', () => {
  test.use({ locale: 'sv-SE' });

  test('the shop speaks Swedish to a Swedish browser, and the switch changes to English and back', async ({ page }) => {
    await page.goto('/products/wool-throw');
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    await page.getByLabel('Antal').fill('0');
    await page.getByRole('button', { name: 'Lägg i varukorgen' }).click();
    await expect(page.getByRole('status')).toHaveText('Antalet måste vara minst 1.');
    await page.getByLabel('Antal').fill('2');
    await page.getByRole('button', { name: 'Lägg i varukorgen' }).click();
    await expect(page.getByRole('status')).toHaveText(/Tillagd i varukorgen/);
    await page.goto('/cart');
    await expect(page.getByRole('heading', { name: 'Din varukorg' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Betala med SEQR' })).toBeVisible();

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.getByRole('button', { name: 'Svenska' }).click();
    await expect(page.getByRole('heading', { name: 'Din varukorg' })).toBeVisible();
  });

  test('the back office speaks Swedish too', async ({ page }) => {
    await page.goto('/admin/login');
    await page.getByLabel('Lösenord').fill('fel-lösenord');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Lösenordet' })).toHaveText('Lösenordet stämmer inte.');
  });
});
