// Attacks on the back office replayed over HTTP against the production build as `npm start` serves
// it (scripts/serve.ts), on a fresh database (PGlite, or PostgreSQL when TEST_POSTGRES_URL is set).
// The shop runs without a SEQR sandbox: these requests never reach SEQR.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { useFreshDatabase } from '../helpers/db';
import { buildIfNeeded, freePort, startShopInstance, type ShopInstance } from '../helpers/shop';

await useFreshDatabase('admin_http');
const PASSWORD_1 = 'first-admin-password';
const PASSWORD_2 = 'second-admin-password';
process.env.ADMIN_PASSWORD = PASSWORD_1;
delete process.env.SESSION_SECRET;
delete process.env.TRUST_PROXY_HOPS;
delete process.env.SEQR_WSDL_URL;

const { migrate } = await import('../../prisma/migrate');
const { closeDb } = await import('../../lib/db');

let shop: ShopInstance;
let ownerDevice = '';
const baseEnv = async () => ({ DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, SEQR_SANDBOX_PORT: String(await freePort()), SWEEP_INTERVAL_MS: '60000' });

/** (Re)start the one instance with these settings: the embedded database allows one process. */
async function serve(env: Record<string, string | undefined>): Promise<void> {
  await shop?.stop();
  shop = await startShopInstance({ name: 'shop', env: { ...(await baseEnv()), ...env } });
}

before(async () => {
  buildIfNeeded({ quiet: true });
  await migrate();
  await closeDb(); // hand the database to the shop process
  await serve({ ADMIN_PASSWORD: PASSWORD_1 });
});

after(async () => {
  await shop?.stop();
});

type Attempt = { status: number; retryAfter: string | null; error?: string; cookies: Record<string, string> };

async function tryLogin(password: string, headers: Record<string, string> = {}): Promise<Attempt> {
  const response = await fetch(`${shop.url}/admin/api/login`, { method: 'POST', body: new URLSearchParams({ password }), headers: { accept: 'application/json', ...headers } });
  const body = (await response.json()) as { error?: string };
  const cookies: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, ...value] = pair!.split('=');
    cookies[name!] = value.join('=');
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), error: body.error, cookies };
}

const adminPage = (cookie: string) => fetch(`${shop.url}/admin`, { headers: { cookie: `admin_session=${cookie}` }, redirect: 'manual' });

async function csrfOf(cookie: string): Promise<string> {
  const page = await adminPage(cookie);
  assert.equal(page.status, 200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  assert.ok(csrf, 'the back office carries the CSRF token');
  return csrf;
}

test('logout revokes: the cookie from before is refused by pages and by mutations', async () => {
  const login = await tryLogin(PASSWORD_1);
  assert.equal(login.status, 200);
  const cookie = login.cookies.admin_session!;
  assert.match(cookie, /^[\w-]{32}\.[\w-]{43}$/);
  assert.ok(login.cookies.admin_device, 'the login sets a device cookie');
  const csrf = await csrfOf(cookie);
  const logout = await fetch(`${shop.url}/admin/api/logout`, { method: 'POST', body: new URLSearchParams({ csrf }), headers: { cookie: `admin_session=${cookie}`, accept: 'application/json' } });
  assert.equal(logout.status, 200);
  const page = await adminPage(cookie);
  assert.equal(page.status, 307);
  assert.match(page.headers.get('location') ?? '', /\/admin\/login$/);
  const mutation = await fetch(`${shop.url}/admin/api/periods`, { method: 'POST', body: new URLSearchParams({ csrf }), headers: { cookie: `admin_session=${cookie}`, accept: 'application/json' } });
  assert.equal(mutation.status, 401);
  assert.equal(((await mutation.json()) as { error: string }).error, 'Log in to the back office first.');
});

test('rotating X-Forwarded-For gives no extra guesses: the address is the socket\'s', async () => {
  for (let i = 0; i < 5; i++) {
    const attempt = await tryLogin('wrong-password', { 'x-forwarded-for': `203.0.113.${i + 1}` });
    assert.equal(attempt.status, 401);
    assert.equal(attempt.error, 'That password is not right.');
  }
  const blocked = await tryLogin('wrong-password', { 'x-forwarded-for': '203.0.113.99' });
  assert.equal(blocked.status, 429);
  assert.match(blocked.error ?? '', /^Too many failed logins\. Wait \d+ seconds and try again\.$/);
  assert.ok(Number(blocked.retryAfter) >= 1, `Retry-After: ${blocked.retryAfter}`);
  const right = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '198.51.100.1, 198.51.100.2' });
  assert.equal(right.status, 429, 'the right password waits too: the same socket address');
});

