// An app's shopper (issue 15): the app makes the cart and the payment through /api/v1, the phone
// opens the SEQR app (here the sandbox's wallet simulator) and pays, and SEQR's app sends the
// shopper back to the app's own URL, which the simulator shows as a link. The app then asks for the
// final status and the receipt, and the order is the web shop's as well.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectNoReversals } from './helpers';

const DETAILS = { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm', shipping: 'HOME_DELIVERY' };

async function api(request: APIRequestContext, method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown, headers: Record<string, string> = {}) {
  const response = await request.fetch(`/api/v1${path}`, { method, data: data === undefined ? undefined : JSON.stringify(data), headers: { 'content-type': 'application/json', ...headers } });
  const body = await response.json();
  expect(response.status(), `${method} ${path}: ${JSON.stringify(body)}`).toBeLessThan(400);
  return body;
}

async function appPayment(request: APIRequestContext) {
  const cart = await api(request, 'POST', '/carts', { items: [{ slug: 'glass-carafe', quantity: 1 }] }, { 'idempotency-key': crypto.randomUUID() });
  await api(request, 'PUT', `/carts/${cart.id}/checkout-details`, DETAILS);
  return api(request, 'POST', '/payments', { cartId: cart.id, returnUrl: 'nordvik://orders/{orderToken}' }, { 'idempotency-key': crypto.randomUUID(), 'accept-language': 'sv' });
}

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

test('an app shopper pays in the SEQR app and is sent back to the app; the receipt has the SEQR reference', async ({ page, request }) => {
  test.skip(test.info().project.name !== 'phone', 'an in-app payment happens on a phone');
  const payment = await appPayment(request);
  expect(payment.attempt.status).toBe('ISSUED');
  expect(payment.attempt.appLink).toMatch(/^seqr-demo:\/\/SEQR\.SE\/R\d+$/);
  expect(payment.amount.formatted.replace(/\s/g, ' ')).toBe('358,00 kr'); // 259 kr + home delivery 99 kr

  // The phone: the SEQR app (the wallet simulator) shows the invoice; the shopper pays.
  await page.goto(payment.attempt.walletSimulatorUrl);
  await expect(page.getByText('Glaskaraff, 1 l')).toBeVisible(); // the order's lines are in the shopper's language
  await page.getByRole('button', { name: 'Pay' }).click();
  const back = page.getByTestId('app-return');
  await expect(back).toContainText('returns to your app');
  await expect(back.getByRole('link')).toHaveAttribute('href', `nordvik://orders/${payment.orderToken}`);
  await expect(page.getByTestId('return-url')).toHaveText(`nordvik://orders/${payment.orderToken}`);

  // Back in the app: the final status once, then the receipt, in Swedish as the app asks.
  const final = await api(request, 'GET', `/payments/${payment.orderToken}?final=true`);
  expect(final).toMatchObject({ status: 'PAID', final: true, returnUrl: `nordvik://orders/${payment.orderToken}` });
  expect(final.ersReference).toMatch(/^\d+$/);
  const receipt = await api(request, 'GET', `/payments/${payment.orderToken}/receipt`, undefined, { 'accept-language': 'sv' });
  expect(receipt.ersReference).toBe(final.ersReference);
  expect(receipt.shipping.name).toBe('Hemleverans');
  expect(receipt.lines).toEqual([expect.objectContaining({ sku: 'NV-1009', quantity: 1 })]);

  // The same order is the web shop's: its order page shows it paid, with the same reference.
  await page.goto(`/orders/${payment.orderToken}`);
  await expect(page.getByTestId('seqr-reference')).toHaveText(final.ersReference);
});

test('an app shopper who cancels in the SEQR app goes back to the app, and the app can try again', async ({ page, request }) => {
  test.skip(test.info().project.name !== 'phone', 'an in-app payment happens on a phone');
  const payment = await appPayment(request);
  await page.goto(payment.attempt.walletSimulatorUrl);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('return-url')).toHaveText(`nordvik://orders/${payment.orderToken}`);
  const final = await api(request, 'GET', `/payments/${payment.orderToken}?final=true`);
  expect(final.attempt.status).toBe('CANCELED');
  expect(final.canRetry).toBe(true);
  const retried = await api(request, 'POST', `/payments/${payment.orderToken}/retry`, {});
  expect(retried.attempt).toMatchObject({ number: 2, status: 'ISSUED' });
});
