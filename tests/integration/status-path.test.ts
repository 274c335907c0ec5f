// The status path of issue 14, from outside: the shop's lib/payments in-process (its production
// wiring, change feed included) against the real sandbox behind a SEQR proxy on 127.0.0.1 that counts
// every SOAP call and can hold an answer in flight. Runs on PGlite, and on PostgreSQL when
// TEST_POSTGRES_URL is set (`npm test`), where "another process" is a second connection of its own.
//
// (a) the pay page's polls never ask SEQR; the sweeper confirms an unattended payment;
// (b) a change committed elsewhere reaches this process's listener and the page sees it at once
//     (the in-memory state is dropped), the sweeper's bookkeeping publishes nothing;
// (c) a notification that arrives while a status call is in flight still ends PAID by itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { startSeqrProxy } from '../helpers/seqr-proxy';

await useFreshDatabase('status-path');
const proxy = await startSeqrProxy('http://127.0.0.1:9/unset');
process.env.SEQR_WSDL_URL = proxy.wsdlUrl;
process.env.SEQR_TERMINAL_ID = 'demo-webshop';
process.env.SEQR_TERMINAL_PASSWORD = 'demo-password';
process.env.PAYMENT_TTL_S = '120';

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getChangeFeed, getDb } = await import('../../lib/db');
const { addToCart } = await import('../../lib/cart');
const payments = await import('../../lib/payments');
const { findOrderByToken, listOrderEvents } = await import('../../lib/orders');
type Change = import('../../lib/db').Change;
type PaymentView = import('../../lib/payments').PaymentView;

let sandbox: SandboxProcess;
/** A connection that is not this process's Prisma client (PostgreSQL only): "another instance". */
let other: pg.Client | undefined;

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  // Nobody is there for the shop: SEQR's notifications are lost (only the sweeper can see a payment).
  await sandbox.control.setFaults({ dropNotifications: true });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  proxy.upstream = sandbox.endpointUrl;
  await migrate();
  await seed();
  assert.equal(await getChangeFeed().ready(10_000), true, 'the change feed is listening');
  if (process.env.DATABASE_URL) {
    other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
  }
});
after(async () => {
  await other?.end();
  await closeDb();
  await Promise.all([sandbox?.stop(), proxy.close()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pay page's view until `check` holds (a change reaches the listener a moment after it commits). */
async function viewUntil(token: string, check: (view: PaymentView) => boolean, what: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const view = await payments.currentPaymentView(token);
    assert.ok(view, 'the order exists');
    if (check(view)) return view;
    if (Date.now() > deadline) assert.fail(`the pay page never showed ${what}: ${JSON.stringify(view)}`);
    await sleep(20);
  }
}

async function checkout(slug: string) {
  const cartId = await addToCart(undefined, { slug, quantity: 1 });
  const result = await payments.checkoutCart(cartId);
  assert.equal(result.kind, 'started');
  if (result.kind !== 'started' || result.start.kind !== 'issued') throw new Error('no invoice was issued');
  const order = await findOrderByToken(result.token);
  assert.ok(order);
  const reference = order.attempts[0]!.invoiceReference!;
  assert.ok(reference);
  return { cartId, token: result.token, order, reference };
}

/** A statement from "another process": the second connection on PostgreSQL, raw SQL on PGlite's one. */
async function elsewhere(sql: string, params: unknown[]): Promise<void> {
  if (other) await other.query(sql, params);
  else await getDb().$executeRawUnsafe(sql, ...params);
}

function recordChanges() {
  const seen: Change[] = [];
  const stop = getChangeFeed().subscribe((change) => {
    if (change !== 'reset') seen.push(change);
  });
  return { seen, stop };
}

test('(a) the pay page polls a paid invoice without asking SEQR; the sweeper confirms it, and the next poll shows PAID', async () => {
  const { token, order, reference } = await checkout('stoneware-mug');
  await sandbox.control.pay(reference);
  for (let poll = 0; poll < 30; poll++) {
    assert.equal((await payments.currentPaymentView(token))?.orderStatus, 'AWAITING_PAYMENT', 'a poll shows what is stored, not what SEQR knows');
    await sleep(50); // 1.5 s of polling: long past the old one-call-per-second slot
  }
  assert.deepEqual(proxy.callsOf('getPaymentStatus', reference), [], 'no poll reached SEQR');

  // The sweeper's turn (as of its next check): one question, and the order is paid.
  await payments.sweepOnce(new Date(Date.now() + 10_000));
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 1, 'the sweeper asked once');
  const view = await viewUntil(token, (v) => v.orderStatus === 'PAID', 'PAID');
  assert.equal(view.doneUrl, `/orders/${token}/done`);
  for (let poll = 0; poll < 10; poll++) await payments.currentPaymentView(token);
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 1, 'polls after the payment ask nothing either');
  const paid = (await listOrderEvents(order.id)).find((event) => event.kind === 'STATUS_CHANGE' && event.toStatus === 'PAID');
  assert.match(paid?.message ?? '', /seen by sweeper/);
  assert.equal((await sandbox.control.invoice(reference)).confirmed, true);
});

test('(b) a change committed by another connection reaches the listener and the pay page shows it; lease and schedule updates publish nothing', async () => {
  const { token, order, cartId } = await checkout('linen-tea-towel');
  const cached = await viewUntil(token, (v) => v.attempt?.status === 'ISSUED', 'the open invoice');
  assert.equal(cached.totalOre, order.totalOre);

  // The sweeper's bookkeeping on the attempt: no event, the page's state stays in memory.
  const changes = recordChanges();
  try {
    await elsewhere(`UPDATE "PaymentAttempt" SET "leaseOwner" = 'elsewhere', "leaseUntil" = now(), "nextCheckAt" = now(), "lastStatusAt" = now() WHERE "orderId" = $1::uuid`, [order.id]);
    await elsewhere(`UPDATE "Order" SET "lastActivityAt" = now() WHERE id = $1::uuid`, [order.id]);
    // A change that does count, committed after them: once it is heard, the others would have been too.
    await elsewhere(`UPDATE "Order" SET "totalOre" = "totalOre" + 100 WHERE id = $1::uuid`, [order.id]);
    const view = await viewUntil(token, (v) => v.totalOre === order.totalOre + 100, 'the new total');
    assert.equal(view.totalOre, order.totalOre + 100);
    assert.deepEqual(changes.seen, [{ kind: 'order', id: order.id }], 'only the total published a change');

    // The cart emptied elsewhere after the invoice ended: "Try again" gives way to "the cart is empty".
    await elsewhere(`UPDATE "PaymentAttempt" SET status = 'FAILED', "closedAt" = now() WHERE "orderId" = $1::uuid`, [order.id]);
    await elsewhere(`UPDATE "Order" SET "openAttemptId" = NULL WHERE id = $1::uuid`, [order.id]);
    const ended = await viewUntil(token, (v) => v.canRetry, '"Try again"');
    assert.equal(ended.attempt?.status, 'FAILED');
    await elsewhere(`DELETE FROM "CartLine" WHERE "cartId" = $1`, [cartId]);
    const emptied = await viewUntil(token, (v) => v.cartEmptied, 'the emptied cart');
    assert.equal(emptied.canRetry, false);
    assert.ok(changes.seen.some((change) => change.kind === 'cart' && change.id === cartId), 'the cart line change was published');
  } finally {
    changes.stop();
  }
});

test('(c) a notification while a status call is in flight (its answer: not paid yet) asks once more and ends PAID by itself', async () => {
  const { token, order, reference } = await checkout('stoneware-mug');
  const attempt = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id }, select: { notificationToken: true } });

  // The shopper comes back from the app before paying: the return page's status call is in flight,
  // SEQR has answered ISSUED but the answer is still on its way.
  const held = proxy.hold('getPaymentStatus', reference);
  const returning = payments.finalizeOnReturn(token);
  await held.arrived;
  await sandbox.control.pay(reference);
  const notified = payments.handleNotification(attempt.notificationToken, reference);
  await sleep(100); // the notification is waiting for the call in flight, not asking beside it
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 1, 'deduplicated against the call in flight');
  held.release();

  assert.equal(await notified, 'applied');
  // No sweep, no poll, no second notification: the notification's own follow-up saw the payment.
  const stored = await findOrderByToken(token);
  assert.equal(stored?.status, 'PAID');
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 2, 'one follow-up question, shared by all who waited');
  const paid = (await listOrderEvents(order.id)).find((event) => event.kind === 'STATUS_CHANGE' && event.toStatus === 'PAID');
  assert.match(paid?.message ?? '', /seen by (notification|return-page)/);
  await returning; // it had its own answer (not paid yet): its done page goes on waiting, then shows PAID
  assert.equal((await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: order.attempts[0]!.id } })).lastStatusAt, null, 'no pacing slot was taken or waited for');
  await viewUntil(token, (v) => v.orderStatus === 'PAID', 'PAID');
});

