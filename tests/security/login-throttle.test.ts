// Attacks on the back-office login, replayed against lib/admin/auth.ts on a real database (PGlite,
// or PostgreSQL when TEST_POSTGRES_URL is set). The clock is passed in, so waits need no sleeping.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';

await useFreshDatabase('login_throttle');
process.env.ADMIN_PASSWORD = 'the-right-password';
delete process.env.SESSION_SECRET;

const { migrate } = await import('../../prisma/migrate');
const { closeDb, getDb } = await import('../../lib/db');
const { login } = await import('../../lib/admin/auth');
const { ACCOUNT_RULE, ADDRESS_RULE } = await import('../../lib/admin/throttle');

const RIGHT = 'the-right-password';
let clock = Date.parse('2026-12-01T10:00:00Z');
const at = (offsetMs = 0) => new Date(clock + offsetMs);

before(async () => {
  await migrate();
});

after(async () => {
  await closeDb();
});

test('40 parallel wrong guesses from one address: at most the limit are checked, the rest wait', async () => {
  clock += 60 * 60_000;
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`guess-${i}`, '192.0.2.40', undefined, at())));
  const checked = results.filter((r) => !r.ok && r.reason === 'wrong-password').length;
  const refused = results.filter((r) => !r.ok && r.reason === 'rate-limited');
  assert.ok(checked <= ADDRESS_RULE.free, `${checked} guesses were checked`);
  assert.ok(checked >= 1, 'the address limit applied, not something else');
  assert.equal(checked + refused.length, 40);
  for (const r of refused) assert.ok(!r.ok && r.reason === 'rate-limited' && r.retryAfterS >= 1);
  const row = await getDb().adminLoginThrottle.findUniqueOrThrow({ where: { key: 'address:192.0.2.40' } });
  assert.equal(row.failures, checked);
});

test('after 5 failures an address waits 30 s, then 1 min, then 2 min, and never more than 15 minutes', async () => {
  clock += 60 * 60_000;
  const client = '192.0.2.5';
  for (let i = 0; i < 5; i++) assert.deepEqual(await login('wrong', client, undefined, at()), { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await login(RIGHT, client, undefined, at()), { ok: false, reason: 'rate-limited', retryAfterS: 30 });
  assert.deepEqual(await login(RIGHT, client, undefined, at(29_500)), { ok: false, reason: 'rate-limited', retryAfterS: 1 });
  assert.deepEqual(await login('wrong', client, undefined, at(30_000)), { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await login('wrong', client, undefined, at(30_000)), { ok: false, reason: 'rate-limited', retryAfterS: 60 });
  assert.deepEqual(await login('wrong', client, undefined, at(90_000)), { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await login('wrong', client, undefined, at(90_000)), { ok: false, reason: 'rate-limited', retryAfterS: 120 });
  let t = 210_000;
  // Many more failures, each after its wait: the wait stops growing at the cap.
  for (let i = 0; i < 12; i++) {
    const result = await login('wrong', client, undefined, at(t));
    assert.equal(result.ok ? 'ok' : result.reason, 'wrong-password');
    const refused = await login('wrong', client, undefined, at(t));
    assert.ok(!refused.ok && refused.reason === 'rate-limited');
    t += refused.retryAfterS * 1000;
  }
  const capped = await login('wrong', client, undefined, at(t - 1000));
  assert.ok(!capped.ok && capped.reason === 'rate-limited' && capped.retryAfterS <= ADDRESS_RULE.capMs / 1000);
  // The right password, once the wait is over, logs in and starts the address from zero.
  const ok = await login(RIGHT, client, undefined, at(t));
  assert.equal(ok.ok, true);
  assert.equal(await getDb().adminLoginThrottle.count({ where: { key: `address:${client}` } }), 0);
});

test('120 failures from 120 addresses do not lock the owner out: the device cookie logs in, a new browser only waits', async () => {
  clock += 25 * 60 * 60_000; // past FORGET_AFTER_MS: the account's count from the tests above is forgotten
  const owner = await login(RIGHT, '198.51.100.1', undefined, at());
  assert.ok(owner.ok);
  for (let i = 0; i < 120; i++) await login(`guess-${i}`, `203.0.113.${i}`, undefined, at(i));
  const account = await getDb().adminLoginThrottle.findUniqueOrThrow({ where: { key: 'account:admin' } });
  assert.ok(account.failures <= ACCOUNT_RULE.free + 7, `the account counted ${account.failures} guesses (the rest waited)`);

  // The owner's browser, from any address, with the right password: in at once.
  const again = await login(RIGHT, '203.0.113.250', owner.deviceCookieValue, at(200));
  assert.equal(again.ok, true);
  // A new browser is slowed, with a short wait (at most the account cap, not 15 minutes)...
  const fresh = await login(RIGHT, '198.51.100.77', undefined, at(200));
  assert.ok(!fresh.ok && fresh.reason === 'rate-limited', JSON.stringify(fresh));
  assert.ok(fresh.retryAfterS >= 1 && fresh.retryAfterS <= ACCOUNT_RULE.capMs / 1000, `Retry-After ${fresh.retryAfterS}`);
  // ...and gets in when it has waited, refused only while waiting (its address was not charged).
  const later = await login(RIGHT, '198.51.100.77', undefined, at(200 + fresh.retryAfterS * 1000));
  assert.equal(later.ok, true);
});

test('a forged or foreign device cookie is no device cookie; a real one is throttled on its own', async () => {
  clock += 25 * 60 * 60_000;
  const owner = await login(RIGHT, '198.51.100.2', undefined, at());
  assert.ok(owner.ok);
  const [nonce] = owner.deviceCookieValue.split('.');
  const forged = `${nonce}.${'A'.repeat(43)}`;
  for (let i = 0; i < 5; i++) await login('wrong', '192.0.2.99', forged, at());
  assert.deepEqual(await login(RIGHT, '192.0.2.99', forged, at()), { ok: false, reason: 'rate-limited', retryAfterS: 30 });
  // The owner's device guesses wrong 5 times (from an address that is blocked: it does not matter).
  for (let i = 0; i < 5; i++) assert.deepEqual(await login('typo', '192.0.2.99', owner.deviceCookieValue, at()), { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await login(RIGHT, '192.0.2.99', owner.deviceCookieValue, at()), { ok: false, reason: 'rate-limited', retryAfterS: 30 });
  assert.equal((await login(RIGHT, '192.0.2.99', owner.deviceCookieValue, at(30_000))).ok, true);
});
