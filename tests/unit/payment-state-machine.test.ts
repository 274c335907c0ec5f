import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelOutcome, decideFromSeqrStatus, orderStatusAfterRefund } from '../../lib/payments/state-machine';

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
  assert.equal(decideFromSeqrStatus('CANCELED', 'PAID').kind, 'anomaly');
  assert.deepEqual(decideFromSeqrStatus('EXPIRED', 'CANCELED'), { kind: 'stay' });
});

test('cancelInvoice outcomes follow PROTOCOL.md §6.4', () => {
  assert.equal(cancelOutcome(0), 'closed');
  assert.equal(cancelOutcome(95), 'closed');
  assert.equal(cancelOutcome(50), 'paid');
  assert.equal(cancelOutcome(51), 'in-progress');
  assert.equal(cancelOutcome(48), 'in-progress');
  assert.equal(cancelOutcome(54), 'unknown-invoice');
  assert.equal(cancelOutcome(94), 'retry-later');
});

test('refund sums decide between paid, partially refunded and refunded', () => {
  assert.equal(orderStatusAfterRefund(10000, 0), 'PAID');
  assert.equal(orderStatusAfterRefund(10000, 1), 'PARTIALLY_REFUNDED');
  assert.equal(orderStatusAfterRefund(10000, 10000), 'REFUNDED');
});
