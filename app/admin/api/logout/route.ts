import { ADMIN_COOKIE, endSession } from '@/lib/admin/auth';
import { adminMutation } from '@/lib/admin/http';
import { secureCookieAttribute } from '@/lib/http/cookies';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  const response = await adminMutation(request, '/admin/login', async ({ session }) => {
    await endSession(session); // the cookie, wherever it was copied to, is refused from now on
    return { ok: true, message: { key: 'admin.logout' } };
  });
  if (response.status === 303 || response.status === 200) response.headers.append('set-cookie', `${ADMIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0${secureCookieAttribute()}`);
  return response;
}
