// The payment core's fault paths of issue 10, reproduced from outside: the shop's lib/payments runs
// in-process against a hostile SEQR endpoint on 127.0.0.1 (tests/helpers/seqr-proxy.ts), which
// forwards to real sandboxes over HTTP and lies where a test says so (another amount or currency on
// PAID, an invoice SEQR has forgotten). A sandbox with a short invoice lifetime ends invoices before
// the shop does (2.10: EXPIRED, 2.6: CANCELED). A receipt claimed by a process that died is the row
// a kill -9 leaves behind. Every test asserts on what is stored (orders, attempts, the timeline, the
// sandbox's own invoices) and on what the shop shows (pay page view, done page data, messages).
//
// Because the endpoint is not the sandbox's address, the shop's production wiring runs without the
// sandbox invoice lookup (the branch a real SEQR endpoint gets). The receipt tests that need the
// lookup build the same core with it added, as the wiring does when the endpoint is the sandbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { startSeqrProxy } from '../helpers/seqr-proxy';

/** The shop's own invoice lifetime; the short-lived sandboxes end theirs well before it. */
const TTL_S = 60;
/** SEQR's invoice lifetime in the sandboxes that end invoices first. */
const SEQR_TTL_S = 4;
/** Longer than any look-ahead of the other tests, so only the ABANDONED test abandons anything. */
const ABANDON_AFTER_S = 600;
const SEQR_TIMEOUT_MS = 3000;

await useFreshDatabase('payment-core');
const proxy = await startSeqrProxy('http://127.0.0.1:9/unset');
process.env.SEQR_WSDL_URL = proxy.wsdlUrl;
process.env.SEQR_TERMINAL_ID = 'demo-webshop';
process.env.SEQR_TERMINAL_PASSWORD = 'demo-password';
process.env.SEQR_TIMEOUT_MS = String(SEQR_TIMEOUT_MS);
process.env.PAYMENT_TTL_S = String(TTL_S);
process.env.ORDER_ABANDON_AFTER_S = String(ABANDON_AFTER_S);
process.env.SWEEP_INTERVAL_MS = '500';

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { getConfig } = await import('../../lib/config');
const { addToCart } = await import('../../lib/cart');
const { createSandboxInvoiceLookup } = await import('../../lib/seqr');
const payments = await import('../../lib/payments');
const { findOrderByToken, listOrderEvents } = await import('../../lib/orders');
const { translateMessage } = await import('../../lib/i18n');

type OrderView = NonNullable<Awaited<ReturnType<typeof findOrderByToken>>>;
type PaymentCore = ReturnType<typeof payments.createPaymentCore>;

/** SEQR as usual (default 2.6 mode, long invoice lifetime). */
let main: SandboxProcess;
/** SEQR that expires invoices after SEQR_TTL_S (2.10: EXPIRED, cancelInvoice answers 58). */
let expiring210: SandboxProcess;
/** The same in 2.6 mode: expired invoices become CANCELED. */
let expiring26: SandboxProcess;
/** The production core plus the sandbox invoice lookup (what the wiring builds for the sandbox). */
let withLookup: PaymentCore;

