// Stock that never oversells (issue 13), driven through the shop's own lib calls against the real
// database (PGlite here; PostgreSQL when `npm test` sets TEST_POSTGRES_URL) and a real SEQR sandbox
// over HTTP. 200 shoppers check out the last 10 units at once; then each way an invoice ends is
// shown to release or consume its reservation, and a payment that arrives after its reservation
// was released is sold anyway and flagged oversold.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DATABASE_KIND, useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { startSeqrProxy } from '../helpers/seqr-proxy';

const TTL_S = 60;
const ABANDON_AFTER_S = 600;
const SHOPPERS = 200;
const LAST_UNITS = 10;

await useFreshDatabase('stock');
const proxy = await startSeqrProxy('http://127.0.0.1:9/unset');
process.env.SEQR_WSDL_URL = proxy.wsdlUrl;
process.env.SEQR_TERMINAL_ID = 'demo-webshop';
process.env.SEQR_TERMINAL_PASSWORD = 'demo-password';
// Generous: 200 checkouts at once keep one process (and PGlite) busy; an answer must not time out.
process.env.SEQR_TIMEOUT_MS = '30000';
process.env.PAYMENT_TTL_S = String(TTL_S);
process.env.ORDER_ABANDON_AFTER_S = String(ABANDON_AFTER_S);
// On PostgreSQL: one process serves all 200 shoppers, so it gets the connections a few instances would.
process.env.DATABASE_POOL_SIZE = '40';

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart, setCartLineQuantity } = await import('../../lib/cart');
const payments = await import('../../lib/payments');
const { readStatusAndApply } = await import('../../lib/payments/confirm');
const { findOrderByToken, listOrderEvents } = await import('../../lib/orders');
const { translateMessage } = await import('../../lib/i18n');
const { editStock, shortageMessage, stockLevels } = await import('../../lib/stock');

let sandbox: SandboxProcess;

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  await sandbox.control.setFaults({ dropNotifications: true });
  proxy.upstream = sandbox.endpointUrl;
  await migrate();
  await seed();
});
after(async () => {
  await closeDb();
  await Promise.all([sandbox?.stop(), proxy.close()]);
});

/**
 * Nobody is there for the shop (notifications dropped; the pay page's polls only read what is
 * stored): the sweeper's next check sees what SEQR says. Returns what the pay page shows then.
 */
async function sweeperLooks(token: string) {
  await payments.sweepOnce(new Date(Date.now() + 6000));
  return payments.paymentView((await findOrderByToken(token))!);
}

async function product(slug: string) {
  return getDb().product.findUniqueOrThrow({ where: { slug }, select: { id: true, name: true, stockOnHand: true, stockReserved: true } });
}

async function setStock(slug: string, quantity: number) {
  const result = await editStock((await product(slug)).id, { mode: 'set', quantity }, 'test');
  assert.equal(result.ok, true, `stock of ${slug} set to ${quantity}`);
}

async function checkout(slug: string, quantity = 1) {
  const cartId = await addToCart(undefined, { slug, quantity });
  const result = await payments.checkoutCart(cartId);
  assert.equal(result.kind, 'started');
  if (result.kind !== 'started') throw new Error('no checkout');
  assert.equal(result.start.kind, 'issued');
  const order = (await findOrderByToken(result.token))!;
  return { cartId, token: result.token, order, reference: order.attempts[0]!.invoiceReference! };
}

