// Delivery details, shipping, fulfilment and the shopper's order page, in English and Swedish: the
// shopper fills the details (an error beside the field, the values kept), pays in the sandbox, sees
// the order page; the merchant packs and ships; the order page then shows the tracking number.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { addToCart, expectNoReversals, newestInvoice, sandbox, SHOPPER } from './helpers';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

type Labels = typeof EN;
const EN = {
  name: 'Full name', email: 'E-mail (for your receipt)', phone: 'Phone', street: 'Street address', postcode: 'Postcode', city: 'City',
  pay: 'Pay with SEQR', fix: 'Check the fields marked below.', home: /Home delivery/,
  postcodeError: 'Enter a Swedish postcode: five digits, such as 123 45.', phoneError: 'Enter a phone number, such as 070-123 45 67 or +46 70 123 45 67.',
  paid: /payment is received/, orderLink: 'Your order page — bookmark it', statusPaid: 'Paid, being prepared', statusShipped: 'Shipped',
  shippingLine: 'Shipping: Home delivery', password: 'Password', logIn: 'Log in', orders: 'Orders',
  pack: 'Mark packed', ship: 'Mark shipped', carrier: 'Carrier', tracking: 'Tracking number', packed: 'Packed', shippedWith: /Shipped .* with PostNord, tracking number AB123456789SE/, adminShipped: /Shipped .* with PostNord, AB123456789SE/,
  terms: 'Terms', withdrawal: 'Right of withdrawal', timelineShipped: 'Delivery: packed → shipped',
};
const SV: Labels = {
  name: 'För- och efternamn', email: 'E-post (för kvittot)', phone: 'Telefon', street: 'Gatuadress', postcode: 'Postnummer', city: 'Ort',
  pay: 'Betala med SEQR', fix: 'Kontrollera de markerade fälten nedan.', home: /Hemleverans/,
  postcodeError: 'Ange ett svenskt postnummer: fem siffror, t.ex. 123 45.', phoneError: 'Ange ett telefonnummer, t.ex. 070-123 45 67 eller +46 70 123 45 67.',
  paid: /betalning har kommit fram/, orderLink: 'Din ordersida — spara ett bokmärke', statusPaid: 'Betald, förbereds', statusShipped: 'Skickad',
  shippingLine: 'Frakt: Hemleverans', password: 'Lösenord', logIn: 'Logga in', orders: 'Ordrar',
  pack: 'Markera packad', ship: 'Markera skickad', carrier: 'Transportör', tracking: 'Kollinummer', packed: 'Packad', shippedWith: /Skickad .* med PostNord, kollinummer AB123456789SE/, adminShipped: /Skickad .* med PostNord, AB123456789SE/,
  terms: 'Köpvillkor', withdrawal: 'Ångerrätt', timelineShipped: 'Leverans: packad → skickad',
};

test.afterEach(async ({ request }) => {
  await expectNoReversals(request);
});

