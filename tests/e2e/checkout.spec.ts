import { expect, test } from '@playwright/test';
import { addToCart, checkout, decodeQr, expectNoReversals, newestInvoice, sandbox } from './helpers';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

test.afterEach(async ({ request }) => {
  await sandbox(request, 'DELETE', '/sandbox/faults');
  await expectNoReversals(request);
});

test('pay with SEQR: the QR (desktop) or the app link (phone), then the receipt with the SEQR reference', async ({ page, request }, testInfo) => {
  await addToCart(page, 'stoneware-mug', 2);
  await addToCart(page, 'fika-cookbook');
  await checkout(page);
  await expect(page.getByTestId('pay-amount')).toHaveText(/706,00/); // 657,00 kr of goods + 49,00 kr to a pickup point
  const invoice = await newestInvoice(request);
  const qrUrl = `HTTP://SEQR.SE/R${invoice.invoiceReference}`;
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).totalAmount).toEqual({ currency: 'SEK', value: '706.00' });

  if (testInfo.project.name === 'phone') {
    const appLink = page.getByRole('link', { name: 'Open SEQR app' });
    await expect(appLink).toHaveAttribute('href', `seqr-demo://SEQR.SE/R${invoice.invoiceReference}`);
    await expect(page.getByRole('img', { name: 'SEQR QR code' })).toBeHidden();
    await page.getByText('Show QR code').click();
    expect(await decodeQr(page.getByRole('img', { name: 'SEQR QR code' }))).toBe(qrUrl);
    // The app cannot open here: the sandbox wallet plays it and, like the app, returns via backURL.
    await page.getByRole('link', { name: /Open the SEQR sandbox wallet/ }).click();
    await expect(page.getByText('706.00')).toBeVisible();
    await page.getByRole('button', { name: 'Pay' }).click();
  } else {
    await expect(page.getByRole('link', { name: 'Open SEQR app' })).toBeHidden();
    expect(await decodeQr(page.getByRole('img', { name: 'SEQR QR code' }))).toBe(qrUrl);
    await expect(page.getByText(/Scan with the SEQR app/)).toBeVisible();
    await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  }

  await expect(page).toHaveURL(/\/orders\/[A-Za-z0-9_-]{32}\/done$/);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
  const paid = await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`);
  await expect(page.getByText('SEQR reference')).toBeVisible();
  await expect(page.getByTestId('seqr-reference')).toHaveText(paid.ersReference);
  expect(nbsp(await page.getByTestId('receipt-total').innerText())).toBe('706,00 kr');
  await expect(page.getByRole('cell', { name: 'Stoneware mug, moss' })).toBeVisible();
  await expect(page.getByText(/of which VAT 25/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();

  await expect.poll(async () => (await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).receipts.length).toBe(1);
  expect(paid.confirmed).toBe(true);
});

test('cancel in the app: the shopper is told, the cart is intact, and "Try again" issues a new invoice', async ({ page, request }) => {
  await addToCart(page, 'pour-over-kettle');
  await checkout(page);
  const first = await newestInvoice(request);
  await page.goto(`${'http://localhost:' + (process.env.E2E_SANDBOX_PORT ?? 8190)}/app/R${first.invoiceReference}`);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/done$/);
  await expect(page.getByRole('heading', { name: 'Payment not completed' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('The payment was cancelled.');
  await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();

  // One tap: the done page's "Try again" issues the new invoice and lands on the pay page showing it.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/);
  await expect(page.locator('.pay-status')).toHaveText(/Waiting for your payment/);
  const second = await newestInvoice(request);
  expect(second.invoiceReference).not.toBe(first.invoiceReference);
  await sandbox(request, 'POST', `/sandbox/invoices/${second.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
});

test('an unpaid invoice expires after the shop TTL: cancelled at SEQR, and the page offers a new try', async ({ page, request }) => {
  test.setTimeout(90_000);
  await addToCart(page, 'linen-tea-towel');
  await checkout(page);
  const invoice = await newestInvoice(request);
  await expect(page.locator('.pay-status')).toHaveText('The payment timed out before it was completed.', { timeout: 40_000 });
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).status).toBe('CANCELED');
});

test('notification dropped and the tab closed: the shop still confirms the payment in time', async ({ page, context, request }) => {
  await addToCart(page, 'oak-serving-tray');
  await checkout(page);
  const payUrl = page.url();
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', '/sandbox/faults', { dropNotifications: true });
  await page.close();
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect.poll(async () => (await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).confirmed, { timeout: 15_000 }).toBe(true);
  const later = await context.newPage();
  await later.goto(payUrl.replace(/\/pay\/(.*)$/, '/orders/$1/done'));
  await expect(later.getByTestId('seqr-reference')).toHaveText((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).ersReference);
});

test('SEQR down at checkout: a clear message, the order is kept, and trying again works', async ({ page, request }) => {
  await addToCart(page, 'birch-cutting-board');
  await sandbox(request, 'POST', '/sandbox/faults', { down: true });
  await checkout(page);
  await expect(page.locator('.pay-status')).toHaveText('SEQR is not answering right now. Your order is saved; please try again in a moment.');
  await expect(page.getByRole('img', { name: 'SEQR QR code' })).toHaveCount(0);
  await sandbox(request, 'DELETE', '/sandbox/faults');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('.pay-status')).toHaveText(/Waiting for your payment/);
  await expect(page.getByTestId('pay-amount')).toHaveText(/398,00/); // 349,00 + 49,00 shipping
});

test('a forged notification changes nothing', async ({ page, request }) => {
  await addToCart(page, 'field-notebook');
  await checkout(page);
  const invoice = await sandbox(request, 'GET', `/sandbox/invoices/${(await newestInvoice(request)).invoiceReference}`);
  const forged = await request.post('/api/seqr/notify/forged-token');
  expect(forged.status()).toBe(404);
  expect((await forged.json()).error).toBe('Unknown notification token.');
  const replay = await request.post(new URL(invoice.notificationUrl).pathname);
  expect(replay.status()).toBe(200);
  await page.reload();
  await expect(page.locator('.pay-status')).toHaveText(/Waiting for your payment/);
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).status).toBe('ISSUED');
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/cancel`);
});

test('an unknown pay link answers 404 with the shop around it', async ({ page }) => {
  const response = await page.goto(`/pay/${'A'.repeat(32)}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('This order does not exist.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the catalog' })).toBeVisible();
});
