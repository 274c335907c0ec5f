// The shop reached at another name than PUBLIC_BASE_URL's (here http://127.0.0.1 while it says
// http://localhost): every redirect keeps the browser on the host it used, so its cookies (cart,
// language, admin session) stay with it. Redirects built from the request's own URL sent it to
// localhost instead, where it had no cookies (issue 16). Behind a proxy: tests/proxy/nginx.test.ts.
import { expect, test, type Page } from '@playwright/test';
import { addToCart, checkout, newestInvoice, sandbox, SANDBOX_URL } from './helpers';

const port = Number(process.env.E2E_PORT ?? 3100);
const OTHER_HOST = `http://127.0.0.1:${port}`;

test.use({ baseURL: OTHER_HOST });

/** Every page the test saw was on 127.0.0.1 (the sandbox wallet aside). */
function trackNavigation(page: Page): string[] {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}
const offHost = (visited: string[]) => visited.filter((url) => !url.startsWith(`${OTHER_HOST}/`) && !url.startsWith(`${SANDBOX_URL}/`) && url !== 'about:blank');

test('at 127.0.0.1: the language switch and the admin login and logout stay on that host', async ({ page }) => {
  const visited = trackNavigation(page);
  await page.goto('/cart');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page).toHaveURL(`${OTHER_HOST}/cart`);
  await expect(page.getByRole('heading', { name: 'Din varukorg' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();

  // A correct login first: it starts this address's failed-login count from zero, so the one
  // wrong try below does not lock it. admin.spec.ts's throttle test may have just locked this
  // address (the sockets of all specs are 127.0.0.1): then wait as the page says, as a person would.
  const logIn = async () => {
    await page.getByLabel('Password').fill('nordvik-admin');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(`${OTHER_HOST}/admin`);
    await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
  };
  test.setTimeout(120_000);
  await page.goto('/admin');
  await expect(page).toHaveURL(`${OTHER_HOST}/admin/login`);
  await page.getByLabel('Password').fill('nordvik-admin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(new RegExp(`^${OTHER_HOST}/admin(/login\\?error=rate-limited&wait=\\d+)?$`));
  const wait = new URL(page.url()).searchParams.get('wait');
  if (wait) {
    await page.waitForTimeout((Number(wait) + 1) * 1000);
    await logIn();
  }
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(new RegExp(`^${OTHER_HOST}/admin/login`));
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${OTHER_HOST}/admin/login?error=wrong-password`);
  await expect(page.getByRole('alert').filter({ hasText: 'password' })).toBeVisible();
  await logIn();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(new RegExp(`^${OTHER_HOST}/admin/login`));
  expect(offHost(visited)).toEqual([]);
});

// Paid from another device (the QR code), so the page itself goes on to the receipt; the wallet's
// return goes to backURL, PUBLIC_BASE_URL's host by design (checkout.spec.ts).
test('at 127.0.0.1: a checkout and payment reach the receipt on that host', async ({ page, request }) => {
  const visited = trackNavigation(page);
  await addToCart(page, 'stoneware-mug');
  await checkout(page);
  await expect(page).toHaveURL(new RegExp(`^${OTHER_HOST}/pay/`));
  const invoice = await newestInvoice(request);
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page).toHaveURL(new RegExp(`^${OTHER_HOST}/orders/[A-Za-z0-9_-]{32}/done$`));
  await expect(page.getByRole('heading', { name: /payment is received/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();
  expect(offHost(visited)).toEqual([]);
});
