// The guard every back-office request goes through: a valid session for pages (else the login
// page) and, for mutations, a valid session (else 401) plus the session's CSRF token (else 403).
import { LOCALE_COOKIE, resolveLocale, translateMessage, type Message } from '../i18n';
import { getConfig } from '../config';
import { ADMIN_COOKIE, AdminDisabledError, checkCsrf, readSession, type AdminSession } from './auth';
import { clientFromForwardedFor } from './client-address';

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
export type MutationOutcome = { ok: boolean; message: Message; status?: number; backTo?: string };

export function mutationResponse(request: Request, outcome: MutationOutcome, backTo: string): Response {
  const text = translateMessage(resolveLocale(cookieFrom(request, LOCALE_COOKIE), request.headers.get('accept-language')), outcome.message);
  if (wantsJson(request)) return Response.json(outcome.ok ? { message: text } : { error: text }, { status: outcome.ok ? 200 : (outcome.status ?? 400) });
  const url = new URL(outcome.backTo ?? backTo, request.url);
  url.searchParams.set(outcome.ok ? 'notice' : 'error', text);
  return Response.redirect(url, 303);
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
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.json({ error: 'The request must be a form (application/x-www-form-urlencoded or multipart/form-data).' }, { status: 415 });
  }
  if (!(await checkCsrf(session, form.get('csrf') ?? request.headers.get('x-csrf-token')))) {
    return Response.json({ error: 'The form has expired or did not come from the back office; reload the page and try again.' }, { status: 403 });
  }
  return mutationResponse(request, await work({ session, form }), backTo);
}
