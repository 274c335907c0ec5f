// The back office's readable parts: amounts typed the Swedish or the English way, the period label
// in the shop's time zone, and statuses and timeline lines in the reader's language.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodLabel, statusLabel, timelineLine } from '../../lib/admin/labels';
import { parseKronorInput } from '../../lib/money';
import { parseRefundAmount } from '../../lib/payments/refunds';

test('a refund amount is read as a Swede or an English speaker types it', () => {
  for (const text of ['1346,50', '1 346,50', '1346.50', ' 1346,5 ', '1\u00a0346,50', '1\u202f346,50']) {
    assert.equal(parseRefundAmount(text), 134650, JSON.stringify(text));
  }
  assert.equal(parseKronorInput('20'), 2000);
  assert.equal(parseKronorInput('0,05'), 5);
  assert.equal(parseKronorInput('1 000 000'), 100000000);
  for (const text of ['', 'abc', '1,346.50', '1.346,50', '12,345', '-10', '+10', '13 46,50', '1 3460', '10,', ',50', '1234567890', 'Infinity', '1e3']) {
    assert.equal(parseRefundAmount(text), null, JSON.stringify(text));
  }
  assert.equal(parseRefundAmount(undefined), null);
  assert.equal(parseRefundAmount(134650), null);
});

const ZONE = 'Europe/Stockholm';

test('a period is labelled by its local day and times, not by its 25-digit id', () => {
  // 2026-12-01 00:00 to 2026-12-02 00:00 in Stockholm (UTC+1 in winter).
  const day = { startedAt: new Date('2026-11-30T23:00:00Z'), closedAt: new Date('2026-12-01T23:00:00Z'), scope: 'SHOP' as const, terminalId: null };
  assert.equal(periodLabel('en', day, ZONE), 'Day 2026-12-01, 00:00–23:59, shop');
  assert.equal(periodLabel('sv', day, ZONE), 'Dag 2026-12-01, 00:00–23:59, butiken');
  const within = { startedAt: new Date('2026-12-01T08:15:00Z'), closedAt: new Date('2026-12-01T14:40:30Z'), scope: 'TERMINAL' as const, terminalId: 'demo-webshop' };
  assert.equal(periodLabel('en', within, ZONE), 'Day 2026-12-01, 09:15–15:40, terminal demo-webshop');
  const across = { startedAt: new Date('2026-11-30T22:00:00Z'), closedAt: new Date('2026-12-01T22:00:00Z'), scope: 'SHOP' as const, terminalId: null };
  assert.equal(periodLabel('en', across, ZONE), '2026-11-30 23:00 – 2026-12-01 23:00, shop');
  const first = { startedAt: null, closedAt: new Date('2026-12-01T22:00:00Z'), scope: 'SHOP' as const, terminalId: null };
  assert.equal(periodLabel('sv', first, ZONE), 'Till och med 2026-12-01 23:00, butiken');
  // The same instant in another configured zone is another local day.
  assert.equal(periodLabel('en', within, 'America/New_York'), 'Day 2026-12-01, 03:15–09:40, terminal demo-webshop');
  // Summer time: UTC+2.
  const summer = { startedAt: new Date('2026-06-30T22:00:00Z'), closedAt: new Date('2026-07-01T22:00:00Z'), scope: 'SHOP' as const, terminalId: null };
  assert.equal(periodLabel('en', summer, ZONE), 'Day 2026-07-01, 00:00–23:59, shop');
});

test('statuses and timeline lines are in the reader language', () => {
  assert.equal(statusLabel('sv', 'order', 'PARTIALLY_REFUNDED'), 'delvis återbetald');
  assert.equal(statusLabel('en', 'order', 'PARTIALLY_REFUNDED'), 'partially refunded');
  assert.equal(statusLabel('sv', 'attempt', 'CANCELED'), 'avbruten');
  assert.equal(statusLabel('sv', 'refund', 'SUCCEEDED'), 'genomförd');
  assert.equal(statusLabel('sv', 'receipt', 'SUBMITTED'), 'skickat');
  assert.equal(statusLabel('sv', 'order', 'SOMETHING_NEW'), 'something new');
  const base = { operation: null, resultCode: null, durationMs: null, fromStatus: null, toStatus: null, message: 'Order PAID' };
  assert.deepEqual(timelineLine('sv', { ...base, kind: 'STATUS_CHANGE', fromStatus: 'order:AWAITING_PAYMENT', toStatus: 'PAID' }), { text: 'Order: väntar på betalning → betald' });
  assert.deepEqual(timelineLine('sv', { ...base, kind: 'STATUS_CHANGE', fromStatus: 'attempt:CREATED|ISSUED', toStatus: 'EXPIRED' }), { text: 'Betalningsförsök: skapad / utfärdad → utgången' });
  assert.deepEqual(timelineLine('sv', { ...base, kind: 'STATUS_CHANGE', toStatus: 'CREATED' }), { text: 'Betalningsförsök: skapad' });
  assert.deepEqual(timelineLine('en', { ...base, kind: 'SEQR_CALL', operation: 'refundPayment', resultCode: 0, durationMs: 12 }).text.startsWith('refundPayment → 0 SUCCESS'), true);
  assert.equal(timelineLine('sv', { ...base, kind: 'SEQR_CALL', operation: 'sendInvoice', durationMs: 5000 }).text, 'sendInvoice → inget svar · 5000 ms');
  assert.deepEqual(timelineLine('sv', { ...base, kind: 'ORDER_CREATED' }), { text: 'Ordern skapades från varukorgen.' });
  assert.deepEqual(timelineLine('sv', { ...base, kind: 'NOTE', message: 'admin started a refund.' }), { text: 'Anteckning', original: 'admin started a refund.' });
});