before(async () => {
  [main, expiring210, expiring26] = await Promise.all([
    startSandboxProcess({ confirmWindowS: 20 }),
    startSandboxProcess({ confirmWindowS: 20, ttlS: SEQR_TTL_S, env: { SEQR_SANDBOX_API_MODE: '2.10' } }),
    startSandboxProcess({ confirmWindowS: 20, ttlS: SEQR_TTL_S, env: { SEQR_SANDBOX_API_MODE: '2.6' } }),
  ]);
  // Nobody listens on the shop's notification URL here.
  await Promise.all([main, expiring210, expiring26].map((sandbox) => sandbox.control.setFaults({ dropNotifications: true })));
  process.env.SEQR_SANDBOX_PORT = String(main.port);
  proxy.upstream = main.endpointUrl;
  await migrate();
  await seed();
  withLookup = payments.createPaymentCore({
    ...payments.productionPorts(),
    invoiceLookup: createSandboxInvoiceLookup({ sandboxBaseUrl: main.url, terminalId: 'demo-webshop', timeoutMs: SEQR_TIMEOUT_MS }),
  });
});
after(async () => {
  await closeDb();
  await Promise.all([main?.stop(), expiring210?.stop(), expiring26?.stop(), proxy.close()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A sweep as of just past the shop's TTL of an attempt created now. */
const pastShopTtl = () => new Date(Date.now() + TTL_S * 1000 + 1000);

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(200);
  }
}

/**
 * Nobody is there for the shop (its notifications are dropped, and the pay page's polls only read
 * what is stored): the sweeper's next check of the open invoice sees what SEQR says. Returns what
 * the pay page shows then.
 */
async function sweeperLooks(token: string) {
  await payments.sweepOnce(new Date(Date.now() + 6000));
  return payments.paymentView(await orderByToken(token));
}

/** SEQR's notification for the order's latest invoice reaches the shop: it asks SEQR at once. */
async function notified(token: string) {
  const order = await orderByToken(token);
  const { notificationToken } = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id }, select: { notificationToken: true } });
  assert.equal(await payments.handleNotification(notificationToken), 'applied');
  return payments.paymentView(await orderByToken(token));
}

async function orderByToken(token: string): Promise<OrderView> {
  const order = await findOrderByToken(token);
  assert.ok(order, `order ${token} exists`);
  return order;
}

/** The cart → "Pay with SEQR"; the invoice is issued. */
async function checkout(slug: string, quantity = 1) {
  const cartId = await addToCart(undefined, { slug, quantity });
  const result = await payments.checkoutCart(cartId);
  assert.equal(result.kind, 'started');
  if (result.kind !== 'started') throw new Error('checkout did not start');
  assert.equal(result.start.kind, 'issued');
  const order = await orderByToken(result.token);
  const reference = order.attempts[0]!.invoiceReference;
  assert.ok(reference, 'the shopper is shown an invoice');
  return { cartId, token: result.token, order, reference };
}

/** The order is payable again: "Try again" issues one new invoice, the customer pays it, once. */
async function paysAfterRetry(token: string, sandbox: SandboxProcess): Promise<void> {
  const before = await orderByToken(token);
  assert.equal(before.status, 'AWAITING_PAYMENT');
  assert.equal(before.openAttemptId, null, 'no attempt holds the order');
  assert.equal(payments.paymentView(before).canRetry, true, 'the pay page offers "Try again"');
  const retried = await payments.retryPayment(token);
  assert.equal(retried?.kind, 'issued');
  const open = await orderByToken(token);
  const reference = open.attempts[0]!.invoiceReference!;
  assert.notEqual(reference, before.attempts[0]!.invoiceReference, 'a new invoice');
  await sandbox.control.pay(reference);
  assert.equal((await sweeperLooks(token)).orderStatus, 'PAID');
  const paid = await orderByToken(token);
  assert.equal(paid.status, 'PAID');
  assert.equal(paid.attempts.filter((attempt) => attempt.status === 'PAID').length, 1);
  const invoice = await sandbox.control.invoice(reference);
  assert.equal(invoice.confirmed, true);
  assert.equal(invoice.reversed, false);
}

/** SEQR calls of one operation on an order's timeline. */
async function timelineCalls(orderId: string, operation: string) {
  return (await listOrderEvents(orderId)).filter((event) => event.kind === 'SEQR_CALL' && event.operation === operation);
}

async function restoreFaults(sandbox: SandboxProcess): Promise<void> {
  await sandbox.control.clearFaults();
  await sandbox.control.setFaults({ dropNotifications: true });
}

// ---------------------------------------------------------------------------------------------
// 1. SEQR reports PAID for another amount or currency than the invoice.

