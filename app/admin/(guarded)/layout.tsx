import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdminPage } from '../session';

export const metadata: Metadata = { title: 'Back office', robots: { index: false } };

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const session = await requireAdminPage();
  if ('closed' in session) return <p role="alert" className="notice">{session.closed}</p>;
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Back office">
        <Link href="/admin">Orders</Link>
        <Link href="/admin/periods">Day close &amp; reports</Link>
        <form method="post" action="/admin/api/logout">
          <input type="hidden" name="csrf" value={session.csrf} />
          <button type="submit" className="button-link">Log out</button>
        </form>
      </nav>
      {children}
    </div>
  );
}
