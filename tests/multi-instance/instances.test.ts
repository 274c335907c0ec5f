// Two shop instances (real `next start` processes) on one PostgreSQL database and one sandbox: the
// status coalescing, the sweepers and the payment state machine hold across processes, and a process
// killed between sendInvoice and saving the reference loses nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../helpers/db';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { soapCallsOf, startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { buildIfNeeded, startShopInstance, type ShopInstance } from '../helpers/shop';
import { HttpShopper } from '../helpers/shopper';
import { sleep, waitFor } from '../helpers/wait';

// PostgreSQL: the one `npm test` started, or our own when run alone.
let ownPostgres: TestPostgres | undefined;
if (!process.env.TEST_POSTGRES_URL) {
  ownPostgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = ownPostgres.url;
}
const database = await freshDatabase('instances');
if (database.kind !== 'postgres') throw new Error('The multi-instance tests need PostgreSQL.');
process.env.DATABASE_URL = database.url;

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');

const TTL_S = 14;
/** A minute ago in Stockholm, as HH:MM. */
const DAY_CLOSE_AT = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(Date.now() - 60_000));
let sandbox: SandboxProcess;
let shopA: ShopInstance;
let shopB: ShopInstance;

before(async () => {
  buildIfNeeded({ quiet: true });
  await migrate();
  await seed();
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  const env = {
    DATABASE_URL: database.url,
    SEQR_SANDBOX_PORT: String(sandbox.port),
    PAYMENT_TTL_S: String(TTL_S),
    SWEEP_INTERVAL_MS: '500',
    SEQR_TIMEOUT_MS: '3000',
    // Both instances find today's day close due as they start, and race for it.
    DAY_CLOSE_AT: DAY_CLOSE_AT,
    SHOP_TIME_ZONE: 'Europe/Stockholm',
  };
  [shopA, shopB] = await Promise.all([startShopInstance({ name: 'shop A', env }), startShopInstance({ name: 'shop B', env })]);
});

after(async () => {
  await Promise.all([shopA?.stop(), shopB?.stop()]);
  await sandbox?.stop();
  await closeDb();
  ownPostgres?.stop();
});


/** A shopper who fills a cart on one instance and checks out on the other. */
async function checkoutAcross(): Promise<{ token: string; shopper: HttpShopper }> {
  const shopper = new HttpShopper(shopA.url);
  await shopper.addToCart('stoneware-mug', 1);
  await shopper.addToCart('linen-tea-towel', 2);
  const token = await shopper.via(shopB.url).checkout();
  return { token, shopper };
}

async function orderByToken(token: string) {
  return getDb().order.findUniqueOrThrow({ where: { publicToken: token }, include: { attempts: { orderBy: { attemptNumber: 'asc' } }, events: true } });
}

const seqrCalls = <E extends { kind: string; operation: string | null }>(events: E[], operation: string) =>
  events.filter((event) => event.kind === 'SEQR_CALL' && event.operation === operation);

