// The receipt e-mail as a shopper meets it: pay with an e-mail address, then find the receipt in the
// development mailbox (the mail catcher `npm start` runs) with the SEQR reference the done page shows.
import { expect, test } from '@playwright/test';
import { addToCart, expectNoReversals, MAIL_CATCHER_URL, newestInvoice, sandbox } from './helpers';

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test('pay with an e-mail address, then read the receipt with the SEQR reference in the mail catcher', async ({ page, request }, testInfo) => {
  const email = `shopper-${testInfo.project.name}-${Date.now()}@example.se`;
  await addToCart(page, 'stoneware-mug', 2);
  await page.goto('/cart');
  await page.getByLabel(/E-mail for your receipt/).fill(email);
  await page.getByRole('button', { name: 'Pay with SEQR' }).click();
  // The first checkout after the start also warms the shop and the sandbox up: allow a slow machine.
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/, { timeout: 30_000 });
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
  const reference = (await page.getByTestId('seqr-reference').innerText()).trim();
  expect(reference).not.toBe('');

  await page.goto(`${MAIL_CATCHER_URL}/`);
  const row = page.getByRole('row').filter({ hasText: email });
  // Sent within a second of the payment; the page shows what has arrived when it loads.
  await expect(async () => {
    await page.reload();
    await expect(row).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await row.getByRole('link', { name: /^Your receipt from Nordvik, order NV-\d{6}$/ }).click();

  await expect(page.getByRole('heading', { level: 1, name: /^Your receipt from Nordvik/ })).toBeVisible();
  const text = page.locator('pre');
  await expect(text).toContainText(`SEQR reference: ${reference}`);
  await expect(text).toContainText('2 × Stoneware mug');
  const html = page.frameLocator('iframe[title="HTML version"]');
  await expect(html.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(html.getByText(reference)).toBeVisible();
  const orderLink = html.getByRole('link', { name: 'See your order' });
  await expect(orderLink).toHaveAttribute('href', /\/orders\/[A-Za-z0-9_-]{32}\/done$/);

  // The merchant sees the mail's status on the order page.
  await page.goto('/admin');
  await page.getByLabel('Password').fill('nordvik-admin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
  await page.goto(`/admin?q=${encodeURIComponent(email)}`);
  await page.getByRole('table', { name: 'Orders' }).getByRole('link').first().click();
  const mails = page.getByRole('table', { name: 'E-mails' });
  await expect(mails.getByRole('row').filter({ hasText: 'Receipt' })).toContainText('Sent');
  await expect(mails).toContainText(email);
});
