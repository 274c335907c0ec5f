import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appLink,
  describeResultCode,
  isFinalStatus,
  isSeqrError,
  isSeqrResultError,
  isSeqrTransportError,
  RESULT_CODES,
  SeqrResultError,
  SeqrTransportError,
} from '../../lib/seqr';

test('appLink replaces only the scheme, case-insensitively', () => {
  assert.equal(appLink('HTTP://SEQR.SE/R1700000123456', 'seqr-demo'), 'seqr-demo://SEQR.SE/R1700000123456');
  assert.equal(appLink('HTTP://SEQR.SE/R1700000123456', 'seqr'), 'seqr://SEQR.SE/R1700000123456');
  assert.equal(appLink('http://seqr.se/R1397222701693', 'seqr'), 'seqr://seqr.se/R1397222701693');
  assert.equal(appLink('Http://SEQR.SE/Rhttp:1', 'seqr'), 'seqr://SEQR.SE/Rhttp:1');
  assert.equal(appLink('HTTPS://SEQR.SE/R1', 'seqr'), 'seqr://SEQR.SE/R1');
  assert.equal(appLink('https://seqr.se/R1', 'seqr-demo'), 'seqr-demo://seqr.se/R1');
  // Whatever else SEQR might send is no link (the page shows the QR without one), never a throw.
  for (const odd of ['SEQR.SE/R1', '', 'javascript:alert(1)', 'ftp://SEQR.SE/R1', 'HTTP://', 'HTTP://SEQR.SE/R 1', 'http://x/"><script>', `HTTP://SEQR.SE/R${'1'.repeat(10_000)}`]) {
    assert.equal(appLink(odd, 'seqr'), null, odd.slice(0, 40));
  }
});

test('every result code of PROTOCOL.md §5 has its constant name and a sentence', () => {
  const expected: Record<number, string> = {
    0: 'SUCCESS', 2: 'REPORT_NOT_READY', 20: 'AUTHENTICATION_FAILED', 21: 'ACCESS_DENIED', 23: 'INVALID_ERS_REFERENCE',
    29: 'INVALID_INITIATOR_PRINCIPAL_ID', 37: 'INITIATOR_PRINCIPAL_NOT_FOUND', 48: 'PAYMENT_IN_PROGRESS', 49: 'INVALID_INVOICE_DATA',
    50: 'CANNOT_CANCEL_PAID_INVOICE', 51: 'CANNOT_CANCEL_INVOICE_IN_PROGRESS', 54: 'INVALID_INVOICE_REFERENCE', 58: 'PAYMENT_EXPIRED',
    64: 'INVALID_NOTIFICATION_URL', 90: 'SYSTEM_ERROR', 91: 'UNSUPPORTED_OPERATION', 93: 'SYSTEM_BUSY', 94: 'SERVICE_UNAVAILABLE',
    95: 'INVOICE_ALREADY_CANCELED', 96: 'INVOICE_STATE_NOT_RESERVED', 97: 'RESELLER_NOT_ALLOWED_TO_DO_REFUND',
    98: 'SUM_OF_REFUNDS_CAN_NOT_BE_MORE_THAN_ORIGINAL_TRANSACTION', 99: 'RECEIVER_ACCOUNT_DOES_NOT_ALLOW_REFUNDS',
  };
  for (const [code, name] of Object.entries(expected)) assert.equal(RESULT_CODES[Number(code)]?.name, name);
  for (const info of Object.values(RESULT_CODES)) assert.match(info.sentence, /^[A-Z].*\.$/);
  assert.equal(describeResultCode(77).name, 'UNKNOWN_RESULT_CODE_77');
});

test('result errors carry the code, the name and a sentence; retryable and configuration codes are marked', () => {
  const busy = new SeqrResultError('getPaymentStatus', 94);
  assert.equal(busy.code, 94);
  assert.equal(busy.resultName, 'SERVICE_UNAVAILABLE');
  assert.equal(busy.retryable, true);
  assert.match(busy.message, /getPaymentStatus failed with 94 SERVICE_UNAVAILABLE: A service SEQR depends on/);
  const auth = new SeqrResultError('sendInvoice', 20);
  assert.equal(auth.configuration, true);
  assert.equal(auth.retryable, false);
  const transport = new SeqrTransportError('sendInvoice', 'timeout', '');
  assert.ok(!(transport instanceof SeqrResultError));
  assert.equal(transport.sentence, 'SEQR did not answer in time.');
});

test('only PAID, CANCELED, FAILED and EXPIRED are final; unknown statuses are not', () => {
  for (const status of ['PAID', 'CANCELED', 'FAILED', 'EXPIRED']) assert.equal(isFinalStatus(status), true, status);
  for (const status of ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PARTIALLY_PAID', '0']) assert.equal(isFinalStatus(status), false, status);
});

test('errors made by a second copy of lib/seqr/errors (as in Next bundles) are recognised by the brand guards, not by instanceof', async () => {
  // A query string makes the loader evaluate the module again: its own classes, as in another bundle.
  const specifier = new URL('../../lib/seqr/errors.ts?copy=2', import.meta.url).href;
  const copy = (await import(specifier)) as typeof import('../../lib/seqr/errors');
  assert.notEqual(copy.SeqrResultError, SeqrResultError, 'a real second copy');

  const refused = new copy.SeqrResultError('cancelInvoice', 50);
  const timedOut = new copy.SeqrTransportError('getPaymentStatus', 'timeout', '');
  assert.equal(refused instanceof SeqrResultError, false, 'instanceof fails across copies');
  assert.equal(timedOut instanceof SeqrTransportError, false, 'instanceof fails across copies');

  assert.equal(isSeqrResultError(refused), true);
  assert.equal(isSeqrTransportError(refused), false);
  assert.equal(isSeqrTransportError(timedOut), true);
  assert.equal(isSeqrResultError(timedOut), false);
  assert.ok(isSeqrError(refused) && isSeqrError(timedOut));
  assert.equal(isSeqrResultError(refused) && refused.code, 50);
  // And the other way round: this copy's errors are recognised by the second copy's guards.
  assert.equal(copy.isSeqrResultError(new SeqrResultError('sendInvoice', 94)), true);

  // Lookalikes without the brand are not SEQR errors.
  const lookalike = Object.assign(new Error('SEQR'), { name: 'SeqrResultError', code: 50 });
  for (const value of [lookalike, null, undefined, 'SeqrResultError', { code: 50 }]) assert.equal(isSeqrError(value), false);
});
