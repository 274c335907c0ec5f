// The sandbox driven by independent SOAP stacks, the way SEQR's real merchants called it: PHP
// SoapClient (the official PHP plugins), Python suds (the official payment.py) and Python zeep in
// strict mode with every response validated against the WSDL's schema. The scripts live in
// tests/interop/ and print JSON that we assert on here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox';

const run = promisify(execFile);
const INTEROP = path.resolve(import.meta.dirname, '../interop');
const INSTALL = 'Install the interop SOAP stacks with: apt-get install php-cli php-soap python3-zeep python3-suds';
const PYTHON = '/usr/bin/python3';

let sandbox: SandboxProcess;

before(async () => {
  sandbox = await startSandboxProcess({ reportDelayS: 1 });
});
after(() => sandbox?.stop());

async function script(command: string, args: string[]): Promise<Record<string, any>> {
  let stdout: string;
  try {
    ({ stdout } = await run(command, args, { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') assert.fail(`${command} was not found. ${INSTALL}`);
    if (/No module named|Class "SoapClient" not found|SoapClient/.test(e.stderr ?? '')) assert.fail(`${command} cannot load its SOAP library (${(e.stderr ?? '').trim().split('\n').pop()}). ${INSTALL}`);
    throw error;
  }
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, any>;
  assert.equal(result.error, undefined, `the script failed: ${result.error}`);
  assert.equal(result.fault, undefined, `the script got a SOAP fault: ${result.fault}`);
  return result;
}

test('the interop stacks are installed', async () => {
  await script('php', ['-r', 'echo json_encode(array("soap" => class_exists("SoapClient")));']).then((r) => assert.equal(r.soap, true, `PHP has no SoapClient. ${INSTALL}`));
  await script(PYTHON, ['-c', 'import json, zeep, suds; print(json.dumps({"ok": True}))']);
});

test('PHP SoapClient: nested arrays in, ->return out; pay flow, receipt, refunds, cancel outcomes and error codes', async () => {
  const r = await script('php', [path.join(INTEROP, 'php-soapclient.php'), sandbox.wsdlUrl, 'demo-webshop', 'demo-password', sandbox.url]);
  assert.equal(r.sendInvoice.resultCode, 0);
  assert.equal(r.sendInvoice.resultDescription, 'SUCCESS');
  assert.match(r.sendInvoice.invoiceReference, /^\d{13}$/);
  assert.equal(r.sendInvoice.invoiceQRCode, `HTTP://SEQR.SE/R${r.sendInvoice.invoiceReference}`);
  assert.deepEqual(r.statusIssued, { resultCode: 0, status: 'ISSUED', version: 1 });
  assert.equal(r.statusPaid.status, 'PAID');
  assert.equal(r.statusPaid.version, 2);
  assert.match(r.statusPaid.ersReference, /^\d{25}$/);
  assert.equal(r.statusPaid.paymentReference, r.statusPaid.ersReference);
  assert.equal(r.statusPaid.receiptTotal, '349.00');
  assert.equal(r.statusPaid.receiptRows, 2);
  // §1.2 on the wire: qualified wrapper with its own namespace declaration, unqualified <return>.
  assert.match(r.statusResponseXml, /<ns2:getPaymentStatusResponse xmlns:ns2="http:\/\/external\.interfaces\.ers\.seamless\.com\/"><return><ersReference>/);
  assert.equal(r.submitPaymentReceipt.resultCode, 0);
  assert.match(r.submitPaymentReceipt.ersReference, /^\d{25}$/);
  assert.notEqual(r.submitPaymentReceipt.ersReference, r.statusPaid.ersReference);
  assert.equal(r.refund.resultCode, 0);
  assert.match(r.refund.ersReference, /^\d{25}$/);
  assert.deepEqual(r.overRefund, { resultCode: 98, resultDescription: 'SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION' });
  assert.equal(r.unknownRefund, 23);
  assert.equal(r.cancel, 0);
  assert.equal(r.cancelAgain, 95);
  assert.equal(r.cancelPaid, 50);
  assert.equal(r.cancelScanned, 51);
  assert.equal(r.cancelUnknown, 54);
  assert.equal(r.wrongPassword, 20);
  assert.equal(r.unknownTerminal, 29);
  assert.equal(r.wrongCurrency, 49);
  assert.equal(r.badNotificationUrl, 64);
  assert.equal(r.unknownReference, 54);

  // The sandbox stored what PHP sent: the receipt document (base64 on the wire) and the refund.
  const stored = await sandbox.control.invoice(r.sendInvoice.invoiceReference);
  assert.equal(stored.receipts.length, 1);
  assert.equal(stored.receipts[0]?.text, '<h1>PHP shop</h1><p>Thanks</p>');
  assert.deepEqual(stored.refunds.map((x) => x.amount), [{ currency: 'SEK', value: '100.00' }]);
  assert.equal(stored.backURL, 'http://localhost/shop/back?o=1&t=2');
});

test('suds (payment.py style): factory-created types, full pay flow polling while ISSUED', async () => {
  const r = await script(PYTHON, [path.join(INTEROP, 'suds_payment.py'), sandbox.wsdlUrl, 'public_test_shop_terminal', '12345678', sandbox.url]);
  assert.equal(r.sendInvoice.resultCode, 0);
  assert.equal(r.sendInvoice.invoiceQRCode, `HTTP://SEQR.SE/R${r.sendInvoice.invoiceReference}`);
  assert.deepEqual(r.statuses, ['ISSUED', 'PAID']);
  assert.equal(r.paid.status, 'PAID');
  assert.equal(r.paid.paymentReference, r.paid.ersReference);
  assert.equal(r.paid.receiverName, 'Public test shop');
  assert.equal(r.wrongPassword, 20);
  assert.equal(r.customerCanceled, 'CANCELED');
  assert.equal(r.cancelCanceled, 95);
  const stored = await sandbox.control.invoice(r.sendInvoice.invoiceReference);
  assert.equal(stored.confirmed, true);
  assert.deepEqual(stored.totalAmount, { currency: 'SEK', value: '24.00' });
});

test('zeep strict: all 19 operations, every response valid against the WSDL schema', async () => {
  const r = await script(PYTHON, [
    path.join(INTEROP, 'zeep_strict.py'),
    sandbox.wsdlUrl,
    'demo-webshop',
    'demo-password',
    'demo-reseller',
    '9900',
    'demo-reseller-password',
    sandbox.url,
  ]);
  assert.deepEqual(r.invalid, []);
  assert.deepEqual(r.validated, [
    'assignSeqrId', 'benchmarkingNop', 'cancelInvoice', 'changePrincipalPassword', 'commitReservation', 'confirmCustomerRegistration',
    'executeReport', 'getPaymentStatus', 'markTransactionPeriod', 'refundPayment', 'registerTerminal', 'requestPrincipalInformation',
    'requestPurchase', 'requestTopup', 'requestTransfer', 'sendInvoice', 'submitPaymentReceipt', 'unregisterTerminal', 'updateInvoice',
  ]);
  assert.equal(r.benchmarkingNop, 0);
  assert.deepEqual(r.wallet, {
    changePrincipalPassword: 91, confirmCustomerRegistration: 91, requestPrincipalInformation: 91,
    requestPurchase: 91, requestTopup: 91, requestTransfer: 91,
  });
  assert.equal(r.sendInvoice.resultCode, 0);
  assert.deepEqual(r.getPaymentStatus, { resultCode: 0, status: 'ISSUED', version: 1 });
  assert.deepEqual(r.updateInvoice, { resultCode: 0, versionAfter: 2, statusAfter: 'ISSUED' });
  assert.equal(r.paid.status, 'PAID');
  assert.equal(r.paid.total, '150.00');
  assert.equal(r.updatePaid, 48);
  assert.equal(r.updateUnknown, 54);
  assert.equal(r.submitPaymentReceipt.resultCode, 0);
  assert.equal(r.refundPayment.resultCode, 0);
  assert.equal(r.refundReceipt, 0, 'a receipt for a refund reference is accepted');
  assert.equal(r.receiptUnknown, 23);
  assert.equal(r.cancelInvoice, 0);
  assert.equal(r.commitNotReserved, 96);
  assert.equal(r.reservedStatus, 'RESERVED');
  assert.equal(r.commitReservation, 0);
  assert.deepEqual(r.committed, { status: 'PAID', total: '420.00' });
  assert.equal(r.registerTerminal.resultCode, 0);
  assert.match(r.registerTerminal.terminalId, /^[0-9a-f]{32}$/);
  assert.equal(r.assignSeqrId, 0);
  assert.equal(r.assignSeqrIdBad, 53);
  assert.equal(r.assignSeqrIdTaken, 53);
  assert.equal(r.cashRegisterPrevious, 'CANCELED', 'a new invoice on a cash register cancels the previous one');
  assert.equal(r.unregisterTerminal, 0);
  assert.equal(r.afterUnregister, 33);
  assert.equal(r.markTransactionPeriod.resultCode, 0);
  const period = r.markTransactionPeriod.transactionPeriodId as string;
  assert.match(period, /^\d{25}$/);
  assert.deepEqual(r.reportNotReady, { resultCode: 2, resultDescription: 'REPORT_NOT_READY' });
  assert.equal(r.executeReport.resultCode, 0);
  assert.equal(r.executeReport.title, `STD_RECON_007_${period}.xml`);
  assert.equal(r.executeReport.mimeType, 'text/html');
  assert.equal(r.executeReport.contentMatches, true);
  const details = r.executeReport.contentString as string;
  assert.match(details, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<TransactionDetails><Meta><ResellerId>demo-reseller<\/ResellerId><TerminalId>demo-webshop<\/TerminalId>/);
  assert.match(details, new RegExp(`<TransactionPeriodId>${period}</TransactionPeriodId><GeneratedAt>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d</GeneratedAt>`));
  assert.match(details, new RegExp(`<SalesAmount>150\\.00000</SalesAmount><ErsReference>${r.paid.ersReference}</ErsReference>`));
  assert.match(details, new RegExp(`<SalesAmount>-150\\.00000</SalesAmount><ErsReference>${r.refundPayment.ersReference}</ErsReference>`), 'refunds are negative rows');
  assert.match(details, /<SalesAmount>420\.00000<\/SalesAmount>/);
  assert.match(r.shopReport, /<ResellerTransactionSummary><Meta>.*<\/Meta>\n<Row><SalesCount>\d+<\/SalesCount><SalesTotal>\d+\.\d{5}<\/SalesTotal><\/Row>\n<\/ResellerTransactionSummary>$/s);
  assert.equal(r.unknownReport, 10);
  assert.equal(r.markWithTerminalCredentials, 0, 'TERMINALID credentials are accepted for markTransactionPeriod');
  assert.equal(r.resellerWrongUser, 37);
});