test(`${SHOPPERS} shoppers check out the last ${LAST_UNITS} units at once on ${DATABASE_KIND}: exactly ${LAST_UNITS} invoices, all paid, stock 0, the others told it is sold out`, async () => {
  const slug = 'ceramic-vase';
  await setStock(slug, LAST_UNITS);
  const carts: string[] = [];
  for (let i = 0; i < SHOPPERS; i++) carts.push(await addToCart(undefined, { slug, quantity: 1 }));
  const before = await sandbox.control.invoices();

  const results = await Promise.all(carts.map((cartId) => payments.checkoutCart(cartId)));

  const started = results.filter((r) => r.kind === 'started');
  const refused = results.filter((r) => r.kind === 'out-of-stock');
  assert.equal(started.length, LAST_UNITS, 'exactly as many checkouts as units');
  assert.equal(refused.length, SHOPPERS - LAST_UNITS, 'every other shopper is refused');
  for (const r of started) assert.equal(r.kind === 'started' && r.start.kind, 'issued');
  const { name } = await product(slug);
  for (const r of refused) {
    if (r.kind !== 'out-of-stock') continue;
    assert.equal(translateMessage('en', shortageMessage(r.shortage)), `${name} is sold out.`);
    assert.equal(translateMessage('sv', shortageMessage(r.shortage)), `${name} är slutsåld.`);
  }
  const issued = (await sandbox.control.invoices()).length - before.length;
  assert.equal(issued, LAST_UNITS, 'SEQR got exactly as many invoices');
  assert.deepEqual(await product(slug).then((p) => [p.stockOnHand, p.stockReserved]), [LAST_UNITS, LAST_UNITS], 'all units reserved');

  // Everyone who got an invoice pays it.
  for (const r of started) {
    if (r.kind !== 'started') continue;
    const order = (await findOrderByToken(r.token))!;
    await sandbox.control.pay(order.attempts[0]!.invoiceReference!);
  }
  // One sweep checks them all (a later one would find them not yet due again).
  await payments.sweepOnce(new Date(Date.now() + 6000));
  for (const r of started) if (r.kind === 'started') assert.equal(payments.paymentView((await findOrderByToken(r.token))!).orderStatus, 'PAID');
  const after = await product(slug);
  assert.equal(after.stockOnHand, 0, 'stock 0');
  assert.equal(after.stockReserved, 0, 'nothing held');
  const sold = await getDb().orderLine.aggregate({ where: { productId: after.id, order: { status: 'PAID' } }, _sum: { quantity: true } });
  assert.equal(sold._sum.quantity, LAST_UNITS, 'sold exactly the units there were');
  assert.equal(await getDb().stockReservation.count({ where: { productId: after.id } }), 0);
  const level = (await stockLevels([after.id])).get(after.id)!;
  assert.equal(level.soldOut, true);
});

test('a checkout asking for more than is left names the product and how many are left, in the shopper language, and makes no invoice', async () => {
  await setStock('pour-over-kettle', 2);
  await assert.rejects(addToCart(undefined, { slug: 'pour-over-kettle', quantity: 3 }), /^CartInputError: Only 2 left of Pour-over kettle\.$/, 'adding more than is left is refused');
  await setStock('pour-over-kettle', 3);
  const cartId = await addToCart(undefined, { slug: 'pour-over-kettle', quantity: 3 });
  await setStock('pour-over-kettle', 2); // sold elsewhere while the cart waited
  const before = (await sandbox.control.invoices()).length;
  const result = await payments.checkoutCart(cartId);
  assert.equal(result.kind, 'out-of-stock');
  if (result.kind !== 'out-of-stock') return;
  assert.equal(translateMessage('en', shortageMessage(result.shortage)), 'Only 2 left of Pour-over kettle.');
  assert.equal(translateMessage('sv', shortageMessage(result.shortage)), 'Bara 2 kvar av Pour-over kettle.');
  assert.equal((await sandbox.control.invoices()).length, before, 'no invoice');
  assert.equal((await product('pour-over-kettle')).stockReserved, 0);
});

test('the customer cancels in the app: the units are available again; "Try again" reserves them again and the payment consumes them', async () => {
  await setStock('glass-carafe', 5);
  const { token, reference } = await checkout('glass-carafe', 2);
  assert.equal((await product('glass-carafe')).stockReserved, 2, 'checkout reserves');
  await sandbox.control.cancel(reference);
  assert.equal((await sweeperLooks(token)).attempt?.status, 'CANCELED');
  assert.deepEqual(await product('glass-carafe').then((p) => [p.stockOnHand, p.stockReserved]), [5, 0], 'cancel releases');

  const retried = await payments.retryPayment(token);
  assert.equal(retried?.kind, 'issued');
  assert.equal((await product('glass-carafe')).stockReserved, 2, '"Try again" reserves again');
  const order = (await findOrderByToken(token))!;
  await sandbox.control.pay(order.attempts[0]!.invoiceReference!);
  assert.equal((await sweeperLooks(token)).orderStatus, 'PAID');
  assert.deepEqual(await product('glass-carafe').then((p) => [p.stockOnHand, p.stockReserved]), [3, 0], 'PAID consumes');
});

