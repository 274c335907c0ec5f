// The language switch: remembers the choice in the `lang` cookie and goes back to the page.
import { isLocale, LOCALE_COOKIE } from '@/lib/i18n';

export async function POST(request: Request) {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.json({ error: 'Send the language as a form field named "lang" (en or sv).' }, { status: 415 });
  }
  const lang = form.get('lang');
  if (!isLocale(lang)) return Response.json({ error: 'The language must be "en" or "sv".' }, { status: 400 });
  const back = String(form.get('back') ?? '/');
  const target = back.startsWith('/') && !back.startsWith('//') ? back : '/';
  return new Response(null, {
    status: 303,
    headers: { location: new URL(target, request.url).toString(), 'set-cookie': `${LOCALE_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax` },
  });
}