test('PAID for another amount (1,00 kr for a 189 kr invoice): REVIEW, no receipt shown or sent, refunds capped at what SEQR paid; accepting it sends one receipt', async () => {
  const { token, order, reference } = await checkout('stoneware-mug'); // 189,00 kr
  assert.equal(order.totalOre, 18900);
  proxy.paidAs.set(reference, { value: '1.00' });
  await main.control.pay(reference);

  // The shopper comes back from the app: the done page's data.
  const done = await payments.finalizeOnReturn(token);
  assert.ok(done);
  assert.equal(done.status, 'REVIEW', 'the merchant must review the payment');
  assert.match(done.reviewReason ?? '', /100 öre paid; the invoice asked for 18900 öre/);
  assert.equal(payments.showsReceipt(done), false, 'not shown as a receipt');
  assert.equal(payments.needsReview(done), true, 'the done page says the payment is being checked');
  assert.equal(done.paidOre, 100, 'the order records what SEQR says was paid');
  assert.equal(done.openAttemptId, null);
  const paidAttempt = done.attempts[0]!;
  assert.equal(paidAttempt.status, 'PAID');
  const ersReference = paidAttempt.ersReference!;
  assert.ok(ersReference);
  assert.equal((await main.control.invoice(reference)).confirmed, true, 'the payment is confirmed at SEQR (not reversed)');

  // Nobody sends a receipt while it is under review: polls, the return page, the sweeper.
  await payments.currentPaymentView(token);
  await payments.finalizeOnReturn(token);
  await payments.sweepOnce(new Date(Date.now() + 10_000));
  await withLookup.sweepOnce(new Date(Date.now() + 10_000));
  assert.deepEqual(proxy.callsOf('submitPaymentReceipt', ersReference), [], 'no submitPaymentReceipt reached SEQR');
  assert.equal((await main.control.invoice(reference)).receipts.length, 0);
  assert.equal((await orderByToken(token)).status, 'REVIEW');

  // Refunds follow what SEQR reports as paid, not the order's total.
  const stored = await getDb().order.findUniqueOrThrow({ where: { id: order.id } });
  assert.equal(payments.refundableOre(stored), 100);
  const tooMuch = await payments.refundOrder(order.id, 101, 'admin');
  assert.equal(tooMuch.ok, false);
  assert.equal(tooMuch.message.key, 'admin.refund.tooMuch');
  assert.match(translateMessage('en', tooMuch.message), /^At most 1,00\skr can be refunded/);
  assert.deepEqual(proxy.callsOf('refundPayment', ersReference), [], 'no refund was asked of SEQR');
  assert.equal((await main.control.invoice(reference)).refunds.length, 0);
  const untouched = await getDb().order.findUniqueOrThrow({ where: { id: order.id } });
  assert.equal(untouched.refundReservedOre, 0);
  assert.equal(untouched.refundedOre, 0);

  // The merchant accepts it as it is: an ordinary paid order with exactly one receipt.
  const accepted = await payments.acceptReviewedPayment(order.id, 'admin');
  assert.equal(accepted.ok, true, translateMessage('en', accepted.message));
  const paid = await orderByToken(token);
  assert.equal(paid.status, 'PAID');
  assert.equal(paid.reviewReason, null);
  assert.equal(payments.showsReceipt(paid), true);
  assert.equal((await payments.acceptReviewedPayment(order.id, 'admin')).ok, false, 'accepting twice does nothing');
  await payments.sweepOnce(new Date(Date.now() + 10_000));
  await withLookup.sweepOnce(new Date(Date.now() + 10_000));
  const receipts = proxy.callsOf('submitPaymentReceipt', ersReference);
  assert.equal(receipts.length, 1, 'one submitPaymentReceipt');
  assert.equal(receipts[0]!.resultCode, 0);
  assert.equal((await main.control.invoice(reference)).receipts.length, 1, 'SEQR holds one receipt');
  assert.equal((await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: paidAttempt.id } })).receiptStatus, 'SUBMITTED');
  assert.equal((await timelineCalls(order.id, 'submitPaymentReceipt')).length, 1);
});