test('"Try again" when the units went to someone else meanwhile: no invoice, and the shopper is told what is short', async () => {
  await setStock('cotton-apron', 1);
  const first = await checkout('cotton-apron');
  await sandbox.control.fail(first.reference);
  assert.equal((await sweeperLooks(first.token)).attempt?.status, 'FAILED');
  assert.equal((await product('cotton-apron')).stockReserved, 0, 'FAILED releases');
  const second = await checkout('cotton-apron');
  const retried = await payments.retryPayment(first.token);
  assert.equal(retried?.kind, 'out-of-stock');
  if (retried?.kind === 'out-of-stock') assert.equal(translateMessage('en', shortageMessage(retried.shortage)), 'Cotton apron is sold out.');
  assert.equal((await findOrderByToken(first.token))!.openAttemptId, null, 'no new attempt');
  await sandbox.control.pay(second.reference);
  assert.equal((await sweeperLooks(second.token)).orderStatus, 'PAID');
  assert.deepEqual(await product('cotton-apron').then((p) => [p.stockOnHand, p.stockReserved]), [0, 0]);
});

test('the merchant cancels, and the shop TTL expires an invoice: both release; an abandoned order holds nothing', async () => {
  await setStock('oak-serving-tray', 4);
  const other = await addToCart(undefined, { slug: 'oak-serving-tray', quantity: 1 });
  const cancelled = await checkout('oak-serving-tray', 2);
  const expiring = await checkout('oak-serving-tray', 2);
  assert.equal((await product('oak-serving-tray')).stockReserved, 4);
  assert.equal((await payments.checkoutCart(other)).kind, 'out-of-stock', 'all four are held');

  assert.equal((await payments.cancelOpenAttemptByMerchant(cancelled.order.id)).ok, true);
  assert.equal((await product('oak-serving-tray')).stockReserved, 2, 'the merchant cancel released two');

  await payments.sweepOnce(new Date(Date.now() + TTL_S * 1000 + 1000));
  const expired = (await findOrderByToken(expiring.token))!;
  assert.equal(expired.attempts[0]!.status, 'EXPIRED');
  assert.deepEqual(await product('oak-serving-tray').then((p) => [p.stockOnHand, p.stockReserved]), [4, 0], 'expiry released the rest');

  // A pass abandons a batch, oldest first (the first test left 190 idle orders).
  for (let pass = 0; pass < 10 && (await findOrderByToken(expiring.token))!.status !== 'ABANDONED'; pass++) {
    await payments.sweepOnce(new Date(Date.now() + (ABANDON_AFTER_S + 5) * 1000));
  }
  assert.equal((await findOrderByToken(expiring.token))!.status, 'ABANDONED');
  assert.deepEqual(await product('oak-serving-tray').then((p) => [p.stockOnHand, p.stockReserved]), [4, 0], 'abandoned orders hold nothing');
  assert.equal(await getDb().stockReservation.count({ where: { productId: (await product('oak-serving-tray')).id } }), 0);
});

