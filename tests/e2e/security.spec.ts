// The Content-Security-Policy is one the pages satisfy: a shopper and the back office go through
// every kind of page (catalog, product, cart, pay page, receipt, not found, login, back office),
// using them, and the browser reports no violation, while the pages still work.
import { expect, test, type Page } from '@playwright/test';
import { addToCart, checkout, newestInvoice, sandbox } from './helpers';

const ADMIN_PASSWORD = 'nordvik-admin';

/** Every violation the browser reports, on every page the tab loads, as the browser words it. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
      void report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} on ${location.pathname} (${event.sample})`);
    });
  });
  // Chromium also logs each refusal to the console, including ones before the listener existed.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test('a purchase from catalog to receipt, with the live pay page, breaks no rule of the CSP', async ({ page, request }, testInfo) => {
  const violations = await watchViolations(page);
  await page.goto('/');
  await expect(page.getByRole('link', { name: /Stoneware mug/ }).first()).toBeVisible();
  await addToCart(page, 'stoneware-mug'); // a server action, answered by the page's own script
  await page.goto('/cart');
  await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();
  await checkout(page);

  // The pay page's inlined watcher runs: the countdown it keeps moves on from the server's text.
  // (The time left is not in the live region: only state changes are announced.)
  const clock = page.getByTestId('pay-time');
  const first = await clock.innerText();
  await expect.poll(async () => clock.innerText(), { timeout: 10_000 }).not.toBe(first);
  if (testInfo.project.name === 'phone') {
    await expect(page.getByRole('link', { name: 'Open SEQR app' })).toBeVisible();
    await page.getByText('Show QR code').click();
  }
  await expect(page.getByRole('img', { name: 'SEQR QR code' }).first()).toBeAttached();
  // Paid in the sandbox: the watcher hears it and takes the shopper to the receipt by itself.
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page).toHaveURL(/\/orders\/[A-Za-z0-9_-]{32}\/done$/);
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();

  // The language switch: a form post and a redirect back.
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('button', { name: 'English' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Svenska' })).toBeVisible();

  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.goto('/pay/no-such-order-token');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();

  expect(violations).toEqual([]);
});

test('an inline script the server did not mark is refused, on the App Router and the pay page alike', async ({ page }) => {
  const violations = await watchViolations(page);
  await addToCart(page, 'linen-tea-towel');
  for (const path of ['/cart', 'pay']) {
    if (path === 'pay') await checkout(page);
    else await page.goto(path);
    // What an injection would add: a script element without this response's nonce.
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran, path).toBe(false);
    await expect.poll(() => violations.length, { message: `${path}: the browser reports the refusal` }).toBeGreaterThan(0);
    violations.length = 0;
  }
});

test('the back office, logged in and used, breaks no rule of the CSP; a planted notice shows nothing', async ({ page }) => {
  const violations = await watchViolations(page);
  await page.goto('/admin/login');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();

  await page.goto('/admin?notice=Your%20account%20is%20suspended%2C%20call%20%2B46%208%20123%20456');
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
  await expect(page.getByText(/suspended/)).toHaveCount(0);

  const orders = page.getByRole('table', { name: 'Orders' }).getByRole('link');
  if ((await orders.count()) > 0) {
    await orders.first().click();
    await expect(page.getByRole('heading', { name: /^Order NV-/ })).toBeVisible();
  }
  await page.goto('/admin/periods');
  await expect(page.getByRole('heading', { name: 'Day close & reports' })).toBeVisible();
  // A back-office form post: its outcome comes back as a flash the shop signed.
  await page.getByRole('button', { name: 'Close period' }).click();
  await expect(page.locator('.flash')).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/admin\/login/);

  expect(violations).toEqual([]);
});
