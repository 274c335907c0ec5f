import type { Metadata } from 'next';
import { getT } from '@/app/i18n';
import { getConfig } from '@/lib/config';
import type { MessageKey } from '@/lib/i18n';

export const metadata: Metadata = { title: 'Back office', robots: { index: false } };

const ERRORS: Record<string, MessageKey> = { 'wrong-password': 'admin.wrongPassword', 'rate-limited': 'admin.rateLimited', closed: 'admin.closed' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ error, wait }, t] = await Promise.all([searchParams, getT()]);
  const seconds = typeof wait === 'string' && /^\d{1,6}$/.test(wait) ? Number(wait) : 60;
  const closed = !getConfig().adminPassword;
  const key = closed ? 'admin.closed' : typeof error === 'string' ? ERRORS[error] : undefined;
  return (
    <section className="login">
      <h1>{t('admin.title')}</h1>
      {key && <p role="alert" className="form-error">{t(key, { seconds })}</p>}
      <form method="post" action="/admin/api/login" className="stack">
        <label htmlFor="admin-password">{t('admin.password')}</label>
        <input id="admin-password" name="password" type="password" autoComplete="current-password" required className="text-input" />
        <button type="submit" className="button-primary" disabled={closed}>{t('admin.login')}</button>
      </form>
    </section>
  );
}