test('PAID in another currency (EUR for a SEK invoice): REVIEW with a reason, not a receipt, no receipt sent, refunds capped at what SEQR paid', async () => {
  const { token, order, reference } = await checkout('linen-tea-towel', 2); // 298,00 kr
  proxy.paidAs.set(reference, { currency: 'EUR' });
  await main.control.pay(reference);

  const done = await payments.finalizeOnReturn(token);
  assert.ok(done);
  assert.equal(done.status, 'REVIEW');
  assert.match(done.reviewReason ?? '', /EUR/);
  assert.equal(payments.showsReceipt(done), false);
  assert.equal(payments.needsReview(done), true);
  const stored = await getDb().order.findUniqueOrThrow({ where: { id: order.id } });
  assert.equal(stored.paidCurrency, 'EUR', 'the currency SEQR reported is kept');
  const ersReference = done.attempts[0]!.ersReference!;

  await payments.sweepOnce(new Date(Date.now() + 10_000));
  assert.deepEqual(proxy.callsOf('submitPaymentReceipt', ersReference), []);
  assert.equal((await main.control.invoice(reference)).receipts.length, 0);
  const tooMuch = await payments.refundOrder(order.id, stored.paidOre + 1, 'admin');
  assert.equal(tooMuch.ok, false);
  assert.equal(tooMuch.message.key, 'admin.refund.tooMuch');
  assert.deepEqual(proxy.callsOf('refundPayment', ersReference), []);
  assert.equal((await orderByToken(token)).status, 'REVIEW');
});

test('a partial refund of a payment under review does not turn it into a normal receipt, and sends no receipt', async () => {
  const { token, order, reference } = await checkout('beeswax-candles'); // 119,00 kr
  proxy.paidAs.set(reference, { value: '1.00' });
  await main.control.pay(reference);
  const done = await payments.finalizeOnReturn(token);
  assert.ok(done);
  assert.equal(done.status, 'REVIEW');
  const ersReference = done.attempts[0]!.ersReference!;

  const refund = await payments.refundOrder(order.id, 50, 'admin');
  assert.equal(refund.ok, true, translateMessage('en', refund.message));
  assert.equal((await main.control.invoice(reference)).refunds.length, 1, 'SEQR refunded 0,50 kr');

  await payments.sweepOnce(new Date(Date.now() + 10_000));
  const after = await payments.finalizeOnReturn(token);
  assert.ok(after);
  assert.equal(after.refundedOre, 50);
  assert.equal(payments.showsReceipt(after), false, `the done page shows no receipt for a payment nobody accepted (order is ${after.status})`);
  assert.equal(payments.needsReview(after), true, 'the payment still waits for the merchant');
  assert.deepEqual(proxy.callsOf('submitPaymentReceipt', ersReference), [], 'no receipt for a payment under review');
  assert.equal((await main.control.invoice(reference)).receipts.length, 0);
});

// ---------------------------------------------------------------------------------------------
// 2. SEQR ends the invoice before the shop's TTL.

const SEQR_ENDS_FIRST = [
  { mode: '2.10', seqrStatus: 'EXPIRED', cancelAnswer: 58, sandbox: () => expiring210, slug: 'glass-carafe' },
  { mode: '2.6', seqrStatus: 'CANCELED', cancelAnswer: 95, sandbox: () => expiring26, slug: 'cotton-apron' },
] as const;

