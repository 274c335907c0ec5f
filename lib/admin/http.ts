// The guard every back-office request goes through: a valid session for pages (else the login
// page) and, for mutations, a valid session (else 401) plus the session's CSRF token (else 403).
import { safeRedirectPath } from '../http/safe-redirect';
import { LOCALE_COOKIE, resolveLocale, translateMessage, type Message } from '../i18n';
import { getConfig } from '../config';
import { readUrlEncodedForm } from '../http/read-body';
import { ADMIN_COOKIE, AdminDisabledError, checkCsrf, readSession, type AdminSession } from './auth';
import { clientFromForwardedFor } from './client-address';
import { encodeFlash, FLASH_PARAM } from './flash';

export function cookieFrom(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a malformed %-escape is no cookie, not a 500
    }
  }
  return undefined;
}

/**
 * The address failed logins are counted against: from the X-Forwarded-For that scripts/serve.ts
 * rewrites from the socket (and TRUST_PROXY_HOPS), never from what the client sent.
 */
export function clientAddress(request: Request): string {
  return clientFromForwardedFor(request.headers.get('x-forwarded-for'), getConfig().trustProxyHops);
}

const wantsJson = (request: Request) => (request.headers.get('accept') ?? '').includes('application/json');

/** Answer a mutation: JSON for scripts, or a 303 back to a page with a notice or an error for forms. */
/** `flash: false`: the page at backTo says it all itself (a confirmation step), no notice above it. */
export type MutationOutcome = { ok: boolean; message: Message; status?: number; backTo?: string; flash?: false };

export function mutationResponse(request: Request, outcome: MutationOutcome, backTo: string): Response {
  if (wantsJson(request)) {
    const text = translateMessage(resolveLocale(cookieFrom(request, LOCALE_COOKIE), request.headers.get('accept-language')), outcome.message);
    return Response.json(outcome.ok ? { message: text } : { error: text }, { status: outcome.ok ? (outcome.status ?? 200) : (outcome.status ?? 400) });
  }
  // The page shows the outcome from a signed flash (lib/admin/flash.ts), never from free text in
  // the URL; the target is a back-office path even if an id in it came from the request.
  const target = new URL(safeRedirectPath(outcome.backTo ?? backTo, '/admin'), 'http://shop.invalid');
  const flash = outcome.flash === false ? undefined : encodeFlash({ ok: outcome.ok, message: outcome.message });
  if (flash) target.searchParams.set(FLASH_PARAM, flash);
  return new Response(null, { status: 303, headers: { location: `${target.pathname}${target.search}`, 'cache-control': 'no-store' } });
}

export type MutationContext = { session: AdminSession; form: FormData };

/** Run a back-office mutation behind the session and CSRF checks. */
export async function adminMutation(request: Request, backTo: string, work: (context: MutationContext) => Promise<MutationOutcome>): Promise<Response> {
  let session: AdminSession | null;
  try {
    session = await readSession(cookieFrom(request, ADMIN_COOKIE));
  } catch (error) {
    if (error instanceof AdminDisabledError) return Response.json({ error: error.message }, { status: 503 });
    throw error;
  }
  if (!session) return Response.json({ error: 'Log in to the back office first.' }, { status: 401 });
  // Read through the cap (413 / 415 with a sentence); handed on as FormData, as before.
  const body = await readUrlEncodedForm(request);
  if (!body.ok) return body.response;
  const form = new FormData();
  for (const [key, value] of body.form) form.append(key, value);
  if (!(await checkCsrf(session, form.get('csrf') ?? request.headers.get('x-csrf-token')))) {
    return Response.json({ error: 'The form has expired or did not come from the back office; reload the page and try again.' }, { status: 403 });
  }
  return mutationResponse(request, await work({ session, form }), backTo);
}
