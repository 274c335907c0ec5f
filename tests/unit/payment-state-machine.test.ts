import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelOutcome, decideFromSeqrStatus, judgePayment } from '../../lib/payments/state-machine';
import {
  ATTEMPT_TRANSITIONS,
  canRetry,
  ORDER_TRANSITIONS,
  orderStatusAfterRefund,
  RECEIPT_TRANSITIONS,
  REFUND_TRANSITIONS,
  refundableOre,
  showsReceipt,
  transition,
  TransitionNotAllowed,
} from '../../lib/payments/transitions';

test('an open attempt follows SEQR to a final status and waits on anything else', () => {
  for (const current of ['CREATED', 'ISSUED'] as const) {
    for (const final of ['PAID', 'CANCELED', 'FAILED', 'EXPIRED'] as const) {
      assert.deepEqual(decideFromSeqrStatus(current, final), { kind: 'transition', to: final });
    }
    for (const waiting of ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PARTIALLY_PAID', '0']) {
      assert.deepEqual(decideFromSeqrStatus(current, waiting), { kind: 'stay' }, waiting);
    }
  }
});

test('a closed attempt never changes; contradictions are reported, not applied', () => {
  assert.deepEqual(decideFromSeqrStatus('PAID', 'PAID'), { kind: 'stay' });
  assert.equal(decideFromSeqrStatus('PAID', 'CANCELED').kind, 'anomaly');
  const paidAfterClose = decideFromSeqrStatus('CANCELED', 'PAID');
  assert.equal(paidAfterClose.kind === 'anomaly' && paidAfterClose.paidAfterClose, true);
  assert.deepEqual(decideFromSeqrStatus('EXPIRED', 'CANCELED'), { kind: 'stay' });
});

test('only 0 and 95 settle a cancelInvoice; every other answer reads the status first (PROTOCOL.md §6.4)', () => {
  assert.equal(cancelOutcome(0), 'cancelled');
  assert.equal(cancelOutcome(95), 'cancelled');
  for (const code of [50, 51, 48, 54, 58, 90, 93, 94]) assert.equal(cancelOutcome(code), 'read-status', String(code));
});

test('a PAID status for another amount or currency is a payment to review', () => {
  const invoiced = { amountOre: 18900, currency: 'SEK', orderTotalOre: 18900 };
  assert.deepEqual(judgePayment(invoiced, { ore: 18900, currency: 'SEK' }), { kind: 'as-invoiced' });
  assert.equal(judgePayment(invoiced, { ore: 100, currency: 'SEK' }).kind, 'review');
  assert.equal(judgePayment(invoiced, { ore: 18900, currency: 'EUR' }).kind, 'review');
  assert.equal(judgePayment({ ...invoiced, orderTotalOre: 20000 }, { ore: 18900, currency: 'SEK' }).kind, 'review');
});

test('refund sums decide between paid, partially refunded and refunded; what is left follows SEQR\'s paid amount', () => {
  assert.equal(orderStatusAfterRefund('PAID', 10000, 0), 'PAID');
  assert.equal(orderStatusAfterRefund('PAID', 10000, 1), 'PARTIALLY_REFUNDED');
  assert.equal(orderStatusAfterRefund('PARTIALLY_REFUNDED', 10000, 10000), 'REFUNDED');
  assert.equal(orderStatusAfterRefund('REVIEW', 100, 0), 'REVIEW');
  assert.equal(orderStatusAfterRefund('REVIEW', 100, 50), 'REVIEW', 'a partial refund does not settle a review');
  assert.equal(orderStatusAfterRefund('REVIEW', 100, 100), 'REFUNDED');
  assert.equal(refundableOre({ status: 'PAID', paidOre: 10000, refundedOre: 2000, refundReservedOre: 3000 }), 5000);
  assert.equal(refundableOre({ status: 'REVIEW', paidOre: 100, refundedOre: 0, refundReservedOre: 0 }), 100);
  assert.equal(refundableOre({ status: 'AWAITING_PAYMENT', paidOre: 0, refundedOre: 0, refundReservedOre: 0 }), 0);
  assert.equal(refundableOre({ status: 'REFUNDED', paidOre: 100, refundedOre: 100, refundReservedOre: 0 }), 0);
});

test('derived questions: retry only when unpaid with nothing open; a reviewed payment is not a receipt', () => {
  assert.equal(canRetry({ status: 'AWAITING_PAYMENT', openAttemptId: null }), true);
  assert.equal(canRetry({ status: 'AWAITING_PAYMENT', openAttemptId: 'x' }), false);
  assert.equal(canRetry({ status: 'ABANDONED', openAttemptId: null }), false);
  assert.equal(showsReceipt({ status: 'REVIEW' }), false);
  assert.equal(showsReceipt({ status: 'PARTIALLY_REFUNDED' }), true);
  assert.equal(showsReceipt({ status: 'REFUNDED', reviewReason: 'SEQR reports 100 öre paid' }), false, 'refunded without being accepted');
});

test('the tables: final states have no way out, and transition() refuses moves the table does not allow', async () => {
  for (const final of ['PAID', 'CANCELED', 'FAILED', 'EXPIRED'] as const) {
    for (const froms of Object.values(ATTEMPT_TRANSITIONS)) assert.ok(!froms?.includes(final), `attempt ${final} is final`);
  }
  for (const froms of Object.values(ORDER_TRANSITIONS)) assert.ok(!froms?.includes('REFUNDED') && !froms?.includes('ABANDONED') || froms === ORDER_TRANSITIONS.REVIEW);
  for (const froms of Object.values(REFUND_TRANSITIONS)) assert.ok(!froms?.includes('SUCCEEDED') && !froms?.includes('FAILED'));
  for (const froms of Object.values(RECEIPT_TRANSITIONS)) assert.ok(!froms?.includes('SUBMITTED') && !froms?.includes('UNKNOWN'));
  const untouchable = new Proxy({}, { get: () => assert.fail('no database call for a refused move') }) as never;
  await assert.rejects(transition.attempt(untouchable, { id: 'a', orderId: 'o' }, 'PAID', { from: ['CANCELED'] }), TransitionNotAllowed);
  await assert.rejects(transition.order(untouchable, 'o', 'AWAITING_PAYMENT'), TransitionNotAllowed);
  await assert.rejects(transition.refund(untouchable, { id: 'r', orderId: 'o' }, 'PENDING'), TransitionNotAllowed);
});
