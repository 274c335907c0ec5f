// The period page's reconciliation against the real sandbox and the real database: SEQR's
// transaction details and the shop's payments are listed row by row, the ones that agree and the
// ones that do not, each with the order it belongs to. Also: an order's lines are named in the
// language the shopper checked out in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

await useFreshDatabase('reconciliation-rows');

let sandbox: SandboxProcess;
const { migrate } = await import('../../prisma/migrate');
const { seed } = await import('../../prisma/seed');
const { closeDb, getDb } = await import('../../lib/db');
const { addToCart, rememberCartLocale } = await import('../../lib/cart');
const { listProducts } = await import('../../lib/catalog');
const payments = await import('../../lib/payments');
const periods = await import('../../lib/admin/periods');

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 20, reportDelayS: 1 });
  process.env.SEQR_WSDL_URL = sandbox.wsdlUrl;
  process.env.SEQR_SANDBOX = '1';
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

async function paidOrder(slug: string, locale: 'en' | 'sv' = 'en'): Promise<{ orderId: string; ersReference: string; lineName: string }> {
  const cartId = await addToCart(undefined, { slug, quantity: 1 });
  await rememberCartLocale(cartId, locale);
  const result = await payments.checkoutCart(cartId);
  if (result.kind !== 'started') throw new Error('checkout did not start');
  const order = (await getDb().order.findUnique({ where: { publicToken: result.token }, include: { attempts: true, lines: true } }))!;
  await sandbox.control.pay(order.attempts[0]!.invoiceReference!);
  await payments.finalizeOnReturn(result.token);
  const attempt = (await getDb().paymentAttempt.findFirstOrThrow({ where: { orderId: order.id } }));
  assert.equal(attempt.status, 'PAID');
  return { orderId: order.id, ersReference: attempt.ersReference!, lineName: order.lines[0]!.name };
}

test('the catalog is seeded in both languages and an order takes its names in the checkout language', async () => {
  const sv = await listProducts('sv');
  const en = await listProducts('en');
  assert.equal(sv.length, en.length);
  assert.equal(sv.find((p) => p.slug === 'wool-throw')?.name, 'Ullpläd, grå');
  assert.equal(en.find((p) => p.slug === 'wool-throw')?.name, 'Wool throw, grey');
  assert.deepEqual(sv.filter((p, i) => p.name === en[i]!.name || p.description === en[i]!.description).map((p) => p.slug), [], 'every product has its own Swedish text');
  assert.equal(await getDb().productText.count({ where: { locale: 'sv' } }), en.length);
});

test('the reconciliation lists the matching and the differing transactions, each with its order', async () => {
  const matching = await paidOrder('glass-carafe', 'sv');
  assert.equal(matching.lineName, 'Glaskaraff, 1 l', 'the order line is named in Swedish');
  const differing = await paidOrder('beeswax-candles');
  // The shop's record of the second payment says another amount than SEQR's (as after a manual
  // correction in the database): the reconciliation must show it as a difference, not hide it.
  await getDb().order.update({ where: { id: differing.orderId }, data: { paidOre: 11800 } });

  const closed = await periods.closePeriod('test');
  assert.equal(closed.ok, true);
  const period = (await periods.findPeriod(closed.ok ? closed.periodId : ''))!;
  let reconciliation = await periods.reconcilePeriod(period);
  for (let i = 0; i < 20 && !reconciliation.ok; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    reconciliation = await periods.reconcilePeriod(period);
  }
  assert.ok(reconciliation.ok, 'the report was read');
  if (!reconciliation.ok) return;
  assert.deepEqual(
    reconciliation.matches.map((m) => ({ ersReference: m.ersReference, orderId: m.orderId, seqrOre: m.seqrOre, shopOre: m.shopOre })),
    [{ ersReference: matching.ersReference, orderId: matching.orderId, seqrOre: 25900, shopOre: 25900 }],
  );
  assert.deepEqual(
    reconciliation.differences.map((d) => ({ kind: d.kind, ersReference: d.ersReference, orderId: d.orderId, seqrOre: d.seqrOre, shopOre: d.shopOre })),
    [{ kind: 'amount-mismatch', ersReference: differing.ersReference, orderId: differing.orderId, seqrOre: 11900, shopOre: 11800 }],
  );
  assert.match(reconciliation.matches[0]!.order, /^NV-/);

  // The shop's summary report as the page shows it: money with currency, labelled columns.
  const report = await periods.runReport(period, 'Reconciliation/Shop.xml');
  assert.ok(report.ok);
  if (!report.ok) return;
  const table = periods.reportTable(report.report, 'sv', 'Europe/Stockholm');
  assert.deepEqual(table.columns.map((c) => c.label), ['Transaktioner', 'Summa (SEK)']);
  assert.deepEqual(table.rows.map((row) => row.map((cell) => cell.replace(/[\u00a0\u202f]/g, ' '))), [['2', '378,00 kr']]);
  assert.ok(table.meta.some((m) => m.label === 'SEQR:s period-id' && m.value === period.transactionPeriodId));
});
