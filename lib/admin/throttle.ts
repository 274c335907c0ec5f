// Failed-login throttling that slows guessing without locking the owner out. Each key (an address,
// the account, a device cookie) has one row; an attempt takes a reservation on its keys BEFORE the
// password is checked, by one atomic upsert that counts the attempt and fails when the key is
// blocked. Parallel attempts therefore cannot all read "not yet blocked": each increment happens
// under the row's lock, and the one that reaches the limit moves blockedUntil into the future.
// A success resets the keys; a failure simply keeps the count its reservation made.
import { getDb } from '../db';
import { Prisma } from '../generated/prisma/client';

export type ThrottleRule = {
  /** Attempts without any wait; the next ones wait baseMs × 2^(failures − free), at most capMs. */
  free: number;
  baseMs: number;
  capMs: number;
};

/**
 * Per client address: 5 free guesses, then 30 s, 1 min, 2 min… up to 15 minutes. The first wait is
 * long enough that a burst of parallel guesses is over before it ends: the burst gets 5 checks.
 */
export const ADDRESS_RULE: ThrottleRule = { free: 5, baseMs: 30_000, capMs: 15 * 60_000 };
/**
 * Per account, from everywhere (rotating addresses): 20 free, then doubling up to 1 minute. Capped
 * low on purpose: it bounds guessing to about one a minute but never makes a new browser of the
 * owner wait longer than that; a browser with a device cookie is not subject to it at all.
 */
export const ACCOUNT_RULE: ThrottleRule = { free: 20, baseMs: 5000, capMs: 60_000 };
/** Per device cookie: the owner's own typos, as per address. */
export const DEVICE_RULE: ThrottleRule = { ...ADDRESS_RULE };
/** A key's count starts again after this long without attempts. */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export type Reservation = { ok: true } | { ok: false; retryAfterS: number };

/**
 * Count an attempt under `key` unless the key is blocked at `now`. The wait the count leads to is
 * computed in the same statement: with f = the new count, blockedUntil = now + min(cap, base × 2^(f − free))
 * once f ≥ free (the exponent is clamped so that the power cannot overflow).
 */
export async function reserve(key: string, rule: ThrottleRule, now: Date): Promise<Reservation> {
  const db = getDb();
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  const firstWaitMs = rule.free <= 1 ? Math.min(rule.capMs, rule.baseMs) : 0;
  // The new count, from the row as locked by the upsert (not a snapshot read beforehand).
  const count = Prisma.sql`(CASE WHEN t."lastAttemptAt" < ${forgetBefore}::timestamptz THEN 1 ELSE t."failures" + 1 END)`;
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "AdminLoginThrottle" AS t ("key", "failures", "lastAttemptAt", "blockedUntil")
    VALUES (${key}, 1, ${now}::timestamptz, ${now}::timestamptz + (${firstWaitMs}::double precision * interval '1 millisecond'))
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = ${count},
      "lastAttemptAt" = ${now}::timestamptz,
      "blockedUntil" = ${now}::timestamptz + (
        CASE WHEN ${count} < ${rule.free}::int THEN 0
             ELSE LEAST(${rule.capMs}::double precision, ${rule.baseMs}::double precision * power(2::double precision, LEAST(${count} - ${rule.free}::int, 40)))
        END * interval '1 millisecond')
    WHERE t."blockedUntil" <= ${now}::timestamptz
    RETURNING t."failures"`;
  if (rows.length > 0) return { ok: true };
  return { ok: false, retryAfterS: await retryAfter(key, now) };
}

/** Whole seconds until `key` takes attempts again (at least 1, for a Retry-After header). */
async function retryAfter(key: string, now: Date): Promise<number> {
  const row = await getDb().adminLoginThrottle.findUnique({ where: { key }, select: { blockedUntil: true } });
  return Math.max(1, Math.ceil(((row?.blockedUntil.getTime() ?? now.getTime()) - now.getTime()) / 1000));
}

/**
 * Give back a reservation that was not used (a later key refused the attempt): one count less, and
 * the wait that count leads to from now.
 */
export async function release(key: string, rule: ThrottleRule, now: Date): Promise<void> {
  await getDb().$executeRaw`
    UPDATE "AdminLoginThrottle" AS t SET
      "failures" = GREATEST(t."failures" - 1, 0),
      "blockedUntil" = ${now}::timestamptz + (
        CASE WHEN t."failures" - 1 < ${rule.free}::int THEN 0
             ELSE LEAST(${rule.capMs}::double precision, ${rule.baseMs}::double precision * power(2::double precision, LEAST(t."failures" - 1 - ${rule.free}::int, 40)))
        END * interval '1 millisecond')
    WHERE t."key" = ${key}`;
}

/** A correct password: the keys start again from zero; keys forgotten anyway are removed. */
export async function resetKeys(keys: string[], now: Date): Promise<void> {
  await getDb().adminLoginThrottle.deleteMany({
    where: { OR: [{ key: { in: keys } }, { lastAttemptAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) }, blockedUntil: { lt: now } }] },
  });
}
