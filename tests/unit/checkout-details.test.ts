import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCheckoutDetails } from '../../lib/checkout/details';
import { SHIPPING_OPTIONS } from '../../lib/checkout/shipping';
import { ConfigError, parseConfig } from '../../lib/config';
import { parseShipment, shopperOrderStatus } from '../../lib/fulfilment';
import { translateMessage } from '../../lib/i18n';
import { orderTotals } from '../../lib/orders';
import { receiptHtml } from '../../lib/payments/receipt-document';

const GOOD = { name: 'Anna Svensson', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm', shipping: 'PICKUP_POINT' };

const errorsOf = (input: Record<string, unknown>) => {
  const parsed = parseCheckoutDetails(input);
  return parsed.ok ? {} : parsed.errors;
};

test('Swedish postcodes: five digits, with or without the space, stored as "123 45"', () => {
  for (const [input, stored] of [['12345', '123 45'], ['123 45', '123 45'], [' 981 38 ', '981 38']] as const) {
    const parsed = parseCheckoutDetails({ ...GOOD, postcode: input });
    assert.ok(parsed.ok, input);
    assert.equal(parsed.details.postcode, stored);
  }
  for (const bad of ['1234', '123456', '12 345', 'ABC 12', '123-45', '', '１２３４５']) {
    assert.deepEqual(errorsOf({ ...GOOD, postcode: bad }), { postcode: 'checkout.error.postcode' }, bad);
  }
});

test('phone numbers: Swedish national or international, spaces and hyphens allowed, stored as digits', () => {
  for (const [input, stored] of [['070-123 45 67', '0701234567'], ['+46 70 123 45 67', '+46701234567'], ['0046 8 123 456 78', '+46812345678'], ['08-12 34 56', '08123456'], ['(08) 123 456 78', '0812345678']] as const) {
    const parsed = parseCheckoutDetails({ ...GOOD, phone: input });
    assert.ok(parsed.ok, input);
    assert.equal(parsed.details.phone, stored);
  }
  for (const bad of ['', '12345', 'seventy', '070 123 45 67 89 00 11', '+0 70 123 45 67', '070.123.45.67', '+46 70 abc']) {
    assert.deepEqual(errorsOf({ ...GOOD, phone: bad }), { phone: 'checkout.error.phone' }, bad);
  }
});

test('every field says what is wrong with it, and only it; forged values are errors, not exceptions', () => {
  assert.deepEqual(errorsOf({}), {
    name: 'checkout.error.name',
    email: 'checkout.error.email',
    phone: 'checkout.error.phone',
    street: 'checkout.error.street',
    postcode: 'checkout.error.postcode',
    city: 'checkout.error.city',
    shipping: 'checkout.error.shipping',
  });
  assert.deepEqual(errorsOf({ ...GOOD, email: 'anna@example' }), { email: 'checkout.error.email' });
  assert.deepEqual(errorsOf({ ...GOOD, email: `${'a'.repeat(250)}@example.se` }), { email: 'checkout.error.email' });
  assert.deepEqual(errorsOf({ ...GOOD, name: 'A' }), { name: 'checkout.error.name' });
  assert.deepEqual(errorsOf({ ...GOOD, name: 'x'.repeat(101) }), { name: 'checkout.error.name' });
  assert.deepEqual(errorsOf({ ...GOOD, shipping: 'DRONE' }), { shipping: 'checkout.error.shipping' });
  assert.deepEqual(errorsOf({ ...GOOD, city: { toString: () => 'Stockholm' }, street: ['Storgatan 1'] }), { city: 'checkout.error.city', street: 'checkout.error.street' });
  const parsed = parseCheckoutDetails({ ...GOOD, name: '  Anna \n Svensson ', shipping: 'HOME_DELIVERY' });
  assert.ok(parsed.ok);
  assert.equal(parsed.details.name, 'Anna Svensson');
  assert.equal(parsed.details.shipping, 'HOME_DELIVERY');
  assert.equal(translateMessage('sv', { key: 'checkout.error.postcode' }), 'Ange ett svenskt postnummer: fem siffror, t.ex. 123 45.');
});

test('shipping is a priced line: in the total and in the VAT at its rate', () => {
  assert.deepEqual(SHIPPING_OPTIONS.map((o) => [o.method, o.priceOre, o.taxRateBp]), [['PICKUP_POINT', 4900, 2500], ['HOME_DELIVERY', 9900, 2500]]);
  const book = { unitPriceOre: 27900, quantity: 1, taxRateBp: 600 };
  assert.deepEqual(orderTotals([book], null), { totalOre: 27900, taxOre: 1579, vat: [{ rateBp: 600, grossOre: 27900, vatOre: 1579, netOre: 26321 }] });
  const withShipping = orderTotals([book], { method: 'HOME_DELIVERY', priceOre: 9900, taxRateBp: 2500 });
  assert.equal(withShipping.totalOre, 37800);
  assert.equal(withShipping.taxOre, 1579 + 1980);
  assert.deepEqual(withShipping.vat.map((g) => [g.rateBp, g.vatOre]), [[2500, 1980], [600, 1579]]);
});

test('seller settings: demo defaults, and an org.nr or VAT number of the wrong form is refused with a sentence', () => {
  assert.deepEqual(parseConfig({}, '/srv/shop').seller, {
    name: 'Nordvik Hem AB',
    orgNr: '559123-4567',
    vatNr: 'SE559123456701',
    address: 'Hantverkargatan 12, 112 21 Stockholm',
    email: 'hej@nordvik.example',
    phone: '+46 8 123 456 78',
  });
  const own = parseConfig({ SHOP_NAME: 'Ek & Lin AB', SHOP_ORG_NR: '556677-8899', SHOP_VAT_NR: 'SE556677889901' }, '/srv/shop').seller;
  assert.equal(own.name, 'Ek & Lin AB');
  assert.equal(own.vatNr, 'SE556677889901');
  const problems = (env: Record<string, string>) => {
    try {
      parseConfig(env, '/srv/shop');
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
  };
  assert.match(problems({ SHOP_ORG_NR: '5591234567' }).join('\n'), /SHOP_ORG_NR must be a Swedish organisation number such as 559123-4567/);
  assert.match(problems({ SHOP_VAT_NR: 'SE5591234567' }).join('\n'), /SHOP_VAT_NR must be a Swedish VAT number: SE and 12 digits/);
  assert.match(problems({ SHOP_ORG_NR: '556677-8899' }).join('\n'), /SHOP_VAT_NR \(SE559123456701\) must be SE, the ten digits of SHOP_ORG_NR/);
  assert.match(problems({ SHOP_EMAIL: 'nowhere' }).join('\n'), /SHOP_EMAIL must be an e-mail address/);
});

test('the receipt sent to SEQR names the seller, SEQR, the shipping and the delivery address, escaped', () => {
  const html = receiptHtml(
    {
      number: 42,
      lines: [{ position: 1, sku: 'MUG', name: 'Mug <moss>', unitPriceOre: 18900, taxRateBp: 2500, quantity: 1, lineTotalOre: 18900 }],
      shipping: { method: 'PICKUP_POINT', priceOre: 4900, taxRateBp: 2500 },
      vat: [{ rateBp: 2500, grossOre: 23800, vatOre: 4760, netOre: 19040 }],
      totalOre: 23800,
      delivery: { name: 'Anna & Co', phone: '0701234567', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm' },
    },
    { ersReference: 'ERS-1', paidAt: new Date('2026-12-01T10:00:00Z') },
    { name: 'Ek & Lin AB', orgNr: '556677-8899', vatNr: 'SE556677889901', address: 'Gatan 1, 111 11 Stockholm', email: 'a@b.se', phone: '08-1' },
  );
  for (const part of ['<h1>Ek &amp; Lin AB</h1>', 'Org.nr 556677-8899', 'VAT nr SE556677889901', 'Payment method: SEQR', 'SEQR reference ERS-1', 'Mug &lt;moss&gt;', 'Shipping: pickup point', 'Deliver to: Anna &amp; Co, Storgatan 1, 123 45 Stockholm', 'NV-000042']) {
    assert.ok(html.includes(part), part);
  }
  assert.match(html, /Total<\/th><th>238,00\s?kr/);
});

test('shipment input and what the shopper is told about the order', () => {
  assert.deepEqual(parseShipment({ carrier: 'PostNord', trackingNumber: ' ab 1234 5678 se ' }), { ok: true, shipment: { carrier: 'PostNord', trackingNumber: 'AB12345678SE' } });
  assert.deepEqual(parseShipment({ carrier: 'Pigeon', trackingNumber: 'AB123' }), { ok: false, message: { key: 'admin.fulfilment.badCarrier' } });
  assert.deepEqual(parseShipment({ carrier: 'DHL', trackingNumber: 'ab' }), { ok: false, message: { key: 'admin.fulfilment.badTracking' } });
  assert.deepEqual(parseShipment({ carrier: null, trackingNumber: null }).ok, false);
  assert.equal(shopperOrderStatus({ status: 'AWAITING_PAYMENT', fulfilmentStatus: 'UNFULFILLED' }), 'awaiting');
  assert.equal(shopperOrderStatus({ status: 'PAID', fulfilmentStatus: 'UNFULFILLED' }), 'paid');
  assert.equal(shopperOrderStatus({ status: 'PAID', fulfilmentStatus: 'PACKED' }), 'packed');
  assert.equal(shopperOrderStatus({ status: 'PARTIALLY_REFUNDED', fulfilmentStatus: 'SHIPPED' }), 'shipped');
  assert.equal(shopperOrderStatus({ status: 'PARTIALLY_REFUNDED', fulfilmentStatus: 'UNFULFILLED' }), 'partlyRefunded');
  assert.equal(shopperOrderStatus({ status: 'REFUNDED', fulfilmentStatus: 'SHIPPED' }), 'refunded');
  assert.equal(shopperOrderStatus({ status: 'REVIEW', fulfilmentStatus: 'UNFULFILLED' }), 'review');
});
