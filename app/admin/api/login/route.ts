import { ADMIN_COOKIE, AdminDisabledError, DEVICE_COOKIE, DEVICE_TTL_S, login, SESSION_TTL_S } from '@/lib/admin/auth';
import { clientAddress, cookieFrom } from '@/lib/admin/http';
import { secureCookieAttribute } from '@/lib/http/cookies';
import { readUrlEncodedForm } from '@/lib/http/read-body';
import { LOCALE_COOKIE, resolveLocale, translateMessage, type MessageKey } from '@/lib/i18n';

export const dynamic = 'force-dynamic';

const MESSAGES: Record<string, MessageKey> = { 'wrong-password': 'admin.wrongPassword', 'rate-limited': 'admin.rateLimited', closed: 'admin.closed' };

export async function POST(request: Request) {
  const json = (request.headers.get('accept') ?? '').includes('application/json');
  const locale = resolveLocale(cookieFrom(request, LOCALE_COOKIE), request.headers.get('accept-language'));
  const back = (reason: string, status: number, retryAfterS?: number) => {
    const headers = new Headers(retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) });
    if (json) {
      const error = translateMessage(locale, { key: MESSAGES[reason]!, params: { seconds: retryAfterS ?? 0 } });
      return Response.json({ error, reason, ...(retryAfterS === undefined ? {} : { retryAfterS }) }, { status, headers });
    }
    // Relative: the browser stays on the host it used (a proxy's name, 127.0.0.1), never the
    // instance's own address, which is all request.url knows.
    const query = new URLSearchParams({ error: reason, ...(retryAfterS === undefined ? {} : { wait: String(retryAfterS) }) });
    headers.set('location', `/admin/login?${query}`);
    return new Response(null, { status: 303, headers });
  };
  const body = await readUrlEncodedForm(request);
  if (!body.ok) return body.response;
  const form = body.form;
  try {
    const result = await login(form.get('password'), clientAddress(request), cookieFrom(request, DEVICE_COOKIE));
    if (!result.ok) return result.reason === 'rate-limited' ? back(result.reason, 429, result.retryAfterS) : back(result.reason, 401);
    const secure = secureCookieAttribute();
    const headers = new Headers();
    headers.append('set-cookie', `${ADMIN_COOKIE}=${result.cookieValue}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_S}${secure}`);
    // Only the login needs it: a browser that has it is throttled on its own (lib/admin/auth.ts).
    headers.append('set-cookie', `${DEVICE_COOKIE}=${result.deviceCookieValue}; Path=/admin/api/login; HttpOnly; SameSite=Strict; Max-Age=${DEVICE_TTL_S}${secure}`);
    if (json) return Response.json({ message: 'Logged in.' }, { headers });
    headers.set('location', '/admin');
    return new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof AdminDisabledError) return back('closed', 503);
    throw error;
  }
}
