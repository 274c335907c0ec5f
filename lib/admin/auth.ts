// Back-office authentication: one password (ADMIN_PASSWORD), sessions kept in the database (the
// cookie carries a random id and its HMAC under a server secret), a CSRF token bound to the session,
// a device cookie for browsers that logged in before, and failed logins throttled (./throttle.ts).
//
// Cookies (all HttpOnly, SameSite=Strict, Secure when PUBLIC_BASE_URL is https):
//   admin_session = <id>.<HMAC-SHA256(secret, "session\0" + id)>      Path=/admin
//   admin_device  = <nonce>.<HMAC-SHA256(secret, "device\0admin\0" + nonce)>  Path=/admin/api/login
// The HMAC key is the server secret, never derived from the password: a leaked cookie gives no way
// to test password guesses offline.
import { createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { getConfig } from '../config';
import { getDb } from '../db';
import { ACCOUNT_RULE, ADDRESS_RULE, DEVICE_RULE, release, reserve, resetKeys } from './throttle';

export const ADMIN_COOKIE = 'admin_session';
export const DEVICE_COOKIE = 'admin_device';
/** Absolute lifetime of a session, whatever its use. */
export const SESSION_TTL_S = 8 * 60 * 60;
/** A session unused for this long ends (sliding: every request moves it on). */
export const SESSION_IDLE_S = 30 * 60;
/** lastSeenAt is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;
export const DEVICE_TTL_S = 180 * 24 * 60 * 60;
/** The one back-office account (the throttle and device cookies are bound to it). */
const ACCOUNT = 'admin';
const SECRET_NAME = 'admin-session-key';

export class AdminDisabledError extends Error {
  override readonly name = 'AdminDisabledError';
  constructor() {
    super('The back office is closed: set ADMIN_PASSWORD (at least 8 characters) to open it.');
  }
}

function adminPassword(): string {
  const password = getConfig().adminPassword;
  if (!password) throw new AdminDisabledError();
  return password;
}

function scrypt(password: BinaryLike, salt: BinaryLike): Promise<Buffer> {
  // N = 2^14, r = 8: about 16 MB and tens of milliseconds per guess.
  return new Promise((resolve, reject) => scryptCallback(password, salt, 32, { N: 16384, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key))));
}

// Per-process state on globalThis: Next bundles this module more than once per process.
type AuthState = { secret?: Promise<Buffer>; expected?: { password: string; salt: Buffer; hash: Promise<Buffer> }; fingerprint?: { password: string; value: Promise<string> } };
const state: AuthState = ((globalThis as { __seqrShopAuth?: AuthState }).__seqrShopAuth ??= {});

/**
 * The signing key: SESSION_SECRET, or a random key created once in the database. The first process
 * to insert it wins (ON CONFLICT DO NOTHING); every process then reads the stored one.
 */
export function serverSecret(): Promise<Buffer> {
  const configured = getConfig().sessionSecret;
  if (configured) return Promise.resolve(Buffer.from(configured, 'utf8'));
  state.secret ??= (async () => {
    const db = getDb();
    await db.serverSecret.createMany({ data: [{ name: SECRET_NAME, value: randomBytes(32).toString('base64url') }], skipDuplicates: true });
    const row = await db.serverSecret.findUniqueOrThrow({ where: { name: SECRET_NAME } });
    return Buffer.from(row.value, 'utf8');
  })();
  state.secret.catch(() => (state.secret = undefined)); // a database hiccup is not remembered
  return state.secret;
}

async function hmac(purpose: string, value: string): Promise<string> {
  return createHmac('sha256', await serverSecret()).update(`${purpose}\0${value}`).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether `given` is the configured password: scrypt with a per-process random salt, compared in constant time. */
async function passwordMatches(given: unknown): Promise<boolean> {
  const password = adminPassword();
  if (state.expected?.password !== password) {
    const salt = randomBytes(16);
    state.expected = { password, salt, hash: scrypt(password, salt) };
  }
  const { salt, hash } = state.expected;
  // Over-long input is hashed like any other (no length oracle), but capped so it costs no more.
  const text = typeof given === 'string' ? given.slice(0, 1024) : '';
  const [expected, actual] = await Promise.all([hash, scrypt(text, salt)]);
  return timingSafeEqual(expected, actual) && typeof given === 'string';
}

/** Which ADMIN_PASSWORD a session was made under: scrypt, salted with the server secret. */
async function passwordFingerprint(): Promise<string> {
  const password = adminPassword();
  if (state.fingerprint?.password !== password) {
    const value = (async () => (await scrypt(password, Buffer.concat([Buffer.from('seqr-shop password fingerprint\0'), await serverSecret()]))).toString('base64url'))();
    state.fingerprint = { password, value };
    value.catch(() => (state.fingerprint = undefined));
  }
  return state.fingerprint.value;
}

export type AdminSession = { sid: string };

const TOKEN = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;

async function signedValue(purpose: string, id: string): Promise<string> {
  return `${id}.${await hmac(purpose, id)}`;
}

/** The id in a signed cookie value, or null when it is malformed or its HMAC is wrong. */
async function verifiedId(purpose: string, value: string | undefined): Promise<string | null> {
  const match = value ? TOKEN.exec(value) : null;
  if (!match) return null;
  return safeEqual(match[2]!, await hmac(purpose, match[1]!)) ? match[1]! : null;
}

/** A new session, stored; returns its cookie value. */
export async function createSession(now = new Date()): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  await getDb().adminSession.create({ data: { id, passwordFingerprint: await passwordFingerprint(), createdAt: now, lastSeenAt: now } });
  return signedValue('session', id);
}