test('a cookie signed with a key derived from the password (offline-checkable) is refused', async () => {
  const id = randomBytes(24).toString('base64url');
  const passwordKey = createHash('sha256').update(`seqr-shop admin session\0${PASSWORD_1}`).digest();
  const forged = `${id}.${createHmac('sha256', passwordKey).update(`session\0${id}`).digest('base64url')}`;
  assert.equal((await adminPage(forged)).status, 307);
  // The old format (JSON payload signed with that key) neither.
  const payload = Buffer.from(JSON.stringify({ sid: id, exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
  const old = `${payload}.${createHmac('sha256', passwordKey).update(payload).digest('base64url')}`;
  assert.equal((await adminPage(old)).status, 307);
});

test('with TRUST_PROXY_HOPS=1 the entry the proxy appended counts, not what the client put before it', async () => {
  await serve({ ADMIN_PASSWORD: PASSWORD_1, TRUST_PROXY_HOPS: '1' });
  // What nginx's proxy_add_x_forwarded_for sends: the client's own header, then the client's address.
  for (let i = 0; i < 5; i++) assert.equal((await tryLogin('wrong-password', { 'x-forwarded-for': `10.0.0.${i}, 192.0.2.10` })).status, 401);
  assert.equal((await tryLogin('wrong-password', { 'x-forwarded-for': '10.9.9.9, 192.0.2.10' })).status, 429);
  assert.equal((await tryLogin('wrong-password', { 'x-forwarded-for': '192.0.2.10' })).status, 429);
  // Another client behind the proxy has its own count.
  assert.equal((await tryLogin('wrong-password', { 'x-forwarded-for': '192.0.2.11' })).status, 401);
});

test('40 parallel wrong guesses from one address: at most 5 are checked', async () => {
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => tryLogin(`parallel-${i}`, { 'x-forwarded-for': '192.0.2.40' })));
  const statuses = results.map((r) => r.status);
  const checked = statuses.filter((s) => s === 401).length;
  assert.ok(checked <= 5, `${checked} guesses were checked`);
  assert.ok(checked >= 1, 'the address limit applied, not something else');
  assert.equal(statuses.filter((s) => s === 429).length, 40 - checked);
});

test('100 failures from 100 addresses: the owner\'s browser with its device cookie logs in; a new browser waits, not 15 minutes', async () => {
  const owner = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '198.51.100.50' });
  assert.equal(owner.status, 200);
  const device = owner.cookies.admin_device!;
  ownerDevice = device;
  for (let i = 0; i < 100; i++) {
    const attempt = await tryLogin(`guess-${i}`, { 'x-forwarded-for': `203.0.113.${i + 1}, 10.1.${i}.1` });
    assert.ok(attempt.status === 401 || attempt.status === 429, `HTTP ${attempt.status}`);
  }
  const fresh = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '198.51.100.60' });
  assert.equal(fresh.status, 429);
  assert.ok(Number(fresh.retryAfter) >= 1 && Number(fresh.retryAfter) <= 60, `Retry-After: ${fresh.retryAfter}`);
  const known = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '203.0.113.7', cookie: `admin_device=${device}` });
  assert.equal(known.status, 200);
  assert.equal((await adminPage(known.cookies.admin_session!)).status, 200);
});

test('after ADMIN_PASSWORD changes (restart with another), old cookies are refused', async () => {
  // The account is still slowed by the tests above: the owner's browser logs in with its device cookie.
  const login = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '198.51.100.70', cookie: `admin_device=${ownerDevice}` });
  assert.equal(login.status, 200);
  const cookie = login.cookies.admin_session!;
  assert.equal((await adminPage(cookie)).status, 200);
  await serve({ ADMIN_PASSWORD: PASSWORD_2, TRUST_PROXY_HOPS: '1' });
  assert.equal((await adminPage(cookie)).status, 307);
  const old = await tryLogin(PASSWORD_1, { 'x-forwarded-for': '198.51.100.71', cookie: `admin_device=${ownerDevice}` });
  assert.equal(old.status, 401);
  const renewed = await tryLogin(PASSWORD_2, { 'x-forwarded-for': '198.51.100.71', cookie: `admin_device=${ownerDevice}` });
  assert.equal(renewed.status, 200);
  assert.equal((await adminPage(renewed.cookies.admin_session!)).status, 200);
  // SESSION_SECRET replaces the stored secret: cookies signed with the stored one stop working.
  await serve({ ADMIN_PASSWORD: PASSWORD_2, TRUST_PROXY_HOPS: '1', SESSION_SECRET: randomBytes(32).toString('base64url') });
  assert.equal((await adminPage(renewed.cookies.admin_session!)).status, 307);
});
