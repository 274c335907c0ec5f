// The shop's SEQR client against the real sandbox, over HTTP: every operation, the result codes
// that matter to a shop, transport failures, the 20-second rule, and the certification replay.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createSeqrClient, SeqrInputError, SeqrResultError, SeqrTransportError, type SeqrCallRecord, type SeqrClient } from '../../lib/seqr';
import { runCertification } from '../../lib/seqr/certification';
import { startSandboxProcess } from '../helpers/sandbox';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const root = path.resolve(import.meta.dirname, '../..');

let sandbox: Sandbox;
const calls: SeqrCallRecord[] = [];

function clientFor(overrides: Partial<Parameters<typeof createSeqrClient>[0]> = {}): SeqrClient {
  return createSeqrClient({
    endpointUrl: sandbox.endpointUrl,
    terminal: { id: 'demo-webshop', password: 'demo-password' },
    reseller: { id: 'demo-reseller', userId: '9900', password: 'demo-reseller-password' },
    clientId: 'Nordvik',
    timeoutMs: 5000,
    retryDelayMs: 50,
    log: (record) => calls.push(record),
    ...overrides,
  });
}

/** The sandbox's control API; answers any JSON (the tests assert on its fields). */
const control = (method: string, pathname: string, body?: unknown) => sandbox.control.call<any>(method, pathname, body);
const customer = (ref: string, action: 'scan' | 'pay' | 'cancel' | 'fail') => control('POST', `/sandbox/invoices/${ref}/${action}`);

const invoice = (overrides: Record<string, unknown> = {}) => ({
  title: 'Nordvik',
  clientInvoiceId: `T-${Math.random().toString(36).slice(2, 10)}`,
  issueDate: new Date(),
  totalOre: 65700,
  rows: [
    { description: 'Stoneware mug, moss', quantity: 2, unitPriceOre: 18900, totalOre: 37800, taxRateBp: 2500, sku: 'NV-1001' },
    { description: 'The Fika Cookbook', quantity: 1, unitPriceOre: 27900, totalOre: 27900, taxRateBp: 600, sku: 'NV-2001' },
  ],
  backUrl: 'http://localhost:3000/orders/abc/done',
  ...overrides,
});

before(async () => {
  sandbox = await startSandboxProcess({ confirmWindowS: 3, reportDelayS: 1 });
});
after(() => sandbox?.stop());

