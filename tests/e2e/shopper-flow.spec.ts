// The rough edges a shopper meets around paying: one-tap "Try again", the cart while an invoice is
// open, steppers and quantity 0, the cart after a purchase, and the pay page's waiting (announced only
// when the state changes; the time left as m:ss with a bar that respects reduced motion).
import { expect, test, type Page } from '@playwright/test';
import { addToCart, checkout, expectNoReversals, newestInvoice, sandbox, SANDBOX_URL } from './helpers';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const line = (page: Page, name: string) => page.getByRole('list', { name: 'Cart lines' }).getByRole('listitem').filter({ hasText: name });

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test('cancel in the wallet, then one tap on "Try again" on the done page lands on a payable invoice', async ({ page, request }) => {
  await addToCart(page, 'pour-over-kettle');
  await checkout(page);
  const first = await newestInvoice(request);
  await page.goto(`${SANDBOX_URL}/app/R${first.invoiceReference}`);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/done$/);
  await expect(page.getByRole('heading', { name: 'Payment not completed' })).toBeVisible();

  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/);
  await expect(page.locator('.pay-status')).toHaveText(/Waiting for your payment/);
  await expect(page.getByText('The payment was cancelled.')).toHaveCount(0);
  const second = await newestInvoice(request);
  expect(second.invoiceReference).not.toBe(first.invoiceReference);
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${second.invoiceReference}`)).status).toBe('ISSUED');
  // The page shows what is being paid for, and the way back.
  await expect(page.getByRole('region', { name: 'Your order' }).getByRole('cell', { name: 'Pour-over kettle' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the cart' })).toHaveAttribute('href', '/cart');
  await sandbox(request, 'POST', `/sandbox/invoices/${second.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
});

test('the cart says a payment is in progress; a change while paying shows the new amount on the pay page (old → new)', async ({ page, request }) => {
  await addToCart(page, 'stoneware-mug'); // 189,00 kr, + 49,00 kr pickup point on the invoice
  await checkout(page);
  const payUrl = page.url();
  const invoice = await newestInvoice(request);

  await page.goto('/cart');
  const notice = page.getByTestId('payment-in-progress');
  await expect(notice).toContainText('A payment for this cart is in progress.');
  await expect(notice.getByRole('link', { name: 'Go to the payment' })).toHaveAttribute('href', new URL(payUrl).pathname);
  await line(page, 'Stoneware mug').getByRole('button', { name: 'One more Stoneware mug, moss' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(/378,00/);

  await notice.getByRole('link', { name: 'Go to the payment' }).click();
  await expect(page).toHaveURL(payUrl);
  expect(nbsp(await page.getByTestId('amount-changed').innerText())).toContain('238,00 kr → 427,00 kr');
  await expect(page.getByTestId('pay-amount')).toHaveText(/427,00/);
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).totalAmount).toEqual({ currency: 'SEK', value: '427.00' });
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();

  // After the purchase the cart is simply empty: no red "could not find the cart".
  await page.goto('/cart');
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  await expect(page.getByText('We could not find the cart')).toHaveCount(0);
  await expect(page.getByTestId('payment-in-progress')).toHaveCount(0);
  // And the next purchase starts a new cart.
  await addToCart(page, 'field-notebook');
  await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();
});

