// Checkout details and shipping against the real sandbox (over HTTP) and a real embedded database:
// the shipping choice is a row of the SEQR invoice (sendInvoice and updateInvoice) and part of the
// total; the receipt sent to SEQR names the seller, SEQR and the delivery address; fulfilment ships once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess } from '../helpers/sandbox';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
let sandbox: Sandbox;

await useFreshDatabase('checkout-details');

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart, setCartLineQuantity } = await import('../../lib/cart');
const payments = await import('../../lib/payments');
const { findOrderByToken, listOrderEvents } = await import('../../lib/orders');
const { parseCheckoutDetails } = await import('../../lib/checkout/details');
const { markPacked, markShipped } = await import('../../lib/fulfilment');

const control = (method: string, pathname: string, body?: unknown) => sandbox.control.call<any>(method, pathname, body);

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  process.env.SEQR_WSDL_URL = sandbox.wsdlUrl;
  process.env.SEQR_SANDBOX = '1';
  await migrate();
  await seed();
});
after(async () => {
  await closeDb();
  await sandbox?.stop();
});

const FORM = { name: ' Anna  Svensson ', email: 'anna@example.se', phone: '070-123 45 67', street: 'Storgatan 1', postcode: '12345', city: 'Stockholm' };

function details(shipping: string) {
  const parsed = parseCheckoutDetails({ ...FORM, shipping });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.details;
}

const rowsOf = (invoice: any) => invoice.rows.map((r: any) => ({ description: r.itemDescription, total: r.itemTotalAmount?.value, quantity: r.itemQuantity, sku: r.itemSKU ?? null }));
const sumOf = (invoice: any) => invoice.rows.reduce((sum: number, r: any) => sum + Math.round(Number(r.itemTotalAmount.value) * 100), 0);