describe('payments', () => {
  test('send, read ISSUED, the customer pays, read PAID with the receipt, submit a receipt, refund in parts', async () => {
    const client = clientFor();
    const sent = await client.sendInvoice(invoice());
    assert.match(sent.invoiceReference, /^\d{13,17}$/);
    assert.equal(sent.invoiceQRCode, `HTTP://SEQR.SE/R${sent.invoiceReference}`);

    const issued = await client.getPaymentStatus(sent.invoiceReference);
    assert.equal(issued.status, 'ISSUED');
    assert.equal(issued.ersReference, undefined);

    const stored = await control('GET', `/sandbox/invoices/${sent.invoiceReference}`);
    assert.deepEqual(stored.totalAmount, { currency: 'SEK', value: '657.00' });
    assert.equal(stored.backURL, 'http://localhost:3000/orders/abc/done');

    await customer(sent.invoiceReference, 'pay');
    const paid = await client.getPaymentStatus(sent.invoiceReference, issued.version);
    assert.equal(paid.status, 'PAID');
    assert.ok(paid.version > issued.version);
    assert.match(paid.ersReference ?? '', /^\d{25}$/);
    assert.equal(paid.receipt?.paymentReference, paid.ersReference);
    assert.equal(paid.receipt?.invoiceReference, sent.invoiceReference);
    assert.ok(paid.receipt?.paymentDate instanceof Date);
    assert.equal(paid.receipt?.invoice?.totalAmount?.ore, 65700);
    assert.equal((await control('GET', `/sandbox/invoices/${sent.invoiceReference}`)).confirmed, true);

    const receipt = await client.submitPaymentReceipt(paid.ersReference!, { mimeType: 'text/html', data: '<h1>Nordvik</h1><p>Thank you, åäö</p>' });
    assert.match(receipt.ersReference ?? '', /^\d{25}$/);
    const withReceipt = await control('GET', `/sandbox/invoices/${sent.invoiceReference}`);
    assert.equal(withReceipt.receipts.length, 1);
    assert.match(JSON.stringify(withReceipt.receipts[0]), /text\/html/);

    const r1 = await client.refundPayment(paid.ersReference!, { title: 'Refund', totalOre: 27900, cashierId: 'admin' });
    const r2 = await client.refundPayment(paid.ersReference!, { title: 'Refund', totalOre: 37800 });
    assert.notEqual(r1.ersReference, r2.ersReference);
    await assert.rejects(client.refundPayment(paid.ersReference!, { title: 'Refund', totalOre: 1 }), (error: unknown) => {
      assert.ok(error instanceof SeqrResultError);
      assert.equal(error.code, 98);
      assert.equal(error.resultName, 'SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION');
      return true;
    });
    await assert.rejects(client.refundPayment('2016031114302512301000042', { title: 'Refund', totalOre: 100 }), { code: 23 });
    assert.equal((await control('GET', `/sandbox/invoices/${sent.invoiceReference}`)).refunds.length, 2);
  });

  test('cancelInvoice outcomes: 0, then 95; 50 when paid; 51 while the customer pays; 54 when unknown', async () => {
    const client = clientFor();
    const open = await client.sendInvoice(invoice());
    await client.cancelInvoice(open.invoiceReference);
    assert.equal((await client.getPaymentStatus(open.invoiceReference)).status, 'CANCELED');
    await assert.rejects(client.cancelInvoice(open.invoiceReference), { code: 95, resultName: 'INVOICE_ALREADY_CANCELED' });

    const paid = await client.sendInvoice(invoice());
    await customer(paid.invoiceReference, 'pay');
    await assert.rejects(client.cancelInvoice(paid.invoiceReference), { code: 50 });
    assert.equal((await client.getPaymentStatus(paid.invoiceReference)).status, 'PAID');

    const scanning = await client.sendInvoice(invoice());
    await customer(scanning.invoiceReference, 'scan');
    await assert.rejects(client.cancelInvoice(scanning.invoiceReference), { code: 51 });

    await assert.rejects(client.cancelInvoice('1111111111111'), { code: 54 });
    await assert.rejects(client.getPaymentStatus('1111111111111'), { code: 54 });
  });

  test('the customer cancels or fails in the app: the status says so and nothing is paid', async () => {
    const client = clientFor();
    const canceled = await client.sendInvoice(invoice());
    await customer(canceled.invoiceReference, 'cancel');
    assert.equal((await client.getPaymentStatus(canceled.invoiceReference)).status, 'CANCELED');
    const failed = await client.sendInvoice(invoice());
    await customer(failed.invoiceReference, 'fail');
    const status = await client.getPaymentStatus(failed.invoiceReference);
    assert.equal(status.status, 'FAILED');
    assert.equal(status.ersReference, undefined);
  });

  test('updateInvoice replaces an open invoice and bumps its version; a paid one answers 48', async () => {
    const client = clientFor();
    const sent = await client.sendInvoice(invoice());
    const before = await client.getPaymentStatus(sent.invoiceReference);
    await client.updateInvoice(sent.invoiceReference, invoice({ totalOre: 37800, rows: [{ description: 'Stoneware mug, moss', quantity: 2, totalOre: 37800 }] }));
    const after = await client.getPaymentStatus(sent.invoiceReference, before.version);
    assert.equal(after.status, 'ISSUED');
    assert.ok(after.version > before.version);
    assert.deepEqual((await control('GET', `/sandbox/invoices/${sent.invoiceReference}`)).totalAmount, { currency: 'SEK', value: '378.00' });
    await customer(sent.invoiceReference, 'pay');
    await client.getPaymentStatus(sent.invoiceReference);
    await assert.rejects(client.updateInvoice(sent.invoiceReference, invoice()), { code: 48 });
  });

  test('reservations: RESERVED after paying, commitReservation makes it PAID; 96 when not reserved', async () => {
    const client = clientFor();
    const sent = await client.sendInvoice(invoice({ paymentMode: 'RESERVATION_REQUIRED', commitReservationTimeoutS: 600 }));
    await customer(sent.invoiceReference, 'pay');
    assert.equal((await client.getPaymentStatus(sent.invoiceReference)).status, 'RESERVED');
    await client.commitReservation(sent.invoiceReference, 60000);
    assert.equal((await client.getPaymentStatus(sent.invoiceReference)).status, 'PAID');
    await assert.rejects(client.commitReservation(sent.invoiceReference), { code: 96 });
  });
});