for (const { mode, seqrStatus, cancelAnswer, sandbox, slug } of SEQR_ENDS_FIRST) {
  test(`SEQR ${mode} ends the invoice first (${seqrStatus}): past the shop TTL the sweeper calls cancelInvoice once (${cancelAnswer}), ends the attempt, and the order can be paid again`, async () => {
    const seqr = sandbox();
    proxy.upstream = seqr.endpointUrl;
    try {
      const { token, order, reference } = await checkout(slug);
      await waitFor(`SEQR to end invoice ${reference}`, async () => (await seqr.control.invoice(reference)).status === seqrStatus, (SEQR_TTL_S + 15) * 1000);
      assert.equal((await orderByToken(token)).attempts[0]!.status, 'ISSUED', 'the shop has not looked yet');

      const since = new Date();
      await payments.sweepOnce(pastShopTtl());
      const ended = await orderByToken(token);
      assert.equal(ended.status, 'AWAITING_PAYMENT');
      assert.ok(['EXPIRED', 'CANCELED'].includes(ended.attempts[0]!.status), `the attempt is ended (${ended.attempts[0]!.status})`);
      assert.equal(ended.openAttemptId, null);
      assert.match(payments.paymentView(ended).attempt?.message ?? '', /./, 'the pay page says why');

      // Further sweeps leave it alone: cancelInvoice was called once, not every few seconds.
      await payments.sweepOnce(pastShopTtl());
      await payments.sweepOnce(new Date(pastShopTtl().getTime() + 10_000));
      const cancels = proxy.callsOf('cancelInvoice', reference, since);
      assert.equal(cancels.length, 1, `one cancelInvoice (${cancels.map((call) => call.resultCode).join(', ')})`);
      assert.equal(cancels[0]!.resultCode, cancelAnswer);
      if (cancelAnswer !== 95) {
        assert.ok(proxy.callsOf('getPaymentStatus', reference, cancels[0]!.at).length >= 1, 'the status was read after cancelInvoice');
      }
      assert.equal((await timelineCalls(order.id, 'cancelInvoice')).length, 1);

      await paysAfterRetry(token, seqr);
    } finally {
      proxy.upstream = main.endpointUrl;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 3. SEQR no longer knows an open invoice (54).

test('SEQR answers 54 to the sweeper’s status check: the attempt ends FAILED and the order can be paid again', async () => {
  const { token, order, reference } = await checkout('enamel-pot');
  proxy.forget(reference);
  const view = await sweeperLooks(token);
  assert.equal(view?.orderStatus, 'AWAITING_PAYMENT');
  assert.equal(view?.attempt?.status, 'FAILED', 'the attempt is ended');
  assert.equal(view?.canRetry, true, 'the shopper may try again');
  const stored = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id } });
  assert.equal(stored.status, 'FAILED');
  assert.equal(stored.resultCode, 54);
  assert.ok(proxy.callsOf('getPaymentStatus', reference).some((call) => call.resultCode === 54), 'SEQR answered 54');
  await paysAfterRetry(token, main);
});

test('SEQR answers 54 to the sweeper’s cancelInvoice past the shop TTL: the status is read, the attempt ends FAILED, the order can be paid again', async () => {
  const { token, order, reference } = await checkout('oak-serving-tray');
  proxy.forget(reference);
  const since = new Date();
  await payments.sweepOnce(pastShopTtl());
  const ended = await orderByToken(token);
  assert.equal(ended.attempts[0]!.status, 'FAILED');
  assert.equal(ended.openAttemptId, null);
  await payments.sweepOnce(pastShopTtl());
  await payments.sweepOnce(new Date(pastShopTtl().getTime() + 10_000));
  const cancels = proxy.callsOf('cancelInvoice', reference, since);
  assert.equal(cancels.length, 1, 'one cancelInvoice');
  assert.equal(cancels[0]!.resultCode, 54);
  assert.ok(proxy.callsOf('getPaymentStatus', reference, cancels[0]!.at).length >= 1, 'the status was read after 54');
  assert.equal((await timelineCalls(order.id, 'cancelInvoice')).length, 1);
  await paysAfterRetry(token, main);
});

test('SEQR answers 54 when the merchant cancels the invoice: the attempt ends and the order can be paid again', async () => {
  const { token, order, reference } = await checkout('pour-over-kettle');
  proxy.forget(reference);
  const result = await payments.cancelOpenAttemptByMerchant(order.id);
  assert.notEqual(result.message.key, 'admin.cancel.open', `not left open: ${translateMessage('en', result.message)}`);
  const ended = await orderByToken(token);
  assert.ok(['FAILED', 'CANCELED'].includes(ended.attempts[0]!.status), `the attempt is ended (${ended.attempts[0]!.status})`);
  assert.equal(ended.openAttemptId, null);
  await paysAfterRetry(token, main);
});

// ---------------------------------------------------------------------------------------------
// 4. A receipt claimed by a process that died before it learnt the outcome.

/** A paid order whose receipt SEQR never got (submitPaymentReceipt answered 94 at the time). */
async function paidWithoutReceipt(slug: string) {
  const { token, order, reference } = await checkout(slug);
  await main.control.setFaults({ resultCode: 94, operation: 'submitPaymentReceipt' });
  try {
    await main.control.pay(reference);
    assert.equal((await notified(token)).orderStatus, 'PAID');
  } finally {
    await restoreFaults(main);
  }
  const attempt = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id } });
  assert.equal(attempt.receiptStatus, 'NOT_SENT');
  assert.equal((await main.control.invoice(reference)).receipts.length, 0);
  return { token, order, reference, attempt };
}

