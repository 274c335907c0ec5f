import type { Metadata } from 'next';
import { getConfig } from '@/lib/config';

export const metadata: Metadata = { title: 'Back office login', robots: { index: false } };

const MESSAGES: Record<string, string> = {
  'wrong-password': 'That password is not right.',
  'rate-limited': 'Too many failed logins. Wait 15 minutes and try again.',
  closed: 'The back office is closed: set ADMIN_PASSWORD (at least 8 characters) to open it.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { error } = await searchParams;
  const message = typeof error === 'string' ? MESSAGES[error] : undefined;
  const closed = !getConfig().adminPassword;
  return (
    <section className="login">
      <h1>Back office</h1>
      {(message || closed) && <p role="alert" className="form-error">{closed ? MESSAGES.closed : message}</p>}
      <form method="post" action="/admin/api/login" className="stack">
        <label htmlFor="admin-password">Password</label>
        <input id="admin-password" name="password" type="password" autoComplete="current-password" required className="text-input" />
        <button type="submit" className="button-primary" disabled={closed}>Log in</button>
      </form>
    </section>
  );
}
