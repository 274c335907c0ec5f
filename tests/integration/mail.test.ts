// Receipt and refund e-mails end to end: the real SEQR sandbox over HTTP, a real embedded database,
// and the real mail catcher process as the SMTP server (nodemailer talks SMTP to it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { startMailCatcherProcess, type MailCatcherProcess } from '../helpers/mail-catcher';
import { freePort } from '../helpers/ports';
import { startSandboxProcess } from '../helpers/sandbox';

let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
let catcher: MailCatcherProcess;

await useFreshDatabase('mail');
// The shop sends to this port; the catcher is started there (and stopped, to play a server that is down).
const smtpPort = await freePort();
process.env.SMTP_URL = `smtp://shop:secret@localhost:${smtpPort}`;
process.env.MAIL_FROM = 'Nordvik <shop@nordvik.test>';
process.env.SHOP_NAME = 'Nordvik';
process.env.PUBLIC_BASE_URL = 'https://shop.example';

const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart } = await import('../../lib/cart');
const payments = await import('../../lib/payments');
const { findOrderByToken } = await import('../../lib/orders');
const { mailPass, productionMailPorts, startMailer, MAX_TRIES } = await import('../../lib/mail');

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20 });
  process.env.SEQR_SANDBOX_PORT = String(sandbox.port);
  process.env.SEQR_WSDL_URL = sandbox.wsdlUrl;
  process.env.SEQR_SANDBOX = '1';
  await sandbox.control.setFaults({ dropNotifications: true }); // no shop listens for them here
  catcher = await startMailCatcherProcess({ smtpPort });
  await migrate();
  await seed();
});
after(async () => {
  await closeDb();
  await sandbox?.stop();
  await catcher?.stop();
});

/** A paid order: checkout (with the e-mail, in the locale), the customer pays, the shop confirms. */
async function paidOrder(email: string | undefined, locale: 'en' | 'sv' = 'en', items: [string, number][] = [['stoneware-mug', 2]]) {
  let cartId: string | undefined;
  for (const [slug, quantity] of items) cartId = await addToCart(cartId, { slug, quantity });
  const result = await payments.checkoutCart(cartId!, { email, locale });
  if (result.kind !== 'started') throw new Error('checkout did not start');
  const before = (await findOrderByToken(result.token))!;
  await sandbox.control.pay(before.attempts[0]!.invoiceReference!);
  const order = (await payments.finalizeOnReturn(result.token))!;
  assert.equal(order.status, 'PAID');
  return { token: result.token, order, ersReference: order.attempts[0]!.ersReference! };
}

const mailsTo = async (to: string) => (await catcher.messages()).filter((m) => m.to.includes(to));
const rowsOf = (orderId: string) => getDb().mailMessage.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
const later = (ms: number) => new Date(Date.now() + ms);

test('a paid checkout with an e-mail gives exactly one receipt mail, however many passes run, at once or in turn', async () => {
  const { token, order, ersReference } = await paidOrder('anna@example.se');
  const ports = productionMailPorts();
  const first = await mailPass(ports);
  assert.equal(first.sent, 1);
  await mailPass(ports);
  // Two instances' passes at once, and again.
  await Promise.all([mailPass(productionMailPorts()), mailPass(productionMailPorts())]);
  await Promise.all([mailPass(productionMailPorts()), mailPass(productionMailPorts()), mailPass(ports)]);

  const caught = await mailsTo('anna@example.se');
  assert.equal(caught.length, 1, 'one receipt in the mailbox');
  const mail = caught[0]!;
  assert.equal(mail.subject, `Your receipt from Nordvik, order NV-${String(order.number).padStart(6, '0')}`);
  assert.match(mail.from, /shop@nordvik\.test/);
  assert.match(mail.text ?? '', new RegExp(`SEQR reference: ${ersReference}`));
  assert.match(mail.text ?? '', /2 × Stoneware mug/);
  assert.match(mail.html ?? '', new RegExp(ersReference));
  assert.match(mail.text ?? '', new RegExp(`https://shop\\.example/orders/${token}(?!/done)`));

  const rows = await rowsOf(order.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.kind, 'RECEIPT');
  assert.equal(rows[0]!.status, 'SENT');
  assert.equal(rows[0]!.tries, 1);
  assert.equal(mail.messageId, rows[0]!.messageId, 'the Message-ID is the outbox row\'s');
});