/** A paid order with its receipt at SEQR, through the normal path. */
async function paidWithReceipt(slug: string) {
  const { token, order, reference } = await checkout(slug);
  await main.control.pay(reference);
  assert.equal((await notified(token)).orderStatus, 'PAID');
  const attempt = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id } });
  assert.equal(attempt.receiptStatus, 'SUBMITTED');
  assert.equal((await main.control.invoice(reference)).receipts.length, 1);
  return { token, order, reference, attempt };
}

/**
 * The row as a process killed with kill -9 during submitPaymentReceipt leaves it: the receipt
 * claimed (SENDING) long ago, no outcome recorded, the lease and schedule as they were.
 */
async function crashedWhileSendingReceipt(attemptId: string): Promise<Date> {
  await getDb().paymentAttempt.update({
    where: { id: attemptId },
    data: { receiptStatus: 'SENDING', receiptClaimedAt: new Date(Date.now() - 10 * 60_000), receiptSubmittedAt: null, receiptErsReference: null, leaseOwner: null, leaseUntil: null },
  });
  return new Date();
}

test('a receipt claimed before a crash, never received by SEQR: the sweeper (with the invoice lookup) sends exactly one', async () => {
  const { order, reference, attempt } = await paidWithoutReceipt('ceramic-vase');
  const crashedAt = await crashedWhileSendingReceipt(attempt.id);
  await withLookup.sweepOnce(new Date(Date.now() + 5000));
  const settled = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
  assert.equal(settled.receiptStatus, 'SUBMITTED');
  await withLookup.sweepOnce(new Date(Date.now() + 10_000));
  await payments.sweepOnce(new Date(Date.now() + 10_000));
  const sent = proxy.callsOf('submitPaymentReceipt', attempt.ersReference!, crashedAt);
  assert.equal(sent.length, 1, 'one submitPaymentReceipt after the crash');
  assert.equal(sent[0]!.resultCode, 0);
  assert.equal((await main.control.invoice(reference)).receipts.length, 1, 'SEQR holds one receipt');
  assert.equal((await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).receiptStatus, 'SUBMITTED');
  assert.equal((await getDb().order.findUniqueOrThrow({ where: { id: order.id } })).status, 'PAID');
});

test('a receipt claimed before a crash that SEQR had stored: the sweeper (with the invoice lookup) sends none and marks it SUBMITTED', async () => {
  const { reference, attempt } = await paidWithReceipt('field-notebook');
  const crashedAt = await crashedWhileSendingReceipt(attempt.id);
  await withLookup.sweepOnce(new Date(Date.now() + 5000));
  await withLookup.sweepOnce(new Date(Date.now() + 10_000));
  const settled = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
  assert.equal(settled.receiptStatus, 'SUBMITTED');
  assert.deepEqual(proxy.callsOf('submitPaymentReceipt', attempt.ersReference!, crashedAt), [], 'nothing sent again');
  assert.equal((await main.control.invoice(reference)).receipts.length, 1, 'SEQR still holds one receipt');
});