test('a cart change while the invoice is open moves the reservation with the updated invoice; more than is left withdraws the invoice', async () => {
  await setStock('birch-cutting-board', 3);
  const { cartId, token, reference } = await checkout('birch-cutting-board', 1);
  await setCartLineQuantity(cartId, { slug: 'birch-cutting-board', quantity: 3 }); // the cookie holds the cart id
  await payments.syncOpenInvoiceWithCart(cartId);
  let order = (await findOrderByToken(token))!;
  assert.equal(order.lines[0]!.quantity, 3, 'the invoice was updated');
  assert.equal((await product('birch-cutting-board')).stockReserved, 3, 'the reservation followed');
  await setCartLineQuantity(cartId, { slug: 'birch-cutting-board', quantity: 2 });
  await payments.syncOpenInvoiceWithCart(cartId);
  assert.equal((await product('birch-cutting-board')).stockReserved, 2, 'and back down');

  await setStock('birch-cutting-board', 2);
  await setCartLineQuantity(cartId, { slug: 'birch-cutting-board', quantity: 4 });
  await payments.syncOpenInvoiceWithCart(cartId);
  order = (await findOrderByToken(token))!;
  assert.equal(order.attempts[0]!.status, 'CANCELED', 'an invoice for more than is in stock is withdrawn');
  assert.equal((await sandbox.control.invoice(reference)).status, 'CANCELED');
  assert.deepEqual(await product('birch-cutting-board').then((p) => [p.stockOnHand, p.stockReserved]), [2, 0]);
  const again = await payments.checkoutCart(cartId);
  assert.equal(again.kind, 'out-of-stock');
  if (again.kind === 'out-of-stock') assert.equal(translateMessage('en', shortageMessage(again.shortage)), 'Only 2 left of Birch cutting board.');
});

test('a payment SEQR reports after the reservation was released, when the units were sold meanwhile: sold anyway, the order flagged oversold for the merchant', async () => {
  await setStock('nordic-design-book', 1);
  const late = await checkout('nordic-design-book');
  // SEQR forgets the invoice for a moment (54): the shop ends the attempt and releases the unit.
  proxy.forget(late.reference);
  assert.equal((await sweeperLooks(late.token)).attempt?.status, 'FAILED');
  proxy.remember(late.reference);
  assert.equal((await product('nordic-design-book')).stockReserved, 0);
  // Another shopper buys the unit.
  const other = await checkout('nordic-design-book');
  await sandbox.control.pay(other.reference);
  assert.equal((await sweeperLooks(other.token)).orderStatus, 'PAID');
  // The first customer pays the old invoice after all, and SEQR reports it.
  await sandbox.control.pay(late.reference);
  const attempt = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: late.order.attempts[0]!.id } });
  await readStatusAndApply(payments.productionPorts(), attempt, 'sweeper');
  await readStatusAndApply(payments.productionPorts(), attempt, 'sweeper'); // reported twice: counted once

  const stored = await getDb().order.findUniqueOrThrow({ where: { id: late.order.id } });
  assert.equal(stored.status, 'REVIEW', 'the money is kept for the merchant');
  assert.equal(stored.oversoldUnits, 1, 'flagged oversold by one');
  assert.ok((await listOrderEvents(late.order.id)).some((e) => e.message?.startsWith('Oversold')), 'the timeline says so');
  assert.deepEqual(await product('nordic-design-book').then((p) => [p.stockOnHand, p.stockReserved]), [-1, 0], 'both units counted as sold');
});

test('the merchant cannot set stock below what open invoices hold; edits are recorded', async () => {
  await setStock('linen-tea-towel', 3);
  await checkout('linen-tea-towel', 2);
  const { id } = await product('linen-tea-towel');
  const below = await editStock(id, { mode: 'set', quantity: 1 }, 'test');
  assert.equal(below.ok, false);
  if (!below.ok) assert.equal(translateMessage('en', below.message), 'Open payments hold 2; the units on hand cannot go below that.');
  assert.equal((await editStock(id, { mode: 'adjust', quantity: -2 }, 'test')).ok, false);
  const added = await editStock(id, { mode: 'adjust', quantity: 7 }, 'merchant');
  assert.deepEqual(added, { ok: true, onHand: 10, name: 'Linen tea towel' });
  const last = await getDb().stockChange.findFirstOrThrow({ where: { productId: id }, orderBy: { id: 'desc' } });
  assert.deepEqual([last.actor, last.delta, last.onHandBefore, last.onHandAfter], ['merchant', 7, 3, 10]);
});
