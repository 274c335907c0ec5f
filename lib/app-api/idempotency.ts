// Idempotency-Key for the app API's POSTs, as Stripe's API has it: the first answer to a key is
// kept in the database, so a repeat (a lost answer, a retry after a timeout, a double tap) gets that
// answer again and changes nothing, whichever shop instance it reaches. A key being worked on is
// claimed by a row without a response; a repeat meanwhile is told to come back. A claim whose
// process died is taken over once it lapses.
import { createHash } from 'node:crypto';
import { getConfig } from '../config';
import { getDb } from '../db';
import { ApiProblem } from './problems';

/**
 * An answer as it is kept and replayed. `keep: false`: not kept, as a 5xx is not (SEQR could not be
 * reached, so nothing happened there): the key is released and a repeat runs again.
 */
export type KeptResponse = { status: number; body: string; headers: Record<string, string>; keep?: false };

/** Keys are kept a day, as Stripe keeps them. */
export const KEEP_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 1000;

const KEY = /^[\x21-\x7e]{1,255}$/;

export function requestFingerprint(method: string, path: string, body: string): string {
  return `${method} ${path} ${createHash('sha256').update(body).digest('base64url')}`;
}

const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';

const purge = globalThis as typeof globalThis & { __seqrShopIdempotencyPurgedAt?: number };

/** Old keys go, at most once a minute per process. */
async function purgeOldKeys(now: number): Promise<void> {
  if ((purge.__seqrShopIdempotencyPurgedAt ?? 0) > now - PURGE_EVERY_MS) return;
  purge.__seqrShopIdempotencyPurgedAt = now;
  await getDb().idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now - KEEP_MS) } } });
}

/**
 * Run `work` once per key. Answers of 5xx are not kept (nothing was done, or the outcome is for
 * the shop to settle), nor those marked `keep: false`: the key is released, and a repeat runs again.
 */
export async function oncePerKey(key: string | null, fingerprint: string, work: () => Promise<KeptResponse>): Promise<KeptResponse & { replayed: boolean }> {
  if (key === null) return { ...(await work()), replayed: false };
  if (!KEY.test(key)) throw new ApiProblem('invalid-idempotency-key');
  const db = getDb();
  // Longer than any request can take (SEQR's deadline, the settling of an unknown outcome): IDEMPOTENCY_CLAIM_S.
  const claimMs = getConfig().idempotencyClaimMs;
  const now = Date.now();
  await purgeOldKeys(now);
  const claimed = await db.idempotencyRecord
    .create({ data: { key, fingerprint, lockedUntil: new Date(now + claimMs) }, select: { key: true } })
    .then(() => true)
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return false;
      throw error;
    });
  if (!claimed) {
    const kept = await db.idempotencyRecord.findUnique({ where: { key } });
    if (!kept) return oncePerKey(key, fingerprint, work); // released a moment ago: claim it now
    if (kept.fingerprint !== fingerprint) throw new ApiProblem('idempotency-key-reused');
    if (kept.responseStatus !== null && kept.responseBody !== null) {
      const { headers, body } = JSON.parse(kept.responseBody) as { headers: Record<string, string>; body: string };
      return { status: kept.responseStatus, body, headers, replayed: true };
    }
    const lapsed = kept.lockedUntil.getTime() <= now;
    // A lapsed claim belongs to a process that died mid-request: take it over (compare-and-set, so one taker).
    const taken = lapsed && (await db.idempotencyRecord.updateMany({ where: { key, responseStatus: null, lockedUntil: kept.lockedUntil }, data: { lockedUntil: new Date(now + claimMs) } })).count === 1;
    if (!taken) throw new ApiProblem('idempotency-key-in-use', undefined, { retryAfterS: 1 });
  }
  let response: KeptResponse;
  try {
    response = await work();
  } catch (error) {
    await db.idempotencyRecord.deleteMany({ where: { key, responseStatus: null } });
    throw error;
  }
  if (response.status >= 500 || response.keep === false) await db.idempotencyRecord.deleteMany({ where: { key, responseStatus: null } });
  else await db.idempotencyRecord.updateMany({ where: { key, responseStatus: null }, data: { responseStatus: response.status, responseBody: JSON.stringify({ headers: response.headers, body: response.body }) } });
  const { keep: _keep, ...answer } = response;
  return { ...answer, replayed: false };
}
