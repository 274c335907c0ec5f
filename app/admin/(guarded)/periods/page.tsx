import Link from 'next/link';
import { getLocale, getT } from '@/app/i18n';
import { listPeriods } from '@/lib/admin/periods';
import { intlLocale } from '@/lib/i18n';
import { Flash } from '../../flash';
import { requireAdminPage } from '../../session';

export default async function PeriodsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [flash, session, t, locale] = await Promise.all([searchParams, requireAdminPage(), getT(), getLocale()]);
  if ('closed' in session) return null;
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
  const periods = await listPeriods();
  return (
    <>
      <h1>{t('admin.periods.heading')}</h1>
      <Flash notice={flash.notice} error={flash.error} />
      <form method="post" action="/admin/api/periods">
        <input type="hidden" name="csrf" value={session.csrf} />
        <button type="submit" className="button-primary">{t('admin.periods.close')}</button>
      </form>
      <p className="muted">{t('admin.periods.hint')}</p>
      {periods.length === 0 ? (
        <p>{t('admin.periods.none')}</p>
      ) : (
        <table className="admin-table" aria-label={t('admin.periods.heading')}>
          <thead><tr><th scope="col">{t('admin.periods.closed')}</th><th scope="col">{t('admin.periods.from')}</th><th scope="col">{t('admin.periods.id')}</th></tr></thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/admin/periods/${p.id}`}>{dateTime.format(p.closedAt)}</Link></td>
                <td>{p.startedAt ? dateTime.format(p.startedAt) : t('admin.periods.beginning')}</td>
                <td>{p.transactionPeriodId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