describe('bad requests and credentials', () => {
  test('wrong password 20, unknown terminal 29, wrong currency 49', async () => {
    await assert.rejects(clientFor({ terminal: { id: 'demo-webshop', password: 'wrong' } }).sendInvoice(invoice()), (error: unknown) => {
      assert.ok(error instanceof SeqrResultError);
      assert.equal(error.code, 20);
      assert.equal(error.configuration, true);
      return true;
    });
    await assert.rejects(clientFor({ terminal: { id: 'no-such-terminal', password: 'x' } }).getPaymentStatus('1'), { code: 29 });
    await assert.rejects(clientFor().sendInvoice(invoice({ currency: 'EUR' })), { code: 49, resultName: 'INVALID_INVOICE_DATA' });
  });

  test('input the client can judge itself never reaches SEQR', async () => {
    const client = clientFor();
    const before = calls.length;
    for (const bad of [{ totalOre: 0 }, { totalOre: 12.5 }, { notificationUrl: 'ftp://shop/notify' }, { backUrl: '/relative' }, { title: '' }]) {
      await assert.rejects(client.sendInvoice(invoice(bad)), SeqrInputError, JSON.stringify(bad));
    }
    await assert.rejects(client.getPaymentStatus('  '), SeqrInputError);
    assert.equal(calls.length, before);
  });
});

