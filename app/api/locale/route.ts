// The language switch: remembers the choice in the `lang` cookie and goes back to the page.
import { secureCookieAttribute } from '@/lib/http/cookies';
import { readUrlEncodedForm } from '@/lib/http/read-body';
import { safeRedirectPath } from '@/lib/http/safe-redirect';
import { isLocale, LOCALE_COOKIE } from '@/lib/i18n';

export async function POST(request: Request) {
  const body = await readUrlEncodedForm(request);
  if (!body.ok) return body.response;
  const form = body.form;
  const lang = form.get('lang');
  if (!isLocale(lang)) return Response.json({ error: 'The language must be "en" or "sv".' }, { status: 400 });
  // Anything that is not plainly a path on this shop goes to the home page instead.
  const target = safeRedirectPath(form.get('back'), '/');
  // A relative Location: the browser stays on the host it used (a proxy's name, 127.0.0.1).
  return new Response(null, {
    status: 303,
    headers: { location: target, 'set-cookie': `${LOCALE_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax${secureCookieAttribute()}` },
  });
}
