// When the automatic day close is due: a wall-clock time in the shop's zone, across DST changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestDueDayClose, nextDayCloseAfter, parseDayCloseAt } from '../../lib/payments/day-close-schedule';
import { parseConfig } from '../../lib/config';

const at2300 = { hour: 23, minute: 0 };
const zone = 'Europe/Stockholm';
const due = (now: string, at = at2300) => {
  const d = latestDueDayClose(new Date(now), at, zone);
  return { day: d.day, dueAt: d.dueAt.toISOString() };
};

test('DAY_CLOSE_AT is a 24-hour HH:MM time', () => {
  assert.deepEqual(parseDayCloseAt('23:00'), { hour: 23, minute: 0 });
  assert.deepEqual(parseDayCloseAt(' 07:05 '), { hour: 7, minute: 5 });
  for (const bad of ['24:00', '7:05', '23:60', '23.00', '11pm', '']) assert.equal(parseDayCloseAt(bad), undefined, bad);
  assert.deepEqual(parseConfig({ DAY_CLOSE_AT: '22:30' }).payments.dayClose, { at: { hour: 22, minute: 30 }, timeZone: 'Europe/Stockholm' });
  assert.equal(parseConfig({}).payments.dayClose, undefined, 'off by default');
  assert.throws(() => parseConfig({ DAY_CLOSE_AT: '25:00' }), /DAY_CLOSE_AT must be a 24-hour time such as 23:00/);
  assert.throws(() => parseConfig({ DAY_CLOSE_AT: '23:00', SHOP_TIME_ZONE: 'Mars/Olympus' }), /SHOP_TIME_ZONE must be an IANA time zone/);
});

test("the latest due close is today's once its time has passed, else yesterday's", () => {
  assert.deepEqual(due('2026-12-01T12:00:00Z'), { day: '2026-11-30', dueAt: '2026-11-30T22:00:00.000Z' });
  assert.deepEqual(due('2026-12-01T22:00:00Z'), { day: '2026-12-01', dueAt: '2026-12-01T22:00:00.000Z' });
  assert.deepEqual(due('2026-12-01T21:59:59Z'), { day: '2026-11-30', dueAt: '2026-11-30T22:00:00.000Z' });
  // 00:30 local on 1 January is still the day after the 31 December close.
  assert.deepEqual(due('2026-12-31T23:30:00Z'), { day: '2026-12-31', dueAt: '2026-12-31T22:00:00.000Z' });
});

test('the close keeps its local time across daylight saving time (23 and 25 hour days)', () => {
  // Summer time: 23:00 CEST is 21:00 UTC.
  assert.deepEqual(due('2026-07-01T21:30:00Z'), { day: '2026-07-01', dueAt: '2026-07-01T21:00:00.000Z' });
  assert.equal(nextDayCloseAfter(new Date('2026-03-28T22:30:00Z'), at2300, zone).toISOString(), '2026-03-29T21:00:00.000Z');
  assert.equal(nextDayCloseAfter(new Date('2026-10-24T21:30:00Z'), at2300, zone).toISOString(), '2026-10-25T22:00:00.000Z');
  assert.equal(nextDayCloseAfter(new Date('2026-12-01T12:00:00Z'), at2300, zone).toISOString(), '2026-12-01T22:00:00.000Z');
  // 02:30 does not exist on 29 March: it happens an hour later, once.
  assert.deepEqual(due('2026-03-29T02:00:00Z', { hour: 2, minute: 30 }), { day: '2026-03-29', dueAt: '2026-03-29T01:30:00.000Z' });
});
