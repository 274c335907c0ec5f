// Back-office sessions on a real database: stored, revocable, with idle and absolute expiry, signed
// with a random server secret that a leaked cookie and the password do not reveal. The clock is
// passed to lib/admin/auth.ts, so the expiries are tested without waiting.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';

await useFreshDatabase('admin_sessions');
const PASSWORD = 'session-test-password';
process.env.ADMIN_PASSWORD = PASSWORD;
delete process.env.SESSION_SECRET;

const { migrate } = await import('../../prisma/migrate');
const { closeDb, getDb } = await import('../../lib/db');
const { checkCsrf, csrfToken, endSession, login, readSession, serverSecret, SESSION_IDLE_S, SESSION_TTL_S } = await import('../../lib/admin/auth');

const start = Date.parse('2026-12-01T08:00:00Z');
const at = (minutes: number) => new Date(start + minutes * 60_000);

async function newSession(now: Date): Promise<string> {
  const result = await login(PASSWORD, `192.0.2.${Math.floor(Math.random() * 250)}`, undefined, now);
  assert.ok(result.ok, JSON.stringify(result));
  return result.cookieValue;
}

before(async () => {
  await migrate();
});

after(async () => {
  await closeDb();
});

test('a session is stored; logout deletes it, and its cookie is refused from then on', async () => {
  const cookie = await newSession(at(0));
  const session = await readSession(cookie, at(1));
  assert.ok(session);
  assert.equal(await getDb().adminSession.count({ where: { id: session.sid } }), 1);
  assert.equal(await checkCsrf(session, await csrfToken(session)), true);
  assert.equal(await checkCsrf(session, 'x'), false);
  await endSession(session);
  assert.equal(await readSession(cookie, at(2)), null);
  assert.equal(await getDb().adminSession.count({ where: { id: session.sid } }), 0);
});

test('idle expiry: 30 minutes without use end a session; use keeps it alive (sliding)', async () => {
  assert.equal(SESSION_IDLE_S, 30 * 60);
  const cookie = await newSession(at(0));
  assert.ok(await readSession(cookie, at(29)));
  assert.ok(await readSession(cookie, at(58)), 'used at 29 min: alive at 58');
  assert.equal(await readSession(cookie, at(58 + 30)), null, 'unused for 30 minutes');
  assert.equal(await readSession(cookie, at(59)), null, 'and it stays ended');
});

test('absolute expiry: after 8 hours a session ends however busy it was', async () => {
  assert.equal(SESSION_TTL_S, 8 * 60 * 60);
  const cookie = await newSession(at(0));
  for (let minute = 20; minute < 8 * 60; minute += 20) assert.ok(await readSession(cookie, at(minute)), `alive at ${minute} min`);
  assert.equal(await readSession(cookie, at(8 * 60)), null);
});

test('the cookie cannot be checked offline: its key is a random server secret, not derived from the password', async () => {
  const cookie = await newSession(at(0));
  const [id, signature] = cookie.split('.');
  const passwordKey = createHash('sha256').update(`seqr-shop admin session\0${PASSWORD}`).digest();
  for (const message of [`session\0${id}`, id!]) assert.notEqual(createHmac('sha256', passwordKey).update(message).digest('base64url'), signature);
  // A cookie made with the password-derived key, for a session id that exists, is refused.
  const forged = `${id}.${createHmac('sha256', passwordKey).update(`session\0${id}`).digest('base64url')}`;
  assert.equal(await readSession(forged, at(1)), null);
  assert.ok(await readSession(cookie, at(1)));
  // The secret is random, stored once, and has nothing to do with the password.
  const stored = await getDb().serverSecret.findMany();
  assert.equal(stored.length, 1);
  assert.ok(stored[0]!.value.length >= 43);
  assert.ok(!stored[0]!.value.includes(PASSWORD));
  assert.deepEqual(await serverSecret(), Buffer.from(stored[0]!.value));
});

test('malformed cookies are no session, never an error', async () => {
  for (const value of [undefined, '', 'x', 'a.b.c', `${'A'.repeat(32)}.${'B'.repeat(43)}`, '%%%.%%%', 'A'.repeat(5000)]) {
    assert.equal(await readSession(value, at(0)), null, String(value).slice(0, 20));
  }
});