test('home delivery: SEQR gets an invoice whose rows include the shipping row and add up to the total, and the order stores the details', async () => {
  let cartId = await addToCart(undefined, { slug: 'stoneware-mug', quantity: 2 });
  cartId = await addToCart(cartId, { slug: 'fika-cookbook', quantity: 1 });
  const result = await payments.checkoutCart(cartId, { details: details('HOME_DELIVERY') });
  assert.equal(result.kind, 'started');
  if (result.kind !== 'started') return;
  assert.equal(result.start.kind, 'issued');
  const order = (await findOrderByToken(result.token))!;
  // 2 × 189,00 + 279,00 = 657,00 kr of goods, + 99,00 kr home delivery.
  assert.equal(order.totalOre, 75600);
  assert.deepEqual(order.shipping, { method: 'HOME_DELIVERY', priceOre: 9900, taxRateBp: 2500 });
  // VAT: 25 % of 378,00 (mugs) + 6 % of 279,00 (the book) + 25 % of 99,00 (shipping) = 75,60 + 15,79 + 19,80.
  assert.equal(order.taxOre, 11119, 'the shipping is in the VAT');
  assert.deepEqual(order.vat.map((g) => [g.rateBp, g.vatOre]), [[2500, 9540], [600, 1579]]);
  assert.deepEqual(order.delivery, { name: 'Anna Svensson', phone: '0701234567', street: 'Storgatan 1', postcode: '123 45', city: 'Stockholm' });
  assert.equal(order.email, 'anna@example.se');

  const invoice = await control('GET', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}`);
  assert.deepEqual(invoice.totalAmount, { currency: 'SEK', value: '756.00' });
  const rows = rowsOf(invoice);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[2], { description: 'Shipping: home delivery', total: '99.00', quantity: '1', sku: 'SHIP-HOME' });
  assert.equal(sumOf(invoice), 75600, 'the rows add up to the invoice total');

  // Paid: the receipt sent to SEQR names the seller, the payment method and the delivery.
  await control('POST', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}/pay`);
  await payments.finalizeOnReturn(result.token);
  const paid = (await findOrderByToken(result.token))!;
  assert.equal(paid.status, 'PAID');
  assert.equal(paid.paidOre, 75600);
  let receipts: any[] = [];
  for (let i = 0; i < 50 && receipts.length === 0; i++) {
    receipts = (await control('GET', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}`)).receipts;
    if (receipts.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(receipts.length, 1);
  const html: string = receipts[0].text;
  for (const part of ['Nordvik Hem AB', 'Org.nr 559123-4567', 'VAT nr SE559123456701', 'Payment method: SEQR', 'Shipping: home delivery', 'Storgatan 1, 123 45 Stockholm']) {
    assert.ok(html.includes(part), `the receipt names ${part}: ${html}`);
  }
});

test('the cart changes while the invoice is open: updateInvoice keeps the shipping row, and a new shipping choice at checkout updates it too', async () => {
  const cartId = await addToCart(undefined, { slug: 'wool-throw', quantity: 1 });
  const result = await payments.checkoutCart(cartId, { details: details('PICKUP_POINT') });
  if (result.kind !== 'started') throw new Error('not started');
  const order = (await findOrderByToken(result.token))!;
  const reference = order.attempts[0]!.invoiceReference!;
  assert.equal(order.totalOre, 89500 + 4900);

  await setCartLineQuantity(cartId, { slug: 'wool-throw', quantity: 2 });
  await payments.syncOpenInvoiceWithCart(cartId);
  let invoice = await control('GET', `/sandbox/invoices/${reference}`);
  assert.deepEqual(invoice.totalAmount, { currency: 'SEK', value: '1839.00' });
  assert.deepEqual(rowsOf(invoice).at(-1), { description: 'Shipping: pickup point', total: '49.00', quantity: '1', sku: 'SHIP-PICKUP' });
  assert.equal(sumOf(invoice), 183900);
  assert.equal((await findOrderByToken(result.token))!.totalOre, 183900);

  // Back to the cart, home delivery instead: the same invoice, updated (no second payable invoice).
  const again = await payments.checkoutCart(cartId, { details: details('HOME_DELIVERY') });
  if (again.kind !== 'started') throw new Error('not started');
  assert.equal(again.token, result.token);
  invoice = await control('GET', `/sandbox/invoices/${reference}`);
  assert.equal(invoice.status, 'ISSUED');
  assert.deepEqual(invoice.totalAmount, { currency: 'SEK', value: '1889.00' });
  assert.deepEqual(rowsOf(invoice).at(-1), { description: 'Shipping: home delivery', total: '99.00', quantity: '1', sku: 'SHIP-HOME' });
  const updated = (await findOrderByToken(result.token))!;
  assert.equal(updated.totalOre, 188900);
  assert.equal(updated.shipping?.method, 'HOME_DELIVERY');
  assert.equal(updated.attempts.filter((a) => a.status === 'ISSUED').length, 1);
});

test('fulfilment: an unpaid order cannot be packed; a paid one is packed, then shipped once however often it is clicked', async () => {
  const cartId = await addToCart(undefined, { slug: 'field-notebook', quantity: 1 });
  const result = await payments.checkoutCart(cartId, { details: details('PICKUP_POINT') });
  if (result.kind !== 'started') throw new Error('not started');
  const order = (await findOrderByToken(result.token))!;
  const shipment = { carrier: 'PostNord' as const, trackingNumber: 'AB123456789SE' };

  const early = await markPacked(order.id, 'admin');
  assert.equal(early.ok, false);
  assert.equal(early.message.key, 'admin.fulfilment.notShippable');
  assert.equal((await markShipped(order.id, shipment, 'admin')).ok, false);

  await control('POST', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}/pay`);
  await payments.finalizeOnReturn(result.token);
  assert.equal((await findOrderByToken(result.token))!.status, 'PAID');

  assert.equal((await markShipped(order.id, shipment, 'admin')).message.key, 'admin.fulfilment.packFirst');
  const packs = await Promise.all(Array.from({ length: 5 }, () => markPacked(order.id, 'admin')));
  assert.equal(packs.filter((p) => p.ok).length, 1, 'packed once');
  const ships = await Promise.all(Array.from({ length: 5 }, () => markShipped(order.id, shipment, 'admin')));
  assert.equal(ships.filter((s) => s.ok).length, 1, 'shipped once');
  assert.ok(ships.filter((s) => !s.ok).every((s) => s.message.key === 'admin.fulfilment.alreadyShipped'));

  const shipped = (await findOrderByToken(result.token))!;
  assert.equal(shipped.fulfilment.status, 'SHIPPED');
  assert.equal(shipped.fulfilment.carrier, 'PostNord');
  assert.equal(shipped.fulfilment.trackingNumber, 'AB123456789SE');
  assert.ok(shipped.fulfilment.packedAt && shipped.fulfilment.shippedAt);
  const events = await listOrderEvents(order.id);
  assert.equal(events.filter((e) => e.toStatus === 'PACKED').length, 1);
  assert.equal(events.filter((e) => e.toStatus === 'SHIPPED').length, 1);
  assert.match(events.find((e) => e.toStatus === 'SHIPPED')!.message ?? '', /PostNord, tracking number AB123456789SE/);
});

test('fulfilment: a fully refunded order is not shippable', async () => {
  const cartId = await addToCart(undefined, { slug: 'linen-tea-towel', quantity: 1 });
  const result = await payments.checkoutCart(cartId, { details: details('PICKUP_POINT') });
  if (result.kind !== 'started') throw new Error('not started');
  const order = (await findOrderByToken(result.token))!;
  await control('POST', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}/pay`);
  await payments.finalizeOnReturn(result.token);
  const refund = await payments.refundOrder(order.id, order.totalOre, 'admin');
  assert.equal(refund.ok, true, JSON.stringify(refund));
  assert.equal((await getDb().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'REFUNDED');
  const packed = await markPacked(order.id, 'admin');
  assert.equal(packed.ok, false);
  assert.equal(packed.message.key, 'admin.fulfilment.notShippable');
  assert.equal((await findOrderByToken(result.token))!.fulfilment.status, 'UNFULFILLED');
});
