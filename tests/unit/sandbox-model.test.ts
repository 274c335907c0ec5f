// The sandbox's pure state machine with an injected clock: timers, strict mode, cash registers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyState, seedState, SandboxModel, type InvoiceBody, type ModelSettings } from '../../sandbox/model';

const cred = { id: 'demo-webshop', type: 'TERMINALID', password: 'demo-password' };
const body = (over: Partial<InvoiceBody> = {}): InvoiceBody => ({
  acknowledgmentMode: 'NO_ACKNOWLEDGMENT',
  title: 'T',
  invoiceRows: [{ itemDescription: 'A', itemQuantity: '1', itemTotalAmount: { currency: 'SEK', value: '10.00' } }],
  totalAmount: { currency: 'SEK', value: '10' },
  ...over,
});

function model(settings: Partial<ModelSettings> = {}) {
  let now = 1_700_000_000_000;
  const state = emptyState();
  seedState(state, [{ id: 'till', password: 'till-pass', currency: 'SEK', kind: 'cashregister', name: 'Till', resellerId: 'demo-reseller' }]);
  const m = new SandboxModel(state, { confirmWindowS: 20, invoiceTtlS: 600, reportDelayS: 3, apiMode: '2.10', strict: false, ...settings }, () => now);
  return { m, advance: (ms: number) => (now += ms) };
}

test('references have the shapes of §1.6 and amounts are normalised', () => {
  const { m } = model();
  const { invoice } = m.sendInvoice(cred, body());
  assert.match(invoice?.invoiceReference ?? '', /^\d{13}$/);
  assert.deepEqual(invoice?.body.totalAmount, { currency: 'SEK', value: '10.00' });
  m.customer(invoice!.invoiceReference, 'pay');
  assert.match(invoice?.ersReference ?? '', /^20231114\d{17}$/);
  assert.match(invoice?.payerTerminalId ?? '', /^[0-9a-f]{25}$/);
});

test('the confirmation window and the TTL are deadlines that tick() applies', () => {
  const { m, advance } = model();
  const paid = m.sendInvoice(cred, body()).invoice!;
  const open = m.sendInvoice(cred, body()).invoice!;
  m.customer(paid.invoiceReference, 'pay');
  assert.equal(m.nextDeadline(), paid.paidAt! + 20_000);
  advance(19_999);
  m.tick();
  assert.equal(paid.status, 'PAID');
  advance(1);
  m.tick();
  assert.deepEqual([paid.status, paid.reversed, paid.version], ['CANCELED', true, 3]);
  assert.match(m.logbook.join('\n'), /SMS to customer/);
  advance(600_000);
  m.tick();
  assert.equal(open.status, 'EXPIRED');
  assert.equal(m.nextDeadline(), undefined);
});

test('strict mode wants the documented fields and rows that add up to the total', () => {
  const { m } = model({ strict: true });
  assert.equal(m.sendInvoice(cred, body()).code, 49, 'paymentMode, issueDate, clientInvoiceId missing');
  const full = body({ paymentMode: 'IMMEDIATE_DEBIT', issueDate: '2024-01-01T10:00:00+01:00', clientInvoiceId: '1' });
  assert.equal(m.sendInvoice(cred, full).code, 0);
  assert.equal(m.sendInvoice(cred, { ...full, totalAmount: { currency: 'SEK', value: '11.00' } }).code, 49);
  assert.equal(model().m.sendInvoice(cred, { ...full, totalAmount: { currency: 'SEK', value: '11.00' } }).code, 0, 'lenient by default');
});

test('a cash-register terminal keeps one open invoice; auth codes 20/29/33', () => {
  const { m } = model();
  const till = { id: 'till', password: 'till-pass' };
  const first = m.sendInvoice(till, body()).invoice!;
  m.sendInvoice(till, body());
  assert.equal(first.status, 'CANCELED');
  assert.equal(m.sendInvoice({ ...till, password: 'x' }, body()).code, 20);
  assert.equal(m.sendInvoice({ id: 'nope', password: 'x' }, body()).code, 29);
  assert.equal(m.sendInvoice(undefined, body()).code, 29);
  assert.equal(m.unregisterTerminal(till).code, 0);
  assert.equal(m.sendInvoice(till, body()).code, 33);
});

test('RESELLERUSER as "resellerId/userId" or with a separate userId; the wallet operations answer after authentication', () => {
  const { m } = model();
  const reseller = (id: string, userId?: string, password = '1234') => ({ id, type: 'RESELLERUSER', userId, password });
  assert.equal(m.authReseller(reseller('public_test_shop/9900')).reseller?.id, 'public_test_shop');
  assert.equal(m.authReseller(reseller('public_test_shop', '9900')).reseller?.id, 'public_test_shop');
  assert.equal(m.authReseller(reseller('public_test_shop/9900', '9900')).code, 0);
  assert.equal(m.authReseller(reseller('public_test_shop/9900', '1')).code, 37);
  assert.equal(m.authReseller(reseller('public_test_shop/1')).code, 37);
  assert.equal(m.authReseller(reseller('public_test_shop')).code, 37);
  assert.equal(m.authReseller(reseller('public_test_shop/9900', undefined, 'x')).code, 20);
  assert.equal(m.authReseller({ id: 'public_test_shop/9900', type: 'TERMINALID', password: '1234' }).code, 29);
  assert.equal(m.markTransactionPeriod(reseller('public_test_shop/9900'), {}).period?.resellerId, 'public_test_shop');

  assert.equal(m.walletOperation(cred).code, 91);
  assert.equal(m.walletOperation(reseller('public_test_shop/9900')).code, 91);
  assert.equal(m.walletOperation({ ...cred, password: 'x' }).code, 20);
  assert.equal(m.walletOperation(undefined).code, 29);
});

test('reports: not ready during the delay, terminal reports need TERMINALID at marking', () => {
  const { m, advance } = model();
  const reseller = { id: 'demo-reseller', type: 'RESELLERUSER', userId: '9900', password: 'demo-reseller-password' };
  const inv = m.sendInvoice(cred, body()).invoice!;
  m.customer(inv.invoiceReference, 'pay');
  m.getPaymentStatus(cred, inv.invoiceReference);
  advance(1000);
  const { period } = m.markTransactionPeriod(reseller, {});
  const params = { transactionPeriodId: period!.transactionPeriodId };
  assert.equal(m.executeReport(reseller, 'Reconciliation/Shop.xml', params).code, 2);
  advance(3000);
  const shop = m.executeReport(reseller, 'Reconciliation/Shop.xml', params);
  assert.match(shop.report?.contentString ?? '', /<SalesCount>1<\/SalesCount><SalesTotal>10\.00000<\/SalesTotal>/);
  assert.equal(m.executeReport(reseller, 'Reconciliation/STD_RECON_006.xml', params).code, 2);
  assert.equal(m.executeReport(reseller, 'Reconciliation/Unknown.xml', params).code, 10);
});