describe('terminals and day close', () => {
  test('registerTerminal, assignSeqrId and unregisterTerminal for a POS terminal', async () => {
    const reseller = clientFor();
    const password = 'Qx7pL2mVw9sKd3a';
    const { terminalId } = await reseller.registerTerminal({ externalTerminalId: `Store 7/Till ${Date.now()}`, password, name: 'Nordvik till' });
    assert.match(terminalId, /^[0-9a-f]{32}$/);
    const till = clientFor({ terminal: { id: terminalId, password } });
    await till.assignSeqrId(`nordvik${Date.now()}`);
    await assert.rejects(till.assignSeqrId('not alphanumeric!'), { code: 53 });
    await till.unregisterTerminal();
    await assert.rejects(till.sendInvoice(invoice()), (error: unknown) => error instanceof SeqrResultError && [29, 33].includes(error.code));
  });

  test('markTransactionPeriod, then the report: not ready at first, then the paid sales', async () => {
    const client = clientFor();
    const sale = await client.sendInvoice(invoice({ totalOre: 18900, rows: [{ description: 'Mug', quantity: 1, totalOre: 18900 }] }));
    await customer(sale.invoiceReference, 'pay');
    await client.getPaymentStatus(sale.invoiceReference);
    const { transactionPeriodId } = await client.markTransactionPeriod();
    assert.match(transactionPeriodId, /^\d{25}$/);
    await assert.rejects(client.executeReport({ reportId: 'Reconciliation/Shop.xml', language: 'en', transactionPeriodId }), { code: 2, resultName: 'REPORT_NOT_READY' });
    const report = await client.executeReportWhenReady({ reportId: 'Reconciliation/STD_RECON_003.xml', language: 'en', transactionPeriodId }, { intervalMs: 300, maxWaitMs: 10_000 });
    assert.match(report.contentString, /<TransactionDetails>/);
    assert.match(report.contentString, new RegExp(`<TransactionPeriodId>${transactionPeriodId}</TransactionPeriodId>`));
    assert.equal(report.content.toString('utf8'), report.contentString);
  });

  test('a reseller principal in the resellerId/userId form, as SEQR\'s cash-register sample logs in, closes a period', async () => {
    const client = clientFor({ terminal: { id: 'public_test_shop_terminal', password: '12345678' }, reseller: { id: 'public_test_shop/9900', password: '1234' } });
    const { transactionPeriodId } = await client.markTransactionPeriod();
    assert.match(transactionPeriodId, /^\d{25}$/);
    await assert.rejects(clientFor({ reseller: { id: 'public_test_shop/9901', password: '1234' } }).markTransactionPeriod(), { code: 37 });
  });

  test("markTransactionPeriod's period is read from ersReference too, as SEQR's reporting guide returns it", async () => {
    // Between the client and the sandbox: the answer's <transactionPeriodId> moved into <ersReference>.
    const rewriting = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(sandbox.endpointUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: Buffer.concat(chunks) });
      const text = (await upstream.text()).replace(
        /<return><resultCode>0<\/resultCode><resultDescription>SUCCESS<\/resultDescription><transactionPeriodId>(\d+)<\/transactionPeriodId><\/return>/,
        '<return><ersReference>$1</ersReference><resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription></return>',
      );
      res.writeHead(upstream.status, { 'content-type': 'text/xml; charset=utf-8' }).end(text);
    });
    await new Promise<void>((resolve) => rewriting.listen(0, '127.0.0.1', resolve));
    try {
      const client = clientFor({ endpointUrl: `http://127.0.0.1:${(rewriting.address() as AddressInfo).port}/soap/merchant/cashregister-2` });
      const { transactionPeriodId } = await client.markTransactionPeriod();
      assert.match(transactionPeriodId, /^\d{25}$/);
      const report = await clientFor().executeReportWhenReady({ reportId: 'Reconciliation/Shop.xml', language: 'en', transactionPeriodId }, { intervalMs: 300, maxWaitMs: 10_000 });
      assert.match(report.contentString, new RegExp(`<TransactionPeriodId>${transactionPeriodId}</TransactionPeriodId>`));
    } finally {
      await new Promise<void>((resolve) => rewriting.close(() => resolve()));
    }
  });
});

describe('transport failures and retries', () => {
  after(() => control('DELETE', '/sandbox/faults'));

  test('SEQR down, slow, garbage: distinct transport errors; sendInvoice is tried once, reads are retried', async () => {
    const client = clientFor({ timeoutMs: 800, readRetries: 2 });
    const sent = await client.sendInvoice(invoice());

    await control('POST', '/sandbox/faults', { garbage: true });
    await assert.rejects(client.getPaymentStatus(sent.invoiceReference), (error: unknown) => error instanceof SeqrTransportError && error.failure === 'unparsable');
    await control('DELETE', '/sandbox/faults');

    await control('POST', '/sandbox/faults', { slowMs: 2000 });
    let attempts = 0;
    const started = performance.now();
    await assert.rejects(
      client.getPaymentStatus(sent.invoiceReference, 0, { onCall: () => attempts++ }),
      (error: unknown) => error instanceof SeqrTransportError && error.failure === 'timeout',
    );
    // timeoutMs is the budget of the whole call: a timed-out attempt spends it, so no retry follows.
    assert.equal(attempts, 1, 'a timed-out read is not retried past its budget');
    assert.ok(performance.now() - started < 800 + 2000);
    attempts = 0;
    await assert.rejects(client.sendInvoice(invoice(), { onCall: () => attempts++ }), { failure: 'timeout' });
    assert.equal(attempts, 1, 'sendInvoice is never retried blindly');
    await control('DELETE', '/sandbox/faults');

    await control('POST', '/sandbox/faults', { down: true });
    await assert.rejects(client.getPaymentStatus(sent.invoiceReference), (error: unknown) => error instanceof SeqrTransportError);
    await control('DELETE', '/sandbox/faults');

    await control('POST', '/sandbox/faults', { resultCode: 94, operation: 'getPaymentStatus' });
    attempts = 0;
    await assert.rejects(client.getPaymentStatus(sent.invoiceReference, 0, { onCall: () => attempts++ }), { code: 94, retryable: true });
    assert.equal(attempts, 3);
    // Only that operation is affected.
    await client.cancelInvoice(sent.invoiceReference);
    await control('DELETE', '/sandbox/faults');
  });

  test('a refused connection is a transport error, not a result code', async () => {
    const client = createSeqrClient({ endpointUrl: 'http://127.0.0.1:9/soap/merchant/cashregister-2', terminal: { id: 'x', password: 'y' }, clientId: 'Nordvik', timeoutMs: 1000, readRetries: 0, log: () => {} });
    await assert.rejects(client.getPaymentStatus('1'), { failure: 'refused' });
  });

  test('every call is logged with operation, result code and duration, and never the password', async () => {
    const logged = calls.filter((c) => c.resultCode !== undefined);
    assert.ok(logged.length > 10);
    for (const record of calls) {
      assert.ok(record.operation && record.durationMs >= 0 && record.clientReference.length <= 32);
      assert.doesNotMatch(JSON.stringify(record), /demo-password|demo-reseller-password/);
    }
    assert.equal(new Set(calls.map((c) => c.clientReference)).size, calls.length, 'clientReference is unique per request');
  });
});

