// The app API on two shop instances (real production processes) over one PostgreSQL database and
// one sandbox, as behind a load balancer: an Idempotency-Key sent to both at once makes one order
// and one invoice; a payment made through A is PAID with SEQR's reference when B is asked; a status
// stream on B follows a payment that A's notification settled.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { appApi, assertProblem, openEventStream, waitFor, type AppApi, type Answer } from '../helpers/app-api';
import { freshDatabase } from '../helpers/db';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startSandboxProcess, type SandboxInvoice, type SandboxProcess } from '../helpers/sandbox';
import { buildIfNeeded, startShopInstance, type ShopInstance } from '../helpers/shop';

// PostgreSQL: the one `npm test` started, or our own when run alone.
let ownPostgres: TestPostgres | undefined;
if (!process.env.TEST_POSTGRES_URL) {
  ownPostgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = ownPostgres.url;
}
const database = await freshDatabase('app_api_instances');
if (database.kind !== 'postgres') throw new Error('The multi-instance tests need PostgreSQL.');
process.env.DATABASE_URL = database.url;

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');

let sandbox: SandboxProcess;
let shopA: ShopInstance;
let shopB: ShopInstance;
let a: AppApi;
let b: AppApi;

before(async () => {
  buildIfNeeded({ quiet: true });
  await migrate();
  await seed();
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  // The sweepers pass once a minute: what settles a payment here is a notification or a final=true question.
  const env = { DATABASE_URL: database.url, SEQR_SANDBOX_PORT: String(sandbox.port), SEQR_TIMEOUT_MS: '3000', SWEEP_INTERVAL_MS: '60000' };
  [shopA, shopB] = await Promise.all([startShopInstance({ name: 'shop A', env }), startShopInstance({ name: 'shop B', env })]);
  a = appApi(shopA.url);
  b = appApi(shopB.url);
});

after(async () => {
  await sandbox?.control.clearFaults().catch(() => {});
  await Promise.all([shopA?.stop(), shopB?.stop()]);
  await sandbox?.stop();
  await closeDb();
  ownPostgres?.stop();
});

/** The order's invoices at SEQR: their backURL names its token (RETURN_URL). */
async function invoicesOf(token: string): Promise<SandboxInvoice[]> {
  const all = await Promise.all((await sandbox.control.invoices()).map((invoice) => sandbox.control.invoice(invoice.invoiceReference)));
  return all.filter((invoice) => invoice.backURL === `nordvik://orders/${token}`);
}