/**
 * The session a cookie value proves, or null: missing, forged, logged out, made under another
 * ADMIN_PASSWORD, idle for SESSION_IDLE_S, or older than SESSION_TTL_S. Throws AdminDisabledError
 * when the back office is closed.
 */
export async function readSession(cookieValue: string | undefined, now = new Date()): Promise<AdminSession | null> {
  adminPassword();
  const id = await verifiedId('session', cookieValue);
  if (!id) return null;
  const db = getDb();
  const row = await db.adminSession.findUnique({ where: { id } });
  if (!row) return null;
  const expired = row.createdAt.getTime() + SESSION_TTL_S * 1000 <= now.getTime() || row.lastSeenAt.getTime() + SESSION_IDLE_S * 1000 <= now.getTime();
  if (expired || !safeEqual(row.passwordFingerprint, await passwordFingerprint())) {
    await db.adminSession.deleteMany({ where: { id } });
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.adminSession.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return { sid: id };
}

/** Logout: the session's row goes, so its cookie is refused from now on (wherever it was copied to). */
export async function endSession(session: AdminSession): Promise<void> {
  await getDb().adminSession.deleteMany({ where: { id: session.sid } });
}

/** Sessions past their idle or absolute expiry, removed (called on login; they are refused anyway). */
async function pruneSessions(now: Date): Promise<void> {
  await getDb().adminSession.deleteMany({
    where: { OR: [{ lastSeenAt: { lte: new Date(now.getTime() - SESSION_IDLE_S * 1000) } }, { createdAt: { lte: new Date(now.getTime() - SESSION_TTL_S * 1000) } }] },
  });
}

/** The CSRF token of a session: forms carry it, mutations check it. */
export function csrfToken(session: AdminSession): Promise<string> {
  return hmac('csrf', session.sid);
}

export async function checkCsrf(session: AdminSession, token: unknown): Promise<boolean> {
  return typeof token === 'string' && safeEqual(token, await csrfToken(session));
}

export type LoginResult =
  | { ok: true; cookieValue: string; deviceCookieValue: string }
  | { ok: false; reason: 'wrong-password' }
  | { ok: false; reason: 'rate-limited'; retryAfterS: number };

/**
 * Check a password. A browser with a valid device cookie is throttled only under that cookie;
 * any other attempt under its client address and under the account (all addresses together).
 * The reservations are taken before the password is compared, so parallel guesses cannot
 * overtake the limit.
 */
export async function login(password: unknown, client: string, deviceCookie?: string, now = new Date()): Promise<LoginResult> {
  adminPassword();
  const device = await verifiedId(`device\0${ACCOUNT}`, deviceCookie);
  const keys: [string, typeof ADDRESS_RULE][] = device
    ? [[`device:${device}`, DEVICE_RULE]]
    : [
        [`address:${client.slice(0, 200)}`, ADDRESS_RULE],
        [`account:${ACCOUNT}`, ACCOUNT_RULE],
      ];
  const taken: typeof keys = [];
  for (const [key, rule] of keys) {
    const reservation = await reserve(key, rule, now);
    if (!reservation.ok) {
      for (const [takenKey, takenRule] of taken) await release(takenKey, takenRule, now);
      return { ok: false, reason: 'rate-limited', retryAfterS: reservation.retryAfterS };
    }
    taken.push([key, rule]);
  }
  if (!(await passwordMatches(password))) return { ok: false, reason: 'wrong-password' };
  // The right password gives back its own count on the account but leaves the others to decay:
  // resetting it on the owner's login would hand a distributed guesser a fresh set of free guesses.
  await resetKeys(keys.map(([key]) => key).filter((key) => !key.startsWith('account:')), now);
  for (const [key, rule] of keys) if (key.startsWith('account:')) await release(key, rule, now);
  await pruneSessions(now);
  const deviceId = device ?? randomBytes(24).toString('base64url');
  return { ok: true, cookieValue: await createSession(now), deviceCookieValue: await signedValue(`device\0${ACCOUNT}`, deviceId) };
}