test('an order without an e-mail gets no mail; a Swedish checkout gets a Swedish receipt', async () => {
  const silent = await paidOrder(undefined);
  const swedish = await paidOrder('bo@example.se', 'sv', [['wool-throw', 1]]);
  await mailPass(productionMailPorts());
  assert.equal((await rowsOf(silent.order.id)).length, 0);
  const [mail, ...more] = await mailsTo('bo@example.se');
  assert.equal(more.length, 0);
  assert.match(mail!.subject, /^Ditt kvitto från Nordvik, order NV-/);
  assert.match(mail!.text ?? '', new RegExp(`SEQR-referens: ${swedish.ersReference}`));
  assert.match(mail!.text ?? '', /Totalt: /);
});

test('the SMTP server down, then refusing (451): retried with backoff, delivered once, the payment unaffected', async () => {
  await catcher.stop();
  const { order } = await paidOrder('cilla@example.se');
  const ports = productionMailPorts();
  const down = await mailPass(ports);
  assert.equal(down.failed, 1);
  let [row] = await rowsOf(order.id);
  assert.equal(row!.status, 'PENDING');
  assert.equal(row!.tries, 1);
  assert.ok(row!.lastError, 'the error is kept');
  assert.ok(row!.nextTryAt.getTime() > Date.now(), 'the next try waits');
  // Not yet due: nothing is tried again.
  assert.equal((await mailPass(ports)).failed, 0);

  // The payment went through regardless: paid, and SEQR has its receipt.
  const paid = (await findOrderByToken(order.publicToken))!;
  assert.equal(paid.status, 'PAID');
  const attempt = await getDb().paymentAttempt.findUniqueOrThrow({ where: { id: paid.attempts[0]!.id } });
  assert.equal(attempt.receiptStatus, 'SUBMITTED');

  await catcher.restart();
  await catcher.rejectWith(451);
  assert.equal((await mailPass(ports, later(60_000))).failed, 1);
  [row] = await rowsOf(order.id);
  assert.equal(row!.tries, 2);
  assert.match(row!.lastError ?? '', /451/);
  await catcher.rejectWith(null);

  assert.equal((await mailPass(ports, later(120_000))).sent, 1);
  await mailPass(ports, later(240_000));
  assert.equal((await mailsTo('cilla@example.se')).length, 1, 'delivered once');
  [row] = await rowsOf(order.id);
  assert.equal(row!.status, 'SENT');
  assert.equal(row!.tries, 3);
});

test('a message that keeps failing is given up after MAX_TRIES, with its last error kept', async () => {
  await catcher.rejectWith(550);
  const { order } = await paidOrder('dan@example.se');
  const ports = productionMailPorts();
  for (let i = 1; i <= MAX_TRIES + 2; i++) await mailPass(ports, later(i * 3_700_000));
  const [row] = await rowsOf(order.id);
  await catcher.rejectWith(null);
  assert.equal(row!.status, 'FAILED');
  assert.equal(row!.tries, MAX_TRIES);
  assert.match(row!.lastError ?? '', /550/);
  assert.equal((await mailsTo('dan@example.se')).length, 0);
});

test('a refund gives one refund mail saying what was refunded and what remains', async () => {
  const { order } = await paidOrder('eva@example.se'); // 2 mugs
  const ports = productionMailPorts();
  await mailPass(ports);
  const refunded = await payments.refundOrder(order.id, 5000, 'test');
  assert.equal(refunded.ok, true);
  await Promise.all([mailPass(ports), mailPass(productionMailPorts())]);
  await mailPass(ports);
  const mails = await mailsTo('eva@example.se');
  assert.equal(mails.length, 2);
  const refund = mails.find((m) => m.subject.startsWith('Refund from Nordvik'));
  assert.ok(refund, 'a refund mail');
  assert.match(refund.text ?? '', /Refunded now: SEK\s?50\.00/);
  const remaining = (order.paidOre - 5000) / 100;
  assert.match(refund.text ?? '', new RegExp(`Remaining paid amount: SEK\\s?${remaining.toFixed(2)}`));
  const rows = await rowsOf(order.id);
  assert.deepEqual(rows.map((r) => [r.kind, r.status]), [['RECEIPT', 'SENT'], ['REFUND', 'SENT']]);
});

test('the mail loop is kicked when a payment is confirmed: the receipt does not wait for the next interval', async () => {
  const loop = startMailer(600_000); // an interval far longer than this test may take
  try {
    await paidOrder('frida@example.se');
    for (let i = 0; i < 200 && (await mailsTo('frida@example.se')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await mailsTo('frida@example.se')).length, 1);
  } finally {
    loop.stop();
  }
});
