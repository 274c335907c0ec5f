// The back-office session for pages: a valid session, or the login page.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { ADMIN_COOKIE, AdminDisabledError, csrfToken, readSession } from '@/lib/admin/auth';

export type PageSession = { csrf: string } | { closed: string };

export async function requireAdminPage(): Promise<PageSession> {
  try {
    const session = await readSession((await cookies()).get(ADMIN_COOKIE)?.value);
    if (!session) redirect('/admin/login');
    return { csrf: await csrfToken(session) };
  } catch (error) {
    if (error instanceof AdminDisabledError) return { closed: error.message };
    throw error;
  }
}
