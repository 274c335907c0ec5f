// The outcome of a back-office form post, carried to the page it redirects to. A page must never
// show text a link can choose (`/admin?notice=Your account is suspended, call…`), so the redirect
// carries a message key and its parameters, signed by the shop, and expiring soon; the page shows
// it only if the signature holds and the key is one of the back office's messages. It is
// translated where it is shown, in the reader's language.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getConfig } from '../config';
import type { Message } from '../i18n';
import { en, type MessageKey } from '../i18n/messages';

export const FLASH_PARAM = 'flash';
/** Long enough to follow the redirect and reload once; a link that old shows nothing. */
export const FLASH_TTL_S = 10 * 60;
const MAX_FLASH_LENGTH = 4096;

export type Flash = { ok: boolean; message: Message };

const FlashSchema = z.object({
  ok: z.boolean(),
  key: z.string().max(80),
  params: z.record(z.string().max(40), z.union([z.string().max(600), z.number()])).optional(),
  seqrCode: z.number().int().optional(),
  exp: z.number().int(),
});

/** Derived from ADMIN_PASSWORD like the sessions, so every instance of the shop shares it. */
function flashKey(): Buffer | null {
  const password = getConfig().adminPassword;
  return password ? createHash('sha256').update(`seqr-shop admin flash\0${password}`).digest() : null;
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

const isAdminMessageKey = (key: string): key is MessageKey => key.startsWith('admin.') && Object.hasOwn(en, key);

/** The query value for a flash, or null when the back office is closed (no key to sign with). */
export function encodeFlash(flash: Flash, now = Date.now()): string | null {
  const key = flashKey();
  if (!key) return null;
  const { key: messageKey, seqrCode } = flash.message;
  // Within what decodeFlash accepts: a long error sentence is cut rather than lost.
  const params = flash.message.params && Object.fromEntries(Object.entries(flash.message.params).map(([name, v]) => [name, typeof v === 'string' ? v.slice(0, 600) : v]));
  const payload = Buffer.from(JSON.stringify({ ok: flash.ok, key: messageKey, params, seqrCode, exp: Math.floor(now / 1000) + FLASH_TTL_S })).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The flash a query value proves, or null: missing, forged, expired, or not a back-office message. */
export function decodeFlash(value: unknown, now = Date.now()): Flash | null {
  if (typeof value !== 'string' || value.length > MAX_FLASH_LENGTH) return null;
  const key = flashKey();
  const [payload, signature, extra] = value.split('.');
  if (!key || !payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: z.infer<typeof FlashSchema>;
  try {
    const result = FlashSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!result.success) return null;
    parsed = result.data;
  } catch {
    return null;
  }
  if (parsed.exp * 1000 < now || !isAdminMessageKey(parsed.key)) return null;
  return { ok: parsed.ok, message: { key: parsed.key, params: parsed.params, seqrCode: parsed.seqrCode } };
}
