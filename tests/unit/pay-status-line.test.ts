import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimeLeft, paymentStatusLine, secondsLeft, watchPayment, type WatcherLabels } from '../../app/pay/watch-payment';
import type { PaymentView } from '../../lib/payments';

const labels: WatcherLabels = { paid: 'Paid.', preparing: 'Preparing…', creating: 'Creating…', waiting: 'Waiting…', timeLeft: 'Time left: {time}', retrying: 'Retrying…' };
const now = Date.parse('2026-11-25T10:00:00Z');

function view(attempt: Partial<NonNullable<PaymentView['attempt']>> | null, orderStatus: PaymentView['orderStatus'] = 'AWAITING_PAYMENT'): PaymentView {
  return {
    orderStatus,
    totalOre: 18900,
    attempt: attempt && { number: 1, status: 'ISSUED', invoiceReference: '1', invoiceQRCode: 'HTTP://SEQR.SE/R1', appLink: null, walletSimulatorUrl: null, expiresAt: new Date(now + 119_400).toISOString(), message: null, ...attempt },
    canRetry: false,
    cartEmptied: false,
    doneUrl: '/orders/x/done',
  };
}

test('the status line (the live region) names the state, and stays the same while the clock runs', () => {
  // It takes no clock: nothing in the announced text can tick.
  assert.equal(paymentStatusLine.length, 2);
  assert.equal(paymentStatusLine(view({}), labels), 'Waiting…');
  assert.equal(paymentStatusLine(view({ status: 'CREATED' }), labels), 'Creating…');
  assert.equal(paymentStatusLine(view(null), labels), 'Preparing…');
  assert.equal(paymentStatusLine(view({ status: 'CANCELED', message: 'The payment was cancelled.' }), labels), 'The payment was cancelled.');
  assert.equal(paymentStatusLine(view({ status: 'PAID' }, 'PAID'), labels), 'Paid.');
});

test('the time left is shown as m:ss, counted down to 0:00, and only while an invoice waits', () => {
  assert.equal(formatTimeLeft(120), '2:00');
  assert.equal(formatTimeLeft(119), '1:59');
  assert.equal(formatTimeLeft(65), '1:05');
  assert.equal(formatTimeLeft(9), '0:09');
  assert.equal(formatTimeLeft(0), '0:00');
  assert.equal(formatTimeLeft(-3), '0:00');
  assert.equal(formatTimeLeft(600), '10:00');
  const waiting = view({});
  assert.equal(secondsLeft(waiting, now), 120, 'a started second counts');
  assert.equal(secondsLeft(waiting, now + 1000), 119);
  assert.equal(secondsLeft(waiting, now + 200_000), 0);
  assert.equal(secondsLeft(view({ status: 'CANCELED', message: 'x' }), now), null);
  assert.equal(secondsLeft(view({ status: 'CREATED' }), now), null);
  assert.equal(secondsLeft(view(null), now), null);
  assert.equal(secondsLeft(view({ status: 'PAID' }, 'PAID'), now), null);
});

test('the inlined script functions are self-contained: they compile from their own source text', () => {
  // The page sends `(watchPayment)(config, { statusLine, secondsLeft, formatTimeLeft })` as text; a
  // reference to anything outside the functions would be undefined in the browser.
  const compile = <T>(fn: T) => new Function(`return (${String(fn)})`)() as T;
  assert.equal(compile(paymentStatusLine)(view({}), labels), 'Waiting…');
  assert.equal(compile(secondsLeft)(view({}), now + 1000), 119);
  assert.equal(compile(formatTimeLeft)(61), '1:01');
  assert.doesNotThrow(() => compile(watchPayment));
});
