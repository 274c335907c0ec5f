// Back-office authentication: one password (ADMIN_PASSWORD), a signed session cookie, a CSRF token
// bound to the session, and failed logins rate-limited in the database (shared by all processes).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getConfig } from '../config';
import { getDb } from '../db';

export const ADMIN_COOKIE = 'admin_session';
export const SESSION_TTL_S = 8 * 60 * 60;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
/** Across all clients, so rotating addresses does not buy unlimited guesses. */
export const MAX_FAILED_LOGINS_TOTAL = 100;

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

/** The signing key: derived from the password, so changing the password ends every session. */
function sessionKey(): Buffer {
  return createHash('sha256').update(`seqr-shop admin session\0${adminPassword()}`).digest();
}

const SessionSchema = z.object({ sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), exp: z.number().int() });
export type AdminSession = z.infer<typeof SessionSchema>;

function sign(payload: string): string {
  return createHmac('sha256', sessionKey()).update(payload).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createSessionCookieValue(now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ sid: randomBytes(18).toString('base64url'), exp: Math.floor(now / 1000) + SESSION_TTL_S })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The session a cookie value proves, or null (missing, forged, expired, or admin closed). */
export function readSession(cookieValue: string | undefined, now = Date.now()): AdminSession | null {
  if (!cookieValue || cookieValue.length > 512) return null;
  const [payload, signature, extra] = cookieValue.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  try {
    if (!safeEqual(signature, sign(payload))) return null;
    const session = SessionSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!session.success || session.data.exp * 1000 < now) return null;
    return session.data;
  } catch {
    return null;
  }
}

/** The CSRF token of a session: forms carry it, mutations check it. */
export function csrfToken(session: AdminSession): string {
  return createHmac('sha256', sessionKey()).update(`csrf\0${session.sid}`).digest('base64url');
}

export function checkCsrf(session: AdminSession, token: unknown): boolean {
  return typeof token === 'string' && safeEqual(token, csrfToken(session));
}

export type LoginResult = { ok: true; cookieValue: string } | { ok: false; reason: 'wrong-password' | 'rate-limited'; retryAfterS?: number };

/** Check a password, rate-limited per client (IP address): 5 failures per 15 minutes. */
export async function login(password: unknown, client: string, now = new Date()): Promise<LoginResult> {
  const db = getDb();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const failures = await db.adminLoginFailure.findMany({ where: { client, at: { gt: since } }, orderBy: { at: 'asc' }, select: { at: true } });
  const total = await db.adminLoginFailure.count({ where: { at: { gt: since } } });
  if (failures.length >= MAX_FAILED_LOGINS || total >= MAX_FAILED_LOGINS_TOTAL) {
    const oldest = failures[0]?.at ?? since;
    const retryAfterS = Math.max(1, Math.ceil((oldest.getTime() + LOGIN_WINDOW_MS - now.getTime()) / 1000));
    return { ok: false, reason: 'rate-limited', retryAfterS };
  }
  const expected = createHash('sha256').update(adminPassword()).digest();
  const given = createHash('sha256').update(typeof password === 'string' ? password : '').digest();
  if (!timingSafeEqual(expected, given)) {
    await db.adminLoginFailure.create({ data: { client, at: now } });
    return { ok: false, reason: 'wrong-password' };
  }
  await db.adminLoginFailure.deleteMany({ where: { client } });
  return { ok: true, cookieValue: createSessionCookieValue(now.getTime()) };
}