describe('the 20-second rule (3 s in this sandbox)', () => {
  test('a payment nobody confirms is reversed; a confirmed one stays paid', async () => {
    const client = clientFor();
    const unconfirmed = await client.sendInvoice(invoice());
    const confirmed = await client.sendInvoice(invoice());
    await customer(unconfirmed.invoiceReference, 'pay');
    await customer(confirmed.invoiceReference, 'pay');
    assert.equal((await client.getPaymentStatus(confirmed.invoiceReference)).status, 'PAID');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const reversed = await control('GET', `/sandbox/invoices/${unconfirmed.invoiceReference}`);
    assert.equal(reversed.status, 'CANCELED');
    assert.equal(reversed.reversed, true);
    assert.equal((await client.getPaymentStatus(unconfirmed.invoiceReference)).status, 'CANCELED');
    const kept = await control('GET', `/sandbox/invoices/${confirmed.invoiceReference}`);
    assert.equal(kept.status, 'PAID');
    assert.equal(kept.reversed, false);
  });
});

describe('certification (PROTOCOL.md §7)', () => {
  test('the six webshop steps pass through our client against the sandbox', async () => {
    const steps = await runCertification({
      client: clientFor(),
      customer: { pay: async (ref) => void (await customer(ref, 'pay')) },
      idleMs: 1000,
      payTimeoutMs: 10_000,
    });
    assert.deepEqual(steps.map((s) => [s.step.slice(0, 2), s.ok, s.ok ? '' : s.detail]), [
      ['1.', true, ''], ['2.', true, ''], ['3.', true, ''], ['4.', true, ''], ['5.', true, ''], ['6.', true, ''],
    ]);
  });

  test('npm run seqr:certify prints one ✔ line per step and exits 0', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'seqr:certify', '--', '--idle-seconds=1'], {
      cwd: root,
      env: { ...process.env, SEQR_SANDBOX_PORT: String(sandbox.port), SEQR_WSDL_URL: sandbox.wsdlUrl, SEQR_SANDBOX: '1', SEQR_TERMINAL_ID: '', SEQR_TERMINAL_PASSWORD: '' },
    });
    const lines = stdout.split('\n').filter((line) => /^[✔✘]/.test(line));
    assert.equal(lines.length, 6, stdout);
    assert.ok(lines.every((line) => line.startsWith('✔')), stdout);
    assert.match(stdout, /\[seqr\] sendInvoice → 0 SUCCESS in \d+ ms/);
    assert.doesNotMatch(stdout, /demo-password/);
  });
});
