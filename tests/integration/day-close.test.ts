// The day close against the real sandbox and the real database: the automatic close happens once for
// its day however many shop processes race for it, marks the shop's and the terminal's period
// separately, reconciles the day once SEQR's report is ready, continues a close a dead process left
// half-made without repeating its mark, and a close by hand that SEQR refuses leaves nothing behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

await useFreshDatabase('day-close');
const TIME_ZONE = 'Europe/Stockholm';

let sandbox: SandboxProcess;
const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart } = await import('../../lib/cart');
const payments = await import('../../lib/payments');

type SandboxPeriod = { transactionPeriodId: string; terminalId?: string };
const sandboxPeriods = async () => (await sandbox.control.call<{ periods: SandboxPeriod[] }>('GET', '/sandbox/periods')).periods;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DAY_CLOSE_AT two minutes ago in the shop's time zone: the latest close is due, within catch-up. */
function twoMinutesAgo(): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(Date.now() - 120_000));
  return { hour: Number(parts.find((p) => p.type === 'hour')!.value), minute: Number(parts.find((p) => p.type === 'minute')!.value) };
}

function core(dayClose: { at: { hour: number; minute: number }; timeZone: string } | undefined) {
  const ports = payments.productionPorts();
  return payments.createPaymentCore({ ...ports, settings: { ...ports.settings, dayClose }, log: () => undefined });
}

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20, reportDelayS: 1 });
  process.env.SEQR_WSDL_URL = sandbox.wsdlUrl;
  process.env.SEQR_SANDBOX = '1'; // a sandbox at a URL of its own: say so, it is never inferred
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  process.env.SEQR_TERMINAL_ID = 'demo-webshop';
  process.env.SEQR_TERMINAL_PASSWORD = 'demo-password';
  await migrate();
  await seed();
});
after(async () => {
  await closeDb();
  await sandbox?.stop();
});

async function paidOrder(): Promise<string> {
  const cartId = await addToCart(undefined, { slug: 'beeswax-candles', quantity: 1 });
  const result = await payments.checkoutCart(cartId);
  if (result.kind !== 'started') throw new Error('checkout did not start');
  const order = (await getDb().order.findUnique({ where: { publicToken: result.token }, include: { attempts: true } }))!;
  const reference = order.attempts[0]!.invoiceReference!;
  await sandbox.control.pay(reference);
  await payments.finalizeOnReturn(result.token);
  const attempt = (await getDb().paymentAttempt.findFirst({ where: { invoiceReference: reference } }))!;
  assert.equal(attempt.status, 'PAID');
  return attempt.ersReference!;
}

test('without DAY_CLOSE_AT nothing closes by itself', async () => {
  assert.deepEqual(await core(undefined).dayClosePass(), []);
  assert.equal(await getDb().dayClose.count(), 0);
  assert.equal((await sandboxPeriods()).length, 0);
});

test("four shop processes racing for the due day close make it once: one shop mark, one terminal mark, then the day reconciled", async () => {
  const ersReference = await paidOrder();
  const schedule = { at: twoMinutesAgo(), timeZone: TIME_ZONE };
  const processes = [core(schedule), core(schedule), core(schedule), core(schedule)];
  await Promise.all(processes.map((p) => p.dayClosePass()));

  const closes = await getDb().dayClose.findMany({ include: { periods: true } });
  assert.equal(closes.length, 1, 'one day close for the day');
  const [close] = closes;
  assert.match(close!.day ?? '', /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(close!.periods.map((p) => p.scope).sort(), ['SHOP', 'TERMINAL']);
  assert.equal(close!.periods.find((p) => p.scope === 'TERMINAL')!.terminalId, 'demo-webshop');
  const atSeqr = await sandboxPeriods();
  assert.equal(atSeqr.length, 2, 'SEQR saw exactly two marks');
  assert.deepEqual(atSeqr.map((p) => p.terminalId ?? 'shop').sort(), ['demo-webshop', 'shop']);
  assert.deepEqual(atSeqr.map((p) => p.transactionPeriodId).sort(), close!.periods.map((p) => p.transactionPeriodId).sort());

  // SEQR's report is not ready for a second after the mark: the close waits, then finishes.
  for (let i = 0; i < 40 && (await getDb().dayClose.findUniqueOrThrow({ where: { id: close!.id } })).status !== 'DONE'; i++) {
    await sleep(250);
    await Promise.all(processes.map((p) => p.dayClosePass()));
  }
  const done = await getDb().dayClose.findUniqueOrThrow({ where: { id: close!.id } });
  assert.equal(done.status, 'DONE');
  assert.equal(done.seqrCount, 1);
  assert.equal(done.shopCount, 1);
  assert.deepEqual(done.differences, [], `SEQR and the shop agree on ${ersReference}`);
  assert.equal((await sandboxPeriods()).length, 2, 'finishing it marked nothing more');

  // Later passes of the same day make nothing new.
  await Promise.all(processes.map((p) => p.dayClosePass()));
  assert.equal(await getDb().dayClose.count(), 1);
  assert.equal((await sandboxPeriods()).length, 2);
});

test("a close that a dead process left half-made is taken over when its lease runs out, without repeating the shop's mark", async () => {
  const before = (await sandboxPeriods()).length;
  const shop = await core(undefined).closeDayByHand('test');
  assert.equal(shop.done, true);
  // Make it look as if the process died after the shop's mark: the terminal's mark gone, lease expired.
  const half = await getDb().dayClose.update({ where: { id: shop.close.id }, data: { status: 'RUNNING', leaseOwner: 'dead', leaseUntil: new Date(Date.now() - 1000), finishedAt: null } });
  await getDb().transactionPeriod.deleteMany({ where: { dayCloseId: half.id, scope: 'TERMINAL' } });
  const marksBefore = (await sandboxPeriods()).length;
  assert.equal(marksBefore, before + 2);

  let finished: unknown[] = [];
  for (let i = 0; i < 40 && finished.length === 0; i++) {
    finished = await core(undefined).dayClosePass();
    if (finished.length === 0) await sleep(250);
  }
  const periods = await getDb().transactionPeriod.findMany({ where: { dayCloseId: half.id } });
  assert.deepEqual(periods.map((p) => p.scope).sort(), ['SHOP', 'TERMINAL']);
  assert.equal((await sandboxPeriods()).length, marksBefore + 1, "only the terminal's mark was made again");
  assert.equal((await getDb().dayClose.findUniqueOrThrow({ where: { id: half.id } })).status, 'DONE');
});

test('a close by hand that SEQR refuses leaves no day close and no period; the next one works', async () => {
  const closesBefore = await getDb().dayClose.count();
  const marksBefore = (await sandboxPeriods()).length;
  await sandbox.control.setFaults({ resultCode: 90, operation: 'markTransactionPeriod' });
  try {
    const refused = await core(undefined).closeDayByHand('admin');
    assert.equal(refused.done, false);
    if (!refused.done) assert.match(refused.reason, /\w/);
  } finally {
    await sandbox.control.clearFaults();
  }
  assert.equal(await getDb().dayClose.count(), closesBefore);
  const ok = await core(undefined).closeDayByHand('admin');
  assert.equal(ok.done, true);
  assert.equal((await sandboxPeriods()).length, marksBefore + 2);
});
