// SEQR's refusals are recognised in both boot orders of the production build. Next bundles lib/seqr
// more than once per process (the instrumentation hook that runs the sweeper, the route handlers,
// the server actions, the pages), and the SEQR client lives on globalThis: whichever copy built it,
// the errors it throws must be recognised by every other copy.
//
// (a) The shop boots with an open attempt in the database, so its sweeper talks to SEQR first; then
//     a checkout SEQR refuses (94) must show the refusal on the pay page (not HTTP 500), and a refund
//     SEQR refuses (97) must answer with the sentence and release the reserved amount.
// (b) The shop boots with nothing open, and a checkout is the first to talk to SEQR; then, with the
//     notification lost and getPaymentStatus answering 94 until past the shop's TTL, the sweeper's
//     cancelInvoice gets 50 (paid): the shop must read the status and record the payment before
//     SEQR's 20-second rule reverses it.
//
// Runs `next start` from the production build on PostgreSQL (the one `npm test` starts, or its own).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../helpers/db';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { soapCallsOf, startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';
import { buildIfNeeded, freePort, startShopInstance, type ShopInstance } from '../helpers/shop';
import { CHECKOUT_DETAILS, HttpShopper } from '../helpers/shopper';
import { sleep, waitFor } from '../helpers/wait';

let ownPostgres: TestPostgres | undefined;
if (!process.env.TEST_POSTGRES_URL) {
  ownPostgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = ownPostgres.url;
}
const database = await freshDatabase('boot_order');
if (database.kind !== 'postgres') throw new Error('The boot-order tests need PostgreSQL.');
process.env.DATABASE_URL = database.url;
// The open attempt of (a) is made by this process: its invoice must outlive the boot, and SEQR's
// notification for it goes to the shop.
const firstPort = await freePort();
process.env.PUBLIC_BASE_URL = `http://127.0.0.1:${firstPort}`;
process.env.PAYMENT_TTL_S = '300';
delete process.env.SEQR_WSDL_URL;

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart } = await import('../../lib/cart');
const payments = await import('../../lib/payments');

/** SEQR's window for confirming a payment (the 20-second rule), as the real SEQR has it. */
const CONFIRM_WINDOW_S = 20;
/** Shop TTL in (b): the shortest the configuration allows. */
const TTL_B_S = 5;
const ADMIN_PASSWORD = 'nordvik-admin'; // the demo default against the sandbox (README)

let sandbox: SandboxProcess;
let shop: ShopInstance | undefined;

const shopEnv = (extra: Record<string, string>) => ({
  DATABASE_URL: database.url,
  SEQR_SANDBOX_PORT: String(sandbox.port),
  SWEEP_INTERVAL_MS: '500',
  SEQR_TIMEOUT_MS: '3000',
  ...extra,
});

before(async () => {
  buildIfNeeded({ quiet: true });
  sandbox = await startSandboxProcess({ confirmWindowS: CONFIRM_WINDOW_S });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  await migrate();
  await seed();
});

after(async () => {
  await shop?.stop();
  await sandbox?.stop();
  await closeDb();
  ownPostgres?.stop();
});