/** One PAID transition, one receipt, the money confirmed in the sandbox and not reversed. */
async function assertPaidOnce(token: string) {
  // The receipt follows the PAID transition (sent by the winner, or retried by a sweeper).
  await waitFor('the receipt to be submitted', async () => (await getDb().paymentAttempt.count({ where: { order: { publicToken: token }, receiptSubmittedAt: { not: null } } })) === 1, 15_000);
  const order = await orderByToken(token);
  assert.equal(order.status, 'PAID', `order ${token} is PAID`);
  assert.equal(order.events.filter((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:')).length, 1, 'one PAID transition');
  assert.equal(seqrCalls(order.events, 'submitPaymentReceipt').length, 1, 'one receipt call');
  const paid = order.attempts.filter((attempt) => attempt.status === 'PAID');
  assert.equal(paid.length, 1, 'one paid attempt');
  assert.ok(paid[0]!.receiptSubmittedAt, 'the receipt was submitted');
  const invoice = await sandbox.control.invoice(paid[0]!.invoiceReference!);
  assert.equal(invoice.status, 'PAID');
  assert.equal(invoice.confirmed, true, 'confirmed within the 20-second rule');
  assert.equal(invoice.reversed, false);
  assert.equal(invoice.receipts.length, 1, 'SEQR holds one receipt');
  return order;
}

test('pollers on both instances ask SEQR nothing: only the sweepers and the notifications do; one PAID transition, one receipt', async () => {
  const orders = await Promise.all(Array.from({ length: 6 }, () => checkoutAcross()));
  const references = await Promise.all(orders.map(async ({ token }) => (await orderByToken(token)).attempts[0]!.invoiceReference!));
  const started = new Date();
  let polling = true;
  let polls = 0;
  const pollers = orders.flatMap(({ token, shopper }) =>
    [shopA.url, shopB.url, shopA.url, shopB.url].map(async (url) => {
      while (polling) {
        await shopper.via(url).status(token);
        polls++;
      }
    }),
  );
  // At least 1.5 s and 8 polls per order before anyone pays (a busy machine polls slowly).
  await sleep(1500);
  await waitFor('the pollers to poll', async () => polls > orders.length * 8, 60_000);
  const pollsBeforePaying = polls;
  const paying = new Date();
  const beforeS = (paying.getTime() - started.getTime()) / 1000;
  await Promise.all(references.map((reference) => sandbox.control.pay(reference)));
  await waitFor('every order to be PAID', async () => {
    const paid = await getDb().order.count({ where: { publicToken: { in: orders.map((o) => o.token) }, status: 'PAID' } });
    return paid === orders.length;
  });
  await sleep(1000);
  polling = false;
  await Promise.all(pollers);
  const windowS = (Date.now() - started.getTime()) / 1000;

  for (const { token } of orders) {
    const order = await assertPaidOnce(token);
    // Counted by SEQR (the sandbox's history of the invoice): the shop's timeline leaves its routine checks out.
    const statusCalls = soapCallsOf(await sandbox.control.invoice(order.attempts[0]!.invoiceReference!), 'getPaymentStatus', started);
    // Before the payment only the sweepers' pace (one question per invoice every 5 s, the first 2 s
    // after issue) could ask, however many polls came in.
    const before = statusCalls.filter((call) => call.at < paying).length;
    assert.ok(before <= Math.ceil(beforeS / 5) + 1, `${pollsBeforePaying} polls in ${beforeS.toFixed(1)} s, and ${before} getPaymentStatus calls: none of the polls' own`);
    // In all: the sweepers' checks and one for the notification (and its follow-up), never a poll's.
    assert.ok(statusCalls.length <= Math.ceil(windowS / 5) + 3, `${statusCalls.length} getPaymentStatus calls in ${windowS.toFixed(1)} s for one invoice`);
  }
});

test('sweepers on both instances: unattended payments are confirmed once and overdue invoices cancelled once', async () => {
  await sandbox.control.setFaults({ dropNotifications: true });
  try {
    const paying = await Promise.all(Array.from({ length: 4 }, () => checkoutAcross()));
    const abandoned = await Promise.all(Array.from({ length: 4 }, () => checkoutAcross()));
    for (const { token } of paying) await sandbox.control.pay((await orderByToken(token)).attempts[0]!.invoiceReference!);

    await waitFor('the unattended payments to be confirmed', async () => (await getDb().order.count({ where: { publicToken: { in: paying.map((o) => o.token) }, status: 'PAID' } })) === paying.length);
    for (const { token } of paying) {
      const order = await assertPaidOnce(token);
      assert.match(order.events.find((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:'))!.message ?? '', /seen by sweeper/);
    }

    await waitFor(
      'the abandoned invoices to be cancelled after the shop TTL',
      async () => (await getDb().paymentAttempt.count({ where: { order: { publicToken: { in: abandoned.map((o) => o.token) } }, status: 'EXPIRED' } })) === abandoned.length,
      (TTL_S + 20) * 1000,
    );
    for (const { token } of abandoned) {
      const order = await orderByToken(token);
      assert.equal(order.status, 'AWAITING_PAYMENT');
      assert.equal(order.openAttemptId, null, 'the shopper may try again');
      assert.equal(order.events.filter((event) => event.toStatus === 'EXPIRED').length, 1, 'one EXPIRED transition');
      const cancels = seqrCalls(order.events, 'cancelInvoice');
      assert.equal(cancels.length, 1, `one cancelInvoice call, from one of the two sweepers: ${JSON.stringify(cancels.map((e) => [e.at, e.resultCode, e.message]))}`);
      assert.equal((await sandbox.control.invoice(order.attempts[0]!.invoiceReference!)).status, 'CANCELED');
    }
  } finally {
    await sandbox.control.clearFaults();
  }
});

test('an instance killed between sendInvoice and saving the reference: on restart the orphan invoice is found and cancelled, and the order can be paid', async () => {
  await shopB.stop(); // only the restarted instance can resolve it
  const shopper = new HttpShopper(shopA.url);
  await shopper.addToCart('wool-throw', 1);
  const tokensBefore = new Set((await getDb().order.findMany({ select: { publicToken: true } })).map((o) => o.publicToken));

  // SEQR carries out sendInvoice at once but answers late; the shop dies while it waits.
  await sandbox.control.setFaults({ slowMs: 2500 });
  const checkout = shopper.checkout().catch(() => 'no answer');
  const attempt = await waitFor('the attempt to be saved before sendInvoice', () => getDb().paymentAttempt.findFirst({ where: { status: 'CREATED' } }));
  const orphan = await waitFor('SEQR to create the invoice', async () => (await sandbox.control.invoices()).find((invoice) => invoice.clientInvoiceId === attempt.clientInvoiceId));
  await shopA.kill();
  assert.equal(await checkout, 'no answer');
  await sandbox.control.clearFaults();

  const stuck = await getDb().order.findUniqueOrThrow({ where: { id: attempt.orderId }, include: { attempts: true } });
  assert.ok(!tokensBefore.has(stuck.publicToken));
  assert.equal(stuck.openAttemptId, attempt.id, 'the order is held by the attempt whose reference was lost');
  assert.equal(stuck.attempts[0]!.invoiceReference, null);
  assert.equal((await sandbox.control.invoice(orphan.invoiceReference)).status, 'ISSUED', 'SEQR has a live invoice nobody knows of');

  await shopA.start();
  const resolved = await waitFor('the restarted instance to resolve the attempt', async () => {
    const row = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    return row.status !== 'CREATED' && row;
  });
  assert.equal(resolved.status, 'FAILED');
  assert.equal((await sandbox.control.invoice(orphan.invoiceReference)).status, 'CANCELED', 'the orphan invoice was cancelled');
  const events = (await orderByToken(stuck.publicToken)).events;
  assert.ok(events.some((event) => event.message?.includes(`orphan invoice ${orphan.invoiceReference}`)), 'the timeline says what happened');

  // The shopper is told to try again, and pays.
  const view = await shopper.status(stuck.publicToken);
  assert.equal(view.orderStatus, 'AWAITING_PAYMENT');
  assert.equal(view.canRetry, true);
  const retried = await shopper.retry(stuck.publicToken);
  assert.equal(retried.redirect, `/pay/${stuck.publicToken}`);
  const fresh = await shopper.status(stuck.publicToken);
  assert.equal(fresh.attempt?.status, 'ISSUED');
  await sandbox.control.pay(fresh.attempt!.invoiceReference!);
  await waitFor('the retried payment to be confirmed', async () => (await orderByToken(stuck.publicToken)).status === 'PAID');
  await assertPaidOnce(stuck.publicToken);
  await shopB.start();
});

test('an orphan invoice that was paid while its instance was down is adopted, never lost', async () => {
  await shopB.stop();
  const shopper = new HttpShopper(shopA.url);
  await shopper.addToCart('fika-cookbook', 1);
  await sandbox.control.setFaults({ slowMs: 2500 });
  const checkout = shopper.checkout().catch(() => 'no answer');
  const attempt = await waitFor('the attempt to be saved before sendInvoice', () => getDb().paymentAttempt.findFirst({ where: { status: 'CREATED' } }));
  const orphan = await waitFor('SEQR to create the invoice', async () => (await sandbox.control.invoices()).find((invoice) => invoice.clientInvoiceId === attempt.clientInvoiceId));
  await shopA.kill();
  await checkout;
  await sandbox.control.clearFaults();
  // Whoever held the QR code (here: the test) pays while the shop is down.
  await sandbox.control.pay(orphan.invoiceReference);

  await shopA.start();
  const order = await waitFor('the restarted instance to adopt the paid invoice', async () => {
    const row = await getDb().order.findUniqueOrThrow({ where: { id: attempt.orderId } });
    return row.status === 'PAID' && row;
  });
  const paid = await assertPaidOnce(order.publicToken);
  assert.equal(paid.attempts[0]!.invoiceReference, orphan.invoiceReference);
  await shopB.start();
});

test('an instance killed while its sweeper holds a lease: the lease runs out and the other instance confirms the payment within SEQR\'s window', async () => {
  await shopB.stop();
  const shopper = new HttpShopper(shopA.url);
  await shopper.addToCart('glass-carafe', 1);
  const token = await shopper.checkout();
  const attempt = (await orderByToken(token)).attempts[0]!;
  // SEQR answers late, so shop A's sweeper is caught holding the lease; nobody else is watching.
  await sandbox.control.setFaults({ dropNotifications: true, slowMs: 3000 });
  await waitFor("shop A's sweeper to lease the attempt", async () => (await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).leaseOwner !== null);
  await shopA.kill();
  await sandbox.control.clearFaults();
  await sandbox.control.setFaults({ dropNotifications: true });
  try {
    await sandbox.control.pay(attempt.invoiceReference!); // paid while a dead process holds the lease
    await shopB.start();
    await waitFor('shop B to confirm the payment once the lease has run out', async () => (await orderByToken(token)).status === 'PAID', 25_000);
    const order = await assertPaidOnce(token);
    assert.match(order.events.find((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:'))!.message ?? '', /seen by sweeper/);
  } finally {
    await sandbox.control.clearFaults();
    await shopA.start();
  }
});

test('the automatic day close happens once for the two instances: one shop mark, one terminal mark, the day reconciled', async () => {
  const close = await waitFor('the day close to finish', async () => getDb().dayClose.findFirst({ where: { status: 'DONE', day: { not: null } }, include: { periods: true } }), 60_000);
  assert.equal(await getDb().dayClose.count({ where: { day: { not: null } } }), 1, 'one day close');
  assert.deepEqual(close.periods.map((p) => p.scope).sort(), ['SHOP', 'TERMINAL']);
  const { periods } = await sandbox.control.call<{ periods: { transactionPeriodId: string; terminalId?: string }[] }>('GET', '/sandbox/periods');
  const ofTheClose = periods.filter((p) => close.periods.some((mine) => mine.transactionPeriodId === p.transactionPeriodId));
  assert.equal(ofTheClose.length, 2);
  // Any other mark at SEQR was made by a refund settlement (recorded with closedBy 'refund settlement').
  const others = await getDb().transactionPeriod.count({ where: { dayCloseId: null } });
  assert.equal(periods.length, 2 + others, 'no mark was made twice');
  assert.equal(close.seqrCount !== null && close.shopCount !== null, true);
});