test('a receipt claimed before a crash, against a real endpoint (no invoice lookup): it ends UNKNOWN and nothing is sent', async () => {
  assert.equal(getConfig().seqr.usesSandbox, false, 'the shop is wired as for a real SEQR endpoint');
  const { reference, attempt } = await paidWithoutReceipt('birch-cutting-board');
  const crashedAt = await crashedWhileSendingReceipt(attempt.id);
  await payments.sweepOnce(new Date(Date.now() + 5000));
  const settled = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
  assert.equal(settled.receiptStatus, 'UNKNOWN', 'recorded as unknown, not left SENDING');
  await payments.sweepOnce(new Date(Date.now() + 10_000));
  assert.equal((await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).receiptStatus, 'UNKNOWN');
  assert.deepEqual(proxy.callsOf('submitPaymentReceipt', attempt.ersReference!, crashedAt), [], 'never sent: it could be sent twice');
  assert.equal((await main.control.invoice(reference)).receipts.length, 0);
  const events = await listOrderEvents(attempt.orderId);
  assert.ok(events.some((event) => event.toStatus === 'UNKNOWN' && event.fromStatus?.startsWith('receipt:')), 'the timeline records it');
});

// ---------------------------------------------------------------------------------------------
// 6. ABANDONED (last: its look-ahead sweep abandons every idle unpaid order).

test('an order whose attempt ended unpaid and saw no activity becomes ABANDONED; its cart stays usable and a new checkout from it is paid', async () => {
  const { cartId, token, order, reference } = await checkout('nordic-design-book');
  await main.control.cancel(reference); // the customer cancels in the app
  const view = await sweeperLooks(token);
  assert.equal(view?.attempt?.status, 'CANCELED');
  assert.equal(view?.orderStatus, 'AWAITING_PAYMENT');

  // Not yet idle long enough.
  await payments.sweepOnce(new Date(Date.now() + (ABANDON_AFTER_S - 60) * 1000));
  assert.equal((await orderByToken(token)).status, 'AWAITING_PAYMENT');

  await payments.sweepOnce(new Date(Date.now() + (ABANDON_AFTER_S + 5) * 1000));
  const abandoned = await orderByToken(token);
  assert.equal(abandoned.status, 'ABANDONED');
  assert.ok((await listOrderEvents(order.id)).some((event) => event.toStatus === 'ABANDONED'), 'the timeline records it');
  assert.equal((await getDb().cart.findUniqueOrThrow({ where: { id: cartId } })).status, 'OPEN', 'the cart stays usable');
  assert.equal((await payments.retryPayment(token))?.kind, 'not-payable', 'the abandoned order takes no new invoice');
  const shown = await payments.finalizeOnReturn(token);
  assert.equal(shown?.status, 'ABANDONED');
  assert.equal(payments.showsReceipt(shown!), false);

  // The shopper comes back to the cart and pays: a new order.
  const again = await payments.checkoutCart(cartId);
  assert.equal(again.kind, 'started');
  if (again.kind !== 'started') return;
  assert.equal(again.start.kind, 'issued');
  assert.notEqual(again.token, token, 'a new order');
  const fresh = await orderByToken(again.token);
  assert.notEqual(fresh.id, order.id);
  assert.equal(fresh.totalOre, order.totalOre);
  await main.control.pay(fresh.attempts[0]!.invoiceReference!);
  assert.equal((await sweeperLooks(again.token)).orderStatus, 'PAID');
  assert.equal((await orderByToken(token)).status, 'ABANDONED', 'the old order stays abandoned');
  assert.equal((await getDb().cart.findUniqueOrThrow({ where: { id: cartId } })).status, 'CHECKED_OUT');
  const invoice = await main.control.invoice(fresh.attempts[0]!.invoiceReference!);
  assert.equal(invoice.confirmed, true);
  assert.equal(invoice.reversed, false);
});
