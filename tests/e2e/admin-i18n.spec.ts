// The Swedish catalog and a readable back office, on phone and desktop: Swedish product names from
// the database, a refund that waits for a confirmation stating the amount in sv-SE, and SEQR's
// reports as tables with currency under a readable period label.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { addToCart, checkout, expectNoReversals, newestInvoice, sandbox } from './helpers';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

async function inSwedish(page: Page, baseURL: string | undefined): Promise<void> {
  await page.context().addCookies([{ name: 'lang', value: 'sv', url: baseURL! }]);
}

async function paidOrder(page: Page, request: APIRequestContext, slug: string, quantity: number): Promise<void> {
  await addToCart(page, slug, quantity);
  await checkout(page);
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
}

async function logInInSwedish(page: Page): Promise<void> {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await page.getByLabel('Lösenord').fill('nordvik-admin');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('heading', { name: 'Ordrar' })).toBeVisible();
}

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test.describe('a Swedish browser', () => {
  test.use({ locale: 'sv-SE' });

  test('the catalog, the product page and the cart show Swedish product names', async ({ page }) => {
    await page.goto('/');
    const catalog = page.getByRole('list', { name: 'Produkter' });
    await expect(catalog.getByRole('link', { name: /Ullpläd, grå/ })).toBeVisible();
    await expect(catalog).not.toContainText('Wool throw');
    await catalog.getByRole('link', { name: /Ullpläd, grå/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ullpläd, grå');
    await expect(page).toHaveTitle(/Ullpläd, grå/);
    await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /lammull/);
    await expect(page.getByText('väveri i Småland')).toBeVisible();
    await page.getByRole('button', { name: 'Lägg i varukorgen' }).click();
    await expect(page.getByRole('status')).toHaveText(/Tillagd i varukorgen/);
    await page.goto('/cart');
    await expect(page.getByRole('link', { name: 'Ullpläd, grå' })).toBeVisible();
    // The same cart in English names the product in English.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('link', { name: 'Wool throw, grey' })).toBeVisible();
  });
});

test('a refund in Swedish: the field starts empty, a confirmation states the amount, and only confirming refunds', async ({ page, request, baseURL }) => {
  await paidOrder(page, request, 'wool-throw', 2); // 1 790,00 kr + 49,00 kr pickup point
  await inSwedish(page, baseURL);
  await logInInSwedish(page);
  await page.getByRole('table', { name: 'Ordrar' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: /^Order NV-/ })).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('betald');

  const amount = page.getByLabel(/Belopp att återbetala/);
  await expect(amount).toHaveValue('');
  expect(nbsp((await amount.getAttribute('placeholder')) ?? '')).toBe('1 839,00');
  expect(nbsp(await page.locator('#refund-hint').innerText())).toContain('Högst 1 839,00 kr kan återbetalas');
  expect(nbsp(await page.locator('main').innerText())).not.toContain('1839.00');

  await amount.fill('1 346,50');
  await page.getByRole('button', { name: 'Återbetala', exact: true }).click();
  const question = page.getByTestId('refund-question');
  await expect(question).toBeVisible();
  expect(nbsp(await question.innerText())).toBe('Återbetala 1 346,50 kr till kunden?');
  // Nothing is refunded before the confirmation.
  await expect(page.getByTestId('order-refunded')).toHaveText(/^0,00\s*kr$/);
  await expect(page.getByTestId('order-status')).toHaveText('betald');
  // Going back sends nothing either.
  await page.getByRole('link', { name: 'Nej, gå tillbaka' }).click();
  await expect(page.getByLabel(/Belopp att återbetala/)).toHaveValue('');
  await expect(page.getByTestId('order-refunded')).toHaveText(/^0,00\s*kr$/);

  await page.getByLabel(/Belopp att återbetala/).fill('1346,50');
  await page.getByRole('button', { name: 'Återbetala', exact: true }).click();
  await page.getByRole('button', { name: /^Ja, återbetala 1\s346,50\skr$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Återbetalade' })).toHaveText(/^Återbetalade 1\s346,50\skr\. Ordern är nu delvis återbetald\.$/);
  await expect(page.getByTestId('order-refunded')).toHaveText(/^1\s346,50\s*kr$/);
  await expect(page.getByTestId('order-status')).toHaveText('delvis återbetald');
  const refunds = page.getByRole('table', { name: 'Återbetalningar' });
  await expect(refunds).toContainText('genomförd');
  await expect(page.getByRole('list', { name: 'Händelser' })).toContainText(/Order: [^\n]*betald → delvis återbetald/);
  expect(nbsp(await page.locator('#refund-hint').innerText())).toContain('Högst 492,50 kr kan återbetalas');
});

test('a report in Swedish is a table with currency under a readable period label, and the reconciliation links its orders', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  await paidOrder(page, request, 'glass-carafe', 1); // 259,00 kr + 49,00 kr pickup point
  await inSwedish(page, baseURL);
  await logInInSwedish(page);
  await page.goto('/admin/periods');
  await page.getByRole('button', { name: 'Stäng perioden' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^(Dag \d{4}-\d{2}-\d{2}, \d{2}:\d{2}–\d{2}:\d{2}|Till och med \d{4}-\d{2}-\d{2} \d{2}:\d{2}|\d{4}-\d{2}-\d{2} \d{2}:\d{2} – \d{4}-\d{2}-\d{2} \d{2}:\d{2}), butiken$/);
  await expect(page.getByTestId('period-id')).toHaveText(/^SEQR:s period-id \d{25}$/);

  const report = page.getByRole('table', { name: 'Rapport' });
  await expect(report).toBeVisible();
  await expect(report.getByRole('columnheader', { name: 'Summa (SEK)' })).toBeVisible();
  expect(nbsp(await report.innerText())).toMatch(/\d+,\d{2} kr/);
  expect(await report.innerText()).not.toMatch(/\d\.\d{5}/);

  const rows = page.getByTestId('reconciliation-rows');
  const matched = rows.getByRole('row').filter({ hasText: 'Stämmer' }).filter({ hasText: '308,00' });
  await expect(matched).toHaveCount(1);
  await matched.getByRole('link', { name: /^NV-/ }).click();
  await expect(page.getByRole('heading', { name: /^Order NV-/ })).toBeVisible();
  // The order's lines keep the language the shopper checked out in (English here).
  await expect(page.locator('table.admin-table').first()).toContainText('Glass carafe, 1 l');
});