/** Fills the form with one bad field, checks the error beside it and the kept values, then fixes it and pays. */
async function checkoutWithDetails(page: Page, request: APIRequestContext, l: Labels, bad: 'postcode' | 'phone') {
  await page.goto('/cart');
  await expect(page.getByRole('link', { name: l.terms }).first()).toBeVisible();
  await page.getByLabel(l.name, { exact: true }).fill(SHOPPER.name);
  await page.getByLabel(l.email, { exact: true }).fill(SHOPPER.email);
  await page.getByLabel(l.phone, { exact: true }).fill(bad === 'phone' ? '12-34' : SHOPPER.phone);
  await page.getByLabel(l.street, { exact: true }).fill(SHOPPER.street);
  await page.getByLabel(l.postcode, { exact: true }).fill(bad === 'postcode' ? '1234' : SHOPPER.postcode);
  await page.getByLabel(l.city, { exact: true }).fill(SHOPPER.city);
  await page.getByRole('radio', { name: l.home }).check();
  await page.getByRole('button', { name: l.pay }).click();

  await expect(page.locator('form.checkout').getByRole('alert')).toHaveText(l.fix);
  const field = page.getByLabel(bad === 'postcode' ? l.postcode : l.phone, { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(new RegExp(bad === 'postcode' ? l.postcodeError.replace(/[.]/g, '\\.') : l.phoneError.replace(/[.+]/g, '\\$&')));
  await expect(page.locator(`#checkout-${bad}-error`)).toHaveText(bad === 'postcode' ? l.postcodeError : l.phoneError);
  // Only that field is marked, and what the shopper typed is still there.
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(1);
  await expect(page.getByLabel(l.name, { exact: true })).toHaveValue(SHOPPER.name);
  await expect(page.getByLabel(l.street, { exact: true })).toHaveValue(SHOPPER.street);
  await expect(page.getByLabel(l.city, { exact: true })).toHaveValue(SHOPPER.city);
  await expect(page.getByRole('radio', { name: l.home })).toBeChecked();

  await field.fill(bad === 'postcode' ? '12345' : '+46 70 123 45 67');
  await page.getByRole('button', { name: l.pay }).click();
  await expect(page).toHaveURL(/\/pay\/[A-Za-z0-9_-]{32}$/);
  // 895,00 kr wool throw + 99,00 kr home delivery.
  await expect(page.getByTestId('pay-amount')).toHaveText(/994,00/);
  const invoice = await newestInvoice(request);
  const detail = await sandbox(request, 'GET', `/sandbox/invoices/${invoice.invoiceReference}`);
  expect(detail.totalAmount).toEqual({ currency: 'SEK', value: '994.00' });
  expect(detail.rows.map((r: any) => r.itemTotalAmount.value)).toEqual(['895.00', '99.00']);
  expect(detail.rows[1].itemDescription).toBe('Shipping: home delivery');
  await sandbox(request, 'POST', `/sandbox/invoices/${invoice.invoiceReference}/pay`);
  await expect(page.getByRole('heading', { name: l.paid })).toBeVisible();
  expect(nbsp(await page.getByTestId('receipt-total').innerText())).toBe('994,00 kr');
  await expect(page.getByTestId('receipt-seller')).toContainText('559123-4567');
  await expect(page.getByTestId('receipt-seller')).toContainText('SE559123456701');
}

async function shipFromBackOffice(page: Page, l: Labels, orderNumber: string) {
  await page.goto('/admin');
  await page.getByLabel(l.password, { exact: true }).fill('nordvik-admin');
  await page.getByRole('button', { name: l.logIn }).click();
  await page.getByRole('table', { name: l.orders }).getByRole('link', { name: orderNumber }).click();
  await expect(page.getByTestId('order-customer')).toContainText(SHOPPER.name);
  await expect(page.getByTestId('order-customer')).toContainText('123 45 Stockholm');
  await page.getByRole('button', { name: l.pack }).click();
  await expect(page.getByTestId('fulfilment-status')).toContainText(l.packed);
  await expect(page.getByRole('button', { name: l.pack })).toHaveCount(0);
  await page.getByLabel(l.carrier, { exact: true }).selectOption('PostNord');
  await page.getByLabel(l.tracking, { exact: true }).fill('ab 123456789 se');
  // A double click ships once: the second request finds the order already shipped.
  const form = page.locator('form[action$="/ship"]');
  const action = await form.getAttribute('action');
  const csrf = await form.locator('input[name="csrf"]').inputValue();
  await page.getByRole('button', { name: l.ship }).click();
  await expect(page.getByTestId('fulfilment-status')).toContainText(l.adminShipped);
  const again = await page.request.post(action!, { form: { csrf, carrier: 'DHL', trackingNumber: 'OTHER1234' }, headers: { accept: 'application/json' } });
  expect(again.status()).toBe(409);
  await page.reload();
  await expect(page.getByTestId('fulfilment-status')).toContainText(l.adminShipped);
  await expect(page.getByRole('list', { name: /Timeline|Händelser/ })).toContainText(l.timelineShipped);
}

for (const [language, l] of [['English', EN], ['Swedish', SV]] as const) {
  test.describe(`in ${language}`, () => {
    if (language === 'Swedish') test.use({ locale: 'sv-SE' });

    test('details with an error beside the field, pay, the order page; the merchant packs and ships; the order page shows the tracking', async ({ page, request }) => {
      test.setTimeout(90_000);
      await addToCart(page, 'wool-throw', 1, language === 'Swedish' ? { quantity: 'Antal', add: 'Lägg i varukorgen', added: /Tillagd i varukorgen/ } : undefined);
      await checkoutWithDetails(page, request, l, language === 'Swedish' ? 'phone' : 'postcode');

      await page.getByRole('link', { name: l.orderLink }).click();
      await expect(page).toHaveURL(/\/orders\/[A-Za-z0-9_-]{32}$/);
      const orderUrl = page.url();
      const orderNumber = (await page.getByRole('heading', { level: 1 }).innerText()).replace(/^Order /, '');
      await expect(page.getByTestId('order-status')).toHaveText(l.statusPaid);
      await expect(page.getByTestId('shipping-line')).toContainText(l.shippingLine);
      await expect(page.getByTestId('delivery-address')).toContainText(SHOPPER.street);
      await expect(page.getByTestId('delivery-address')).toContainText('123 45 Stockholm');
      await expect(page.getByTestId('seqr-reference')).not.toBeEmpty();
      expect(nbsp(await page.getByTestId('receipt-total').innerText())).toBe('994,00 kr');

      await shipFromBackOffice(page, l, orderNumber);

      await page.goto(orderUrl);
      await expect(page.getByTestId('order-status')).toHaveText(l.statusShipped);
      await expect(page.getByTestId('shipment')).toHaveText(l.shippedWith);
      // An odd token is a 404, as before.
      expect((await request.get('/orders/not-a-token')).status()).toBe(404);
    });
  });
}

test('the footer names the seller and links the terms, returns and right of withdrawal, in both languages', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('seller')).toContainText('Nordvik Hem AB');
  await expect(page.getByTestId('seller')).toContainText('Org.nr 559123-4567');
  await page.getByRole('navigation', { name: 'Shop information' }).getByRole('link', { name: 'Right of withdrawal' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Right of withdrawal (ångerrätt)');
  await expect(page.getByText(/within 14 days/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Svenska' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ångerrätt');
  await page.getByRole('navigation', { name: 'Butiksinformation' }).getByRole('link', { name: 'Returer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Returer');
  await page.getByRole('navigation', { name: 'Butiksinformation' }).getByRole('link', { name: 'Köpvillkor' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Köpvillkor');
  await expect(page.getByText(/14 dagars ångerrätt/)).toBeVisible();
});
