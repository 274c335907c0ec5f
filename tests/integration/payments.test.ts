// The payment lifecycle against the real sandbox (over HTTP) and a real embedded database:
// racing confirmers, SEQR down at checkout, forged notifications, cart changes, shop-side expiry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { soapCallsOf, startSandboxProcess } from '../helpers/sandbox';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
let sandbox: Sandbox;

await useFreshDatabase('payments');
process.env.PAYMENT_TTL_S = '6';

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart, setCartLineQuantity, removeCartLine } = await import('../../lib/cart');
const payments = await import('../../lib/payments');
const { findOrderByToken, listOrderEvents } = await import('../../lib/orders');

/** The sandbox's control API; answers any JSON (the tests assert on its fields). */
const control = (method: string, pathname: string, body?: unknown) => sandbox.control.call<any>(method, pathname, body);

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  process.env.SEQR_WSDL_URL = sandbox.wsdlUrl;
  process.env.SEQR_SANDBOX = '1'; // a sandbox at a URL of its own: say so, it is never inferred
  await migrate();
  await seed();
});
after(async () => {
  await closeDb();
  await sandbox?.stop();
});

async function checkout(items: [string, number][]) {
  let cartId: string | undefined;
  for (const [slug, quantity] of items) cartId = await addToCart(cartId, { slug, quantity });
  const result = await payments.checkoutCart(cartId!);
  assert.equal(result.kind, 'started');
  if (result.kind !== 'started') throw new Error('not started');
  const order = (await findOrderByToken(result.token))!;
  return { cartId: cartId!, token: result.token, order, start: result.start };
}

test('20 racing confirmers (notifications, polls, return page, sweeper) make one PAID transition and one receipt', async () => {
  const { token, order, start } = await checkout([['stoneware-mug', 2], ['fika-cookbook', 1]]);
  assert.equal(start.kind, 'issued');
  const attempt = order.attempts[0]!;
  assert.equal(attempt.status, 'ISSUED');
  const invoice = await control('GET', `/sandbox/invoices/${attempt.invoiceReference}`);
  assert.deepEqual(invoice.totalAmount, { currency: 'SEK', value: '657.00' });
  assert.equal(invoice.backURL, `http://localhost:3000/orders/${token}/done`);
  assert.match(invoice.notificationUrl, /^http:\/\/localhost:3000\/api\/seqr\/notify\/[A-Za-z0-9_-]{32}$/);

  await control('POST', '/sandbox/faults', { dropNotifications: true }); // nobody is listening on :3000 here
  await control('POST', `/sandbox/invoices/${attempt.invoiceReference}/pay`);
  const notificationToken = invoice.notificationUrl.split('/').pop();
  const racers = Array.from({ length: 20 }, (_, i) => {
    switch (i % 4) {
      case 0: return payments.handleNotification(notificationToken);
      case 1: return payments.currentPaymentView(token);
      case 2: return payments.finalizeOnReturn(token);
      default: return payments.sweepOnce(new Date(Date.now() + 60_000));
    }
  });
  await Promise.all(racers);
  await control('DELETE', '/sandbox/faults');

  const paid = (await findOrderByToken(token))!;
  assert.equal(paid.status, 'PAID');
  assert.equal(paid.paidOre, 65700);
  assert.equal(paid.attempts[0]!.status, 'PAID');
  const events = await listOrderEvents(paid.id);
  assert.equal(events.filter((e) => e.toStatus === 'PAID' && e.fromStatus?.startsWith('attempt:')).length, 1, 'one PAID transition');
  assert.equal(events.filter((e) => e.operation === 'submitPaymentReceipt').length, 1, 'one receipt call');
  const after = await control('GET', `/sandbox/invoices/${attempt.invoiceReference}`);
  assert.equal(after.confirmed, true);
  assert.equal(after.reversed, false);
  assert.equal(after.receipts.length, 1);
  // Counted by SEQR (the invoice's history in the sandbox): the shop's timeline leaves the sweeper's routine checks out.
  const statusCalls = soapCallsOf(after, 'getPaymentStatus');
  assert.ok(statusCalls.length <= 3, `status calls are coalesced (${statusCalls.length})`);
  // The paid cart is closed: the shopper starts a new one.
  const { cartId } = await getDb().order.findUniqueOrThrow({ where: { id: paid.id }, select: { cartId: true } });
  assert.equal((await getDb().cart.findUniqueOrThrow({ where: { id: cartId! } })).status, 'CHECKED_OUT');
});