test('(d) the sweeper’s routine checks (SEQR: not paid yet) are counted on the attempt, not written to the timeline; the check that sees the payment is', async () => {
  const { order, reference } = await checkout('stoneware-mug');
  const attemptId = order.attempts[0]!.id;
  const stored = () => getDb().paymentAttempt.findUniqueOrThrow({ where: { id: attemptId } });
  const statusCallEvents = async () => (await listOrderEvents(order.id)).filter((event) => event.kind === 'SEQR_CALL' && event.operation === 'getPaymentStatus');
  const start = Date.now();

  // The first answer tells the shop the invoice's version (something new: written with it).
  await payments.sweepOnce(new Date(start + 10_000));
  const afterFirst = await statusCallEvents();
  assert.ok(afterFirst.length <= 1);
  await payments.sweepOnce(new Date(start + 20_000));
  await payments.sweepOnce(new Date(start + 30_000));
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 3, 'the sweeper asked three times');
  assert.equal((await stored()).statusChecks, 3);
  assert.equal((await statusCallEvents()).length, afterFirst.length, 'nothing new: no timeline rows');
  // A check is due again only an interval later, whoever sweeps: the lease and the schedule agree.
  await payments.sweepOnce(new Date(start + 31_000));
  assert.equal(proxy.callsOf('getPaymentStatus', reference).length, 3, 'not due yet: not asked');

  await sandbox.control.pay(reference);
  await payments.sweepOnce(new Date(start + 40_000));
  assert.equal((await stored()).status, 'PAID');
  assert.equal((await stored()).statusChecks, 4);
  const written = await statusCallEvents();
  assert.equal(written.length, afterFirst.length + 1, 'the check that saw the payment is in the timeline');
  assert.equal(written.at(-1)!.resultCode, 0);
});