async function orderByToken(token: string) {
  return getDb().order.findUniqueOrThrow({
    where: { publicToken: token },
    include: { attempts: { orderBy: { attemptNumber: 'desc' } }, refunds: { orderBy: { createdAt: 'asc' } }, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
  });
}

const seqrCalls = <E extends { kind: string; operation: string | null }>(events: E[], operation: string) =>
  events.filter((event) => event.kind === 'SEQR_CALL' && event.operation === operation);

/** The back office over HTTP: a session cookie and the CSRF token of an order's page. */
async function adminSession(baseUrl: string): Promise<{ cookie: string; csrfFor(orderId: string): Promise<string> }> {
  const response = await fetch(`${baseUrl}/admin/api/login`, { method: 'POST', body: new URLSearchParams({ password: ADMIN_PASSWORD }), redirect: 'manual' });
  assert.equal(response.status, 303, `login: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('admin_session='));
  assert.ok(cookie, 'the login sets the session cookie');
  return {
    cookie,
    async csrfFor(orderId: string) {
      const page = await fetch(`${baseUrl}/admin/orders/${orderId}`, { headers: { cookie } });
      assert.equal(page.status, 200);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(csrf, 'the order page carries the CSRF token');
      return csrf;
    },
  };
}

/** The outcome a back-office redirect shows on the page it goes to (a signed flash, not URL text). */
async function flashOf(response: Response, baseUrl: string, cookie: string): Promise<string> {
  const page = await fetch(new URL(response.headers.get('location') ?? '/', baseUrl), { headers: { cookie } });
  const text = /class="flash flash-(?:ok|error)"[^>]*>([^<]*)</.exec(await page.text())?.[1] ?? '';
  return decodeEntities(text);
}

const decodeEntities = (html: string) =>
  html.replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

test('(a) boot with an open attempt, the sweeper talks to SEQR first: a checkout refused with 94 shows the refusal, a refund refused with 97 answers the sentence and releases the amount', async () => {
  // An open attempt, left in the database by an earlier run of the shop.
  const cartId = await addToCart(undefined, { slug: 'wool-throw', quantity: 1 });
  const opened = await payments.checkoutCart(cartId);
  assert.ok(opened.kind === 'started' && opened.start.kind === 'issued', 'the open attempt was issued');
  const paidToken = opened.token;
  const reference = (await orderByToken(paidToken)).attempts[0]!.invoiceReference!;

  const bootedAt = new Date();
  shop = await startShopInstance({ name: 'shop (a)', port: firstPort, env: shopEnv({ PAYMENT_TTL_S: '300' }) });
  await waitFor(
    "the booted shop's sweeper to ask SEQR about the open invoice",
    async () => soapCallsOf(await sandbox.control.invoice(reference), 'getPaymentStatus', bootedAt).length > 0,
  );

  // A checkout while sendInvoice is refused: the pay page explains it.
  const shopper = new HttpShopper(shop.url);
  await shopper.addToCart('stoneware-mug', 1);
  await sandbox.control.setFaults({ resultCode: 94, operation: 'sendInvoice' });
  let checkout: Awaited<ReturnType<HttpShopper['action']>>;
  try {
    checkout = await shopper.action('checkoutAction', '/cart', CHECKOUT_DETAILS);
  } finally {
    await sandbox.control.clearFaults();
  }
  assert.equal(checkout.status, 200, `the checkout answers (HTTP ${checkout.status}): ${checkout.body.slice(0, 300)}`);
  const refusedToken = /^\/pay\/([A-Za-z0-9_-]+)$/.exec(checkout.redirect ?? '')?.[1];
  assert.ok(refusedToken, `the checkout leads to the pay page (redirect ${checkout.redirect})`);
  const payPage = await fetch(`${shop.url}/pay/${refusedToken}`);
  const payHtml = decodeEntities(await payPage.text());
  assert.equal(payPage.status, 200);
  assert.match(payHtml, /SEQR could not create the payment: .*\(94 SERVICE_UNAVAILABLE\)/);
  const refused = await orderByToken(refusedToken);
  assert.equal(refused.status, 'AWAITING_PAYMENT', 'the order is kept');
  assert.equal(refused.openAttemptId, null);
  assert.equal(refused.attempts[0]!.status, 'FAILED');
  assert.equal(refused.attempts[0]!.resultCode, 94);
  const view = await shopper.status(refusedToken);
  assert.equal(view.canRetry, true, 'the shopper may try again');

  // The first order is paid (the shop hears of it through its notification or its sweeper).
  await sandbox.control.pay(reference);
  const paid = await waitFor('the open order to be paid', async () => {
    const order = await orderByToken(paidToken);
    return order.status === 'PAID' && order;
  });
  assert.equal(paid.paidOre, 89500);

  // Refunds through the back office's route handler.
  const admin = await adminSession(shop.url);
  const refund = async (amount: string, accept?: string) =>
    fetch(`${shop!.url}/admin/api/orders/${paid.id}/refund`, {
      method: 'POST',
      headers: { cookie: admin.cookie, ...(accept ? { accept } : {}) },
      body: new URLSearchParams({ amount, csrf: await admin.csrfFor(paid.id), confirm: '1' }), // the confirmed step
      redirect: 'manual',
    });
  const first = await refund('10');
  assert.equal(first.status, 303);
  assert.match(await flashOf(first, shop.url, admin.cookie), /^Refunded 10,00\skr/);
  const afterFirst = await getDb().order.findUniqueOrThrow({ where: { id: paid.id } });
  assert.equal(afterFirst.refundedOre, 1000);
  assert.equal(afterFirst.refundReservedOre, 0);

  await sandbox.control.setFaults({ resultCode: 97, operation: 'refundPayment' });
  try {
    // The back-office form: a 303 back to the order page with the sentence.
    const form = await refund('10');
    assert.equal(form.status, 303, `the refused refund answers (HTTP ${form.status})`);
    const location = new URL(form.headers.get('location') ?? '', shop.url);
    assert.equal(location.pathname, `/admin/orders/${paid.id}`);
    assert.match(await flashOf(form, shop.url, admin.cookie), /^SEQR refused the refund: .*\(97 RESELLER_NOT_ALLOWED_TO_DO_REFUND\)/);
    // A script: JSON with the sentence and a 4xx.
    const json = await refund('10', 'application/json');
    assert.ok(json.status >= 400 && json.status < 500, `HTTP ${json.status}`);
    assert.match(((await json.json()) as { error?: string }).error ?? '', /^SEQR refused the refund: .*\(97 RESELLER_NOT_ALLOWED_TO_DO_REFUND\)/);
  } finally {
    await sandbox.control.clearFaults();
  }
  const afterRefused = await orderByToken(paidToken);
  assert.equal(afterRefused.refundedOre, 1000, 'the shop shows what SEQR refunded');
  assert.equal(afterRefused.refundReservedOre, 0, 'the refused amounts are released');
  assert.equal(afterRefused.status, 'PARTIALLY_REFUNDED');
  assert.deepEqual(afterRefused.refunds.map((r) => [r.status, r.resultCode]), [['SUCCEEDED', 0], ['FAILED', 97], ['FAILED', 97]]);
  const invoice = await sandbox.control.invoice(reference);
  assert.deepEqual(invoice.refunds.map((r) => r.amount.value), ['10.00'], 'SEQR refunded 10 kr, once');

  // What is left can still be refunded.
  const rest = await refund('885');
  assert.equal(rest.status, 303);
  assert.match(await flashOf(rest, shop.url, admin.cookie), /^Refunded 885,00\skr.*fully refunded/);
  assert.equal((await getDb().order.findUniqueOrThrow({ where: { id: paid.id } })).status, 'REFUNDED');
});

test('(b) boot with nothing open, a checkout talks to SEQR first: getPaymentStatus answering 94 past the shop TTL, the sweeper’s cancelInvoice gets 50, reads the status and records PAID within SEQR’s 20 seconds', async () => {
  await shop?.stop();
  shop = undefined;
  assert.equal(await getDb().paymentAttempt.count({ where: { status: { in: ['CREATED', 'ISSUED'] } } }), 0, 'nothing is open at boot (if (a) failed it may have left attempts open: run (b) alone with --test-name-pattern)');
  const port = await freePort();
  shop = await startShopInstance({ name: 'shop (b)', port, env: shopEnv({ PAYMENT_TTL_S: String(TTL_B_S) }) });
  const bootedAt = new Date();

  const shopper = new HttpShopper(shop.url);
  await shopper.addToCart('glass-carafe', 1);
  const token = await shopper.checkout();
  const issued = await orderByToken(token);
  assert.equal(issued.attempts[0]!.status, 'ISSUED');
  const reference = issued.attempts[0]!.invoiceReference!;
  assert.equal(seqrCalls(issued.events, 'sendInvoice').length, 1);

  // The customer pays; the notification is lost and SEQR answers no status until past the shop TTL.
  await sandbox.control.setFaults({ dropNotifications: true, resultCode: 94, operation: 'getPaymentStatus' });
  let paidAt = 0;
  try {
    await sandbox.control.pay(reference);
    paidAt = Date.now();
    await waitFor(
      "the sweeper's cancelInvoice past the shop TTL to be answered 50",
      async () => seqrCalls((await orderByToken(token)).events, 'cancelInvoice').some((event) => event.resultCode === 50),
      (TTL_B_S + 15) * 1000,
    );
    assert.ok(Date.now() >= issued.attempts[0]!.expiresAt.getTime(), 'past the shop TTL');
    // SEQR answers the status again (the notification stays lost).
    await sandbox.control.setFaults({ resultCode: null });
    await waitFor('the shop to record the payment', async () => (await orderByToken(token)).status === 'PAID', CONFIRM_WINDOW_S * 1000 - (Date.now() - paidAt));
    const confirmedAfterS = (Date.now() - paidAt) / 1000;
    assert.ok(confirmedAfterS < CONFIRM_WINDOW_S, `recorded PAID ${confirmedAfterS.toFixed(1)} s after the payment`);
    // Past SEQR's window: no reversal came.
    await sleep(Math.max(0, paidAt + CONFIRM_WINDOW_S * 1000 + 1500 - Date.now()));
  } finally {
    await sandbox.control.clearFaults();
  }
  const invoice = await sandbox.control.invoice(reference);
  assert.equal(invoice.status, 'PAID');
  assert.equal(invoice.confirmed, true, 'confirmed within the 20-second rule');
  assert.equal(invoice.reversed, false, 'SEQR did not reverse the payment');
  assert.ok(!invoice.notifications.some((n) => !n.dropped), 'no notification arrived');

  const order = await orderByToken(token);
  assert.equal(order.status, 'PAID');
  assert.equal(order.paidOre, order.totalOre);
  assert.equal(order.attempts[0]!.status, 'PAID');
  const paidEvents = order.events.filter((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:'));
  assert.equal(paidEvents.length, 1, 'one PAID transition');
  assert.match(paidEvents[0]!.message ?? '', /seen by cancel/, 'the status read after cancelInvoice saw the payment');
  assert.ok(seqrCalls(order.events, 'cancelInvoice').every((event) => event.at >= bootedAt));
  await waitFor('the receipt', async () => (await sandbox.control.invoice(reference)).receipts.length === 1, 15_000);
  assert.equal(seqrCalls((await orderByToken(token)).events, 'submitPaymentReceipt').length, 1, 'one receipt');
});
