import type { Metadata } from 'next';
import Link from 'next/link';
import { getT } from '@/app/i18n';
import { requireAdminPage } from '../session';

export const metadata: Metadata = { title: 'Back office', robots: { index: false } };

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const [session, t] = await Promise.all([requireAdminPage(), getT()]);
  if ('closed' in session) return <p role="alert" className="notice">{t('admin.closed')}</p>;
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.title')}>
        <Link href="/admin">{t('admin.nav.orders')}</Link>
        <Link href="/admin/products">{t('admin.nav.products')}</Link>
        <Link href="/admin/periods">{t('admin.nav.periods')}</Link>
        <form method="post" action="/admin/api/logout">
          <input type="hidden" name="csrf" value={session.csrf} />
          <button type="submit" className="button-link">{t('admin.logout')}</button>
        </form>
      </nav>
      {children}
    </div>
  );
}
