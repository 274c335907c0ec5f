// The shop as issue 13's "done when" has it: a shopper buys with delivery details, pays, finds the
// receipt in the development mailbox (the mail catcher `npm start` runs) with the SEQR reference the
// done page shows; the merchant packs and ships; the "shipped" e-mail arrives once and the order page
// says shipped.
import { expect, test, type Page } from '@playwright/test';
import { addToCart, expectNoReversals, fillCheckoutDetails, MAIL_CATCHER_URL, newestInvoice, sandbox } from './helpers';

/** The catcher's row for a mail to `email` whose subject matches, once it has arrived (sent within a second or so). */
async function mailRow(page: Page, email: string, subject: RegExp) {
  await page.goto(`${MAIL_CATCHER_URL}/`);
  const row = page.getByRole('row').filter({ hasText: email }).filter({ hasText: subject });
  await expect(async () => {
    await page.reload();
    await expect(row).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  return row;
}

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test('buy with delivery details, read the receipt in the mailbox, get it shipped: the shipped e-mail and the order page say so', async ({ page, request }, testInfo) => {
  const email = `shopper-${testInfo.project.name}-${Date.now()}@example.se`;
  await addToCart(page, 'stoneware-mug', 2);
  await page.goto('/cart');
  await fillCheckoutDetails(page, { email });
  await page.getByRole('button', { name: 'Pay with SEQR' }).click();
  // The first checkout after the start also warms the shop and the sandbox up: allow a slow machine.
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/, { timeout: 30_000 });
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
  const reference = (await page.getByTestId('seqr-reference').innerText()).trim();
  expect(reference).not.toBe('');

  const row = await mailRow(page, email, /Your receipt/);
  await row.getByRole('link', { name: /^Your receipt from Nordvik Hem AB, order NV-\d{6}$/ }).click();

  await expect(page.getByRole('heading', { level: 1, name: /^Your receipt from Nordvik/ })).toBeVisible();
  const text = page.locator('pre');
  await expect(text).toContainText(`SEQR reference: ${reference}`);
  await expect(text).toContainText('2 × Stoneware mug');
  await expect(text).toContainText('1 × Pickup point'); // the shipping is a line of the receipt
  await expect(text).toContainText('Anna Svensson, Storgatan 1, 123 45 Stockholm');
  await expect(text).toContainText('559123-4567'); // the seller's org.nr
  const html = page.frameLocator('iframe[title="HTML version"]');
  await expect(html.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(html.getByText(reference)).toBeVisible();
  const orderLink = html.getByRole('link', { name: 'See your order' });
  await expect(orderLink).toHaveAttribute('href', /\/orders\/[A-Za-z0-9_-]{32}$/);
  const orderPage = new URL((await orderLink.getAttribute('href'))!).pathname;

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

  // The merchant packs and ships; the shopper gets one "shipped" mail and the order page says shipped.
  await page.getByRole('button', { name: 'Mark packed' }).click();
  await page.getByLabel('Carrier', { exact: true }).selectOption('PostNord');
  await page.getByLabel('Tracking number', { exact: true }).fill('AB123456789SE');
  await page.getByRole('button', { name: 'Mark shipped' }).click();
  await expect(page.getByTestId('fulfilment-status')).toContainText('AB123456789SE');
  const shipped = await mailRow(page, email, /is on its way/);
  await shipped.getByRole('link').first().click();
  await expect(page.locator('pre')).toContainText('AB123456789SE');
  await expect(page.locator('pre')).toContainText('PostNord');
  await page.goto(`${MAIL_CATCHER_URL}/`);
  await expect(page.getByRole('row').filter({ hasText: email })).toHaveCount(2); // the receipt and "shipped", once each

  await page.goto(orderPage);
  await expect(page.getByText('AB123456789SE')).toBeVisible();
  await expect(page.getByText(/Shipped/).first()).toBeVisible();
});
