import { ADMIN_COOKIE, AdminDisabledError, login, SESSION_TTL_S } from '@/lib/admin/auth';
import { clientAddress } from '@/lib/admin/http';
import { getConfig } from '@/lib/config';
import { readUrlEncodedForm } from '@/lib/http/read-body';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  const json = (request.headers.get('accept') ?? '').includes('application/json');
  const back = (error: string, status: number) =>
    json ? Response.json({ error }, { status }) : Response.redirect(new URL(`/admin/login?error=${encodeURIComponent(error)}`, request.url), 303);
  const body = await readUrlEncodedForm(request);
  if (!body.ok) return body.response;
  const form = body.form;
  try {
    const result = await login(form.get('password'), clientAddress(request));
    if (!result.ok) return back(result.reason, result.reason === 'rate-limited' ? 429 : 401);
    const secure = getConfig().publicBaseUrl.startsWith('https://') ? '; Secure' : '';
    const headers = new Headers({ location: new URL('/admin', request.url).toString() });
    headers.append('set-cookie', `${ADMIN_COOKIE}=${result.cookieValue}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_S}${secure}`);
    return json ? Response.json({ message: 'Logged in.' }, { headers: { 'set-cookie': headers.get('set-cookie')! } }) : new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof AdminDisabledError) return back('closed', 503);
    throw error;
  }
}