test('emptying the cart while paying leaves no "Try again" for the old amount', async ({ page, request }) => {
  await addToCart(page, 'beeswax-candles');
  await checkout(page);
  const payUrl = page.url();
  const invoice = await newestInvoice(request);
  await page.goto('/cart');
  await page.getByRole('button', { name: /^Remove / }).click();
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  expect((await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`)).status).toBe('CANCELED');

  await page.goto(payUrl);
  await expect(page.getByTestId('cart-emptied')).toContainText('Your cart is empty now');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await page.goto(payUrl.replace('/pay/', '/orders/') + '/done');
  await expect(page.getByTestId('cart-emptied')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  // A forged "Try again" issues nothing and sends the shopper to the (empty) cart.
  const before = (await sandbox(request, 'GET', '/sandbox/invoices')).invoices.length;
  const response = await page.request.post(`${new URL(payUrl).pathname.replace('/pay/', '/api/orders/')}/retry`, { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe('/cart');
  expect((await sandbox(request, 'GET', '/sandbox/invoices')).invoices.length).toBe(before);
});

test.describe('cart steppers and quantity 0', () => {
  for (const javaScript of [true, false]) {
    test.describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
      test.use({ javaScriptEnabled: javaScript });

      test('+ and − change the quantity, − at 1 and quantity 0 remove the line', async ({ page }) => {
        // Adding needs the product form; without JavaScript it posts as a plain form too.
        await page.goto('/products/oak-serving-tray');
        await page.getByRole('button', { name: 'Add to cart' }).click();
        await page.goto('/products/enamel-pot');
        await page.getByRole('button', { name: 'Add to cart' }).click();
        await page.goto('/cart');
        const tray = line(page, 'Oak serving tray');
        const quantity = tray.getByRole('spinbutton');
        await expect(quantity).toHaveValue('1');

        await tray.getByRole('button', { name: /^One more / }).click();
        await expect(line(page, 'Oak serving tray').getByRole('spinbutton')).toHaveValue('2');
        await line(page, 'Oak serving tray').getByRole('button', { name: /^One more / }).click();
        await expect(line(page, 'Oak serving tray').getByRole('spinbutton')).toHaveValue('3');
        await line(page, 'Oak serving tray').getByRole('button', { name: /^One less / }).click();
        await expect(line(page, 'Oak serving tray').getByRole('spinbutton')).toHaveValue('2');
        await line(page, 'Oak serving tray').getByRole('button', { name: /^One less / }).click();
        await expect(line(page, 'Oak serving tray').getByRole('spinbutton')).toHaveValue('1');
        await line(page, 'Oak serving tray').getByRole('button', { name: /^One less / }).click();
        await expect(line(page, 'Oak serving tray')).toHaveCount(0);

        const pot = line(page, 'Enamel pot');
        await pot.getByRole('spinbutton').fill('0');
        await pot.getByRole('button', { name: 'Update' }).click();
        await expect(page.getByText('Your cart is empty.')).toBeVisible();
        await expect(page.getByText('We could not find the cart')).toHaveCount(0);
      });
    });
  }
});

test('the pay page announces only state changes; the time left ticks as m:ss beside it', async ({ page }) => {
  await addToCart(page, 'wool-throw');
  // Count every change of the live region from the moment the page starts.
  await page.addInitScript(() => {
    const w = window as unknown as { liveWrites: number };
    w.liveWrites = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        if (target?.closest('[aria-live]')) w.liveWrites++;
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await checkout(page);
  await expect(page.locator('.pay-status')).toHaveText('Waiting for your payment in the SEQR app…');
  const time = page.getByTestId('pay-time');
  await expect(time).toHaveText(/^Time left to pay: \d:[0-5]\d$/);
  const liveWrites = () => page.evaluate(() => (window as unknown as { liveWrites: number }).liveWrites);
  const writesWhenShown = await liveWrites(); // the server's text, parsed into the region
  for (let tick = 0; tick < 2; tick++) {
    const shown = await time.innerText();
    await expect(time).not.toHaveText(shown); // the clock moves…
  }
  // …but the live region is not rewritten while it does (the clock is not inside it).
  expect(await liveWrites()).toBe(writesWhenShown);
  await expect(page.locator('[aria-live]')).toHaveCount(1);
  await expect(page.locator('[aria-live] [data-testid="pay-time"]')).toHaveCount(0);

  // The progress bar moves smoothly, or not at all for those who asked for less motion.
  const transition = () => page.locator('.pay-progress-bar').evaluate((bar) => getComputedStyle(bar).transitionDuration);
  expect(await transition()).toBe('1s');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await transition()).toBe('0s');
  await expect(page.locator('.pay-progress')).toBeVisible();
});