test('one Idempotency-Key sent to both instances at once for createPayment: one order, one invoice, answers that agree', async () => {
  const outcomes = new Map<string, number>();
  // SEQR answers a little late, so the two requests overlap at the key more often than not (nothing is asserted about which way it goes).
  await sandbox.control.setFaults({ slowMs: 400 });
  try {
    for (let round = 0; round < 6; round++) {
      const cartId = await a.cart([{ slug: 'linen-tea-towel', quantity: 1 }]);
      const key = randomUUID();
      const invoicesBefore = (await sandbox.control.invoices()).length;
      const [fromA, fromB] = await Promise.all([a.pay(cartId, { key }), b.pay(cartId, { key })]);
      const answers: [AppApi, Answer][] = [[a, fromA], [b, fromB]];
      for (const [, answer] of answers) assert.ok(answer.status === 201 || answer.status === 409, `${answer.status} ${answer.text.slice(0, 200)}`);
      const done = answers.filter(([, answer]) => answer.status === 201);
      assert.ok(done.length >= 1, 'at least one of them has the answer');
      assert.equal(done.filter(([, answer]) => answer.headers.get('idempotent-replayed') === null).length, 1, 'one of them did the work');
      const first = done.find(([, answer]) => answer.headers.get('idempotent-replayed') === null)![1];
      for (const [api, answer] of answers) {
        if (answer.status === 409) {
          assertProblem(answer, 409, 'idempotency-key-in-use', 'the other instance while the first works', 'en');
          assert.equal(answer.headers.get('retry-after'), '1');
          // As an app does after Retry-After: the same request again, at the same instance.
          const again = await waitFor('the first answer', async () => {
            const repeat = await api.pay(cartId, { key });
            return repeat.status !== 409 && repeat;
          });
          assert.equal(again.status, 201);
          assert.equal(again.headers.get('idempotent-replayed'), 'true');
          assert.equal(again.text, first.text, 'the replay is the first answer');
        } else if (answer !== first) {
          assert.equal(answer.headers.get('idempotent-replayed'), 'true');
          assert.equal(answer.text, first.text, 'both answers agree');
        }
      }
      const outcome = answers.map(([, answer]) => answer.status).sort().join('+');
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      const token = first.json.orderToken as string;
      assert.equal(first.json.attempt.status, 'ISSUED');
      assert.equal((await sandbox.control.invoices()).length, invoicesBefore + 1, 'one sendInvoice reached SEQR');
      assert.equal((await invoicesOf(token)).length, 1);
      assert.equal(await getDb().order.count({ where: { cartId } }), 1, 'one order in the database');
      const record = await getDb().idempotencyRecord.findUniqueOrThrow({ where: { key } });
      assert.equal(record.responseStatus, 201);
      // Either instance replays it afterwards.
      for (const api of [a, b]) {
        const later = await api.pay(cartId, { key });
        assert.equal(later.headers.get('idempotent-replayed'), 'true');
        assert.equal(later.text, first.text);
      }
    }
  } finally {
    await sandbox.control.clearFaults();
  }
  console.log(`answers per round: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});

test('a payment created on A and paid in the sandbox: B, asked for the final status, answers PAID with the SEQR reference', async () => {
  // No notification reaches A: B's final=true has to ask SEQR itself.
  await sandbox.control.setFaults({ dropNotifications: true });
  try {
    const cartId = await a.cart([{ slug: 'stoneware-mug', quantity: 2 }]);
    const created = await a.pay(cartId, { key: randomUUID() });
    assert.equal(created.status, 201, created.text);
    const token = created.json.orderToken as string;
    await sandbox.control.pay(created.json.attempt.invoiceReference);
    const invoice = await sandbox.control.invoice(created.json.attempt.invoiceReference);
    assert.equal(invoice.status, 'PAID');
    assert.ok(invoice.ersReference);

    const final = await b.state(token, true);
    assert.equal(final.final, true);
    assert.equal(final.status, 'PAID');
    assert.equal(final.attempt.status, 'PAID');
    assert.equal(final.ersReference, invoice.ersReference, "SEQR's reference");
    assert.equal(final.amount.minor, created.json.amount.minor);
    // A reads what B stored; the receipt on either instance carries the reference.
    assert.equal((await a.state(token)).status, 'PAID');
    for (const api of [a, b]) {
      const receipt = await api.ok('GET', `/api/v1/payments/${token}/receipt`);
      assert.equal(receipt.ersReference, invoice.ersReference);
      assert.equal(receipt.total.minor, created.json.amount.minor);
    }
    const order = await getDb().order.findUniqueOrThrow({ where: { publicToken: token }, include: { events: true } });
    assert.equal(order.status, 'PAID');
    assert.equal(order.events.filter((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:')).length, 1, 'one PAID transition');
  } finally {
    await sandbox.control.clearFaults();
  }
});

test("a status stream opened on B sees the payment that A's notification settled", async () => {
  const cartId = await a.cart([{ slug: 'beeswax-candles', quantity: 3 }]);
  const created = await a.pay(cartId, { key: randomUUID() });
  assert.equal(created.status, 201, created.text);
  const token = created.json.orderToken as string;
  const stream = await openEventStream(shopB.url, token);
  try {
    assert.equal(stream.status, 200);
    assert.match(stream.contentType, /^text\/event-stream/);
    await waitFor('the first state on the stream', async () => stream.states.length > 0);
    assert.equal(stream.states[0].status, 'AWAITING_PAYMENT');
    assert.equal(stream.states[0].attempt.status, 'ISSUED');

    await sandbox.control.pay(created.json.attempt.invoiceReference);
    const paid = await waitFor('B\'s stream to say PAID', async () => stream.states.find((state) => state.status === 'PAID'));
    const invoice = await sandbox.control.invoice(created.json.attempt.invoiceReference);
    assert.equal(paid.ersReference, invoice.ersReference);
    assert.equal(paid.attempt.status, 'PAID');
    // The stream ends once the payment is over.
    await waitFor('the stream to end', async () => (await Promise.race([stream.ended.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 200))])));

    // SEQR notified A (the invoice's notificationUrl is A's), and that notification settled it.
    assert.ok(invoice.notificationUrl?.startsWith(`${shopA.url}/`), `notified at ${invoice.notificationUrl}`);
    assert.ok(invoice.notifications.some((notification) => notification.httpStatus === 200), JSON.stringify(invoice.notifications));
    const order = await getDb().order.findUniqueOrThrow({ where: { publicToken: token }, include: { events: true } });
    const transition = order.events.filter((event) => event.toStatus === 'PAID' && event.fromStatus?.startsWith('attempt:'));
    assert.equal(transition.length, 1);
    assert.match(transition[0]!.message ?? '', /seen by notification/);
  } finally {
    stream.close();
  }
});
