import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paymentStatusLine, watchPayment, type WatcherLabels } from '../../app/pay/watch-payment';
import type { PaymentView } from '../../lib/payments';

const labels: WatcherLabels = { paid: 'Paid.', preparing: 'Preparing…', creating: 'Creating…', waiting: 'Waiting…', waitingLeft: 'Waiting… ({seconds} s left)', retrying: 'Retrying…' };
const now = Date.parse('2026-11-25T10:00:00Z');

function view(attempt: Partial<NonNullable<PaymentView['attempt']>> | null, orderStatus: PaymentView['orderStatus'] = 'AWAITING_PAYMENT'): PaymentView {
  return {
    orderStatus,
    totalOre: 18900,
    attempt: attempt && { number: 1, status: 'ISSUED', invoiceReference: '1', invoiceQRCode: 'HTTP://SEQR.SE/R1', appLink: null, walletSimulatorUrl: null, expiresAt: new Date(now + 42_400).toISOString(), message: null, ...attempt },
    canRetry: false,
    doneUrl: '/orders/x/done',
  };
}

test('the pay page says what the payment is waiting for, with the seconds left', () => {
  assert.equal(paymentStatusLine(view({}), labels, now), 'Waiting… (42 s left)');
  assert.equal(paymentStatusLine(view({ expiresAt: new Date(now - 1000).toISOString() }), labels, now), 'Waiting…');
  assert.equal(paymentStatusLine(view({ status: 'CREATED' }), labels, now), 'Creating…');
  assert.equal(paymentStatusLine(view(null), labels, now), 'Preparing…');
  assert.equal(paymentStatusLine(view({ status: 'CANCELED', message: 'The payment was cancelled.' }), labels, now), 'The payment was cancelled.');
  assert.equal(paymentStatusLine(view({ status: 'PAID' }, 'PAID'), labels, now), 'Paid.');
});

test('the inlined script functions are self-contained: they compile from their own source text', () => {
  // The page sends `(watchPayment)(config, paymentStatusLine)` as text; a reference to anything
  // outside the functions would be undefined in the browser.
  const line = new Function(`return (${paymentStatusLine.toString()})`)() as typeof paymentStatusLine;
  assert.equal(line(view({}), labels, now), 'Waiting… (42 s left)');
  assert.doesNotThrow(() => new Function(`return (${watchPayment.toString()})`)());
});