test('SEQR down at checkout: a clear message, the order is kept, and trying again works', async () => {
  await control('POST', '/sandbox/faults', { down: true });
  const { token, order, start } = await checkout([['wool-throw', 1]]);
  await control('DELETE', '/sandbox/faults');
  assert.equal(start.kind, 'unavailable');
  assert.match(payments.paymentView(order).attempt?.message ?? '', /SEQR is not answering right now\. Your order is saved/);
  assert.match(payments.paymentView(order, 'sv').attempt?.message ?? '', /SEQR svarar inte just nu\. Din order är sparad/);
  assert.equal(order.status, 'AWAITING_PAYMENT');
  assert.equal(order.openAttemptId, null);
  const view = payments.paymentView(order);
  assert.equal(view.canRetry, true);

  const retried = await payments.retryPayment(token);
  assert.equal(retried?.kind, 'issued');
  const after = (await findOrderByToken(token))!;
  assert.equal(after.attempts.length, 2);
  assert.equal(after.attempts[0]!.status, 'ISSUED');
  assert.equal(after.attempts[1]!.status, 'FAILED');
});

test('a refused invoice (94 at sendInvoice) says why and keeps the order', async () => {
  await control('POST', '/sandbox/faults', { resultCode: 94, operation: 'sendInvoice' });
  const { order, start } = await checkout([['glass-carafe', 1]]);
  await control('DELETE', '/sandbox/faults');
  assert.deepEqual(start, { kind: 'refused', resultCode: 94 });
  assert.match(payments.paymentView(order).attempt?.message ?? '', /SEQR could not create the payment: A service SEQR depends on .* \(94 SERVICE_UNAVAILABLE\)/);
  assert.equal(order.attempts[0]!.resultCode, 94);
});

test('forged and replayed notifications change nothing: only SEQR status counts', async () => {
  assert.equal(await payments.handleNotification('forged'), 'unknown');
  assert.equal(await payments.handleNotification('A'.repeat(32)), 'unknown');
  const { token, order } = await checkout([['beeswax-candles', 3]]);
  const invoice = await control('GET', `/sandbox/invoices/${order.attempts[0]!.invoiceReference}`);
  const notificationToken = invoice.notificationUrl.split('/').pop();
  for (let i = 0; i < 3; i++) assert.equal(await payments.handleNotification(notificationToken), 'applied');
  // SEQR's form body names the invoice (PROTOCOL.md §11); another invoice's reference is told apart.
  assert.equal(await payments.handleNotification(notificationToken, order.attempts[0]!.invoiceReference!), 'applied');
  assert.equal(await payments.handleNotification(notificationToken, '9999999999999'), 'mismatch');
  const still = (await findOrderByToken(token))!;
  assert.equal(still.status, 'AWAITING_PAYMENT');
  assert.equal(still.attempts[0]!.status, 'ISSUED');
});

test('changing the cart updates the open invoice; emptying it withdraws the invoice', async () => {
  const { cartId, token, order } = await checkout([['enamel-pot', 1]]);
  const reference = order.attempts[0]!.invoiceReference!;
  await setCartLineQuantity(cartId, { slug: 'enamel-pot', quantity: 2 });
  await payments.syncOpenInvoiceWithCart(cartId);
  const updated = await control('GET', `/sandbox/invoices/${reference}`);
  assert.deepEqual(updated.totalAmount, { currency: 'SEK', value: '1098.00' });
  assert.equal((await findOrderByToken(token))!.totalOre, 109800);

  await removeCartLine(cartId, { slug: 'enamel-pot' });
  await payments.syncOpenInvoiceWithCart(cartId);
  assert.equal((await control('GET', `/sandbox/invoices/${reference}`)).status, 'CANCELED');
  const withdrawn = (await findOrderByToken(token))!;
  assert.equal(withdrawn.openAttemptId, null);
  assert.equal(withdrawn.attempts[0]!.status, 'CANCELED');
});

test('the shop-side TTL cancels an unpaid invoice (sweeper) and the shopper may try again', async () => {
  const { token, order } = await checkout([['cotton-apron', 1]]);
  const reference = order.attempts[0]!.invoiceReference!;
  await payments.sweepOnce(new Date(Date.now() + 7_000));
  const expired = (await findOrderByToken(token))!;
  assert.equal(expired.attempts[0]!.status, 'EXPIRED');
  assert.equal((await control('GET', `/sandbox/invoices/${reference}`)).status, 'CANCELED');
  assert.equal(payments.paymentView(expired).canRetry, true);
  assert.match(payments.paymentView(expired).attempt?.message ?? '', /timed out/);
});

test('a payment with its notification lost and no one watching is confirmed by the sweeper in time', async () => {
  const { token, order } = await checkout([['ceramic-vase', 1]]);
  const reference = order.attempts[0]!.invoiceReference!;
  await control('POST', '/sandbox/faults', { dropNotifications: true });
  await control('POST', `/sandbox/invoices/${reference}/pay`);
  await payments.sweepOnce(new Date(Date.now() + 4000));
  await control('DELETE', '/sandbox/faults');
  const invoice = await control('GET', `/sandbox/invoices/${reference}`);
  assert.equal(invoice.confirmed, true);
  assert.equal(invoice.reversed, false);
  assert.equal((await findOrderByToken(token))!.status, 'PAID');
});
