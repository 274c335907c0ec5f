import Link from 'next/link';
import { getLocale, getT } from '@/app/i18n';
import { dayCloseOverview, listPeriods } from '@/lib/admin/periods';
import { periodLabel } from '@/lib/admin/labels';
import { getConfig } from '@/lib/config';
import { intlLocale } from '@/lib/i18n';
import { Flash } from '../../flash';
import { requireAdminPage } from '../../session';

export default async function PeriodsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [flash, session, t, locale] = await Promise.all([searchParams, requireAdminPage(), getT(), getLocale()]);
  if ('closed' in session) return null;
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: getConfig().timeZone });
  const [periods, dayClose] = await Promise.all([listPeriods(), dayCloseOverview()]);
  const at = dayClose.schedule ? `${String(dayClose.schedule.at.hour).padStart(2, '0')}:${String(dayClose.schedule.at.minute).padStart(2, '0')}` : undefined;
  return (
    <>
      <h1>{t('admin.periods.heading')}</h1>
      <Flash value={flash.flash} />
      <form method="post" action="/admin/api/periods">
        <input type="hidden" name="csrf" value={session.csrf} />
        <button type="submit" className="button-primary">{t('admin.periods.close')}</button>
      </form>
      <p className="muted">{t('admin.periods.hint')}</p>
      <p data-testid="day-close-schedule">{at ? t('admin.dayClose.on', { at, zone: dayClose.timeZone }) : t('admin.dayClose.off')}</p>
      {dayClose.latest.length > 0 && (
        <table className="admin-table" tabIndex={0} aria-label={t('admin.dayClose.heading')} data-testid="day-closes">
          <thead><tr><th scope="col">{t('admin.dayClose.day')}</th><th scope="col">{t('admin.dayClose.outcome')}</th></tr></thead>
          <tbody>
            {dayClose.latest.map((close) => (
              <tr key={close.id}>
                <td>{close.day}</td>
                <td>
                  {close.status === 'DONE'
                    ? t('admin.dayClose.done', { count: close.seqrCount ?? 0, differences: Array.isArray(close.differences) ? close.differences.length : 0 })
                    : close.lastError
                      ? t('admin.dayClose.waiting', { reason: close.lastError })
                      : t('admin.dayClose.running')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {periods.length === 0 ? (
        <p>{t('admin.periods.none')}</p>
      ) : (
        <table className="admin-table" tabIndex={0} aria-label={t('admin.periods.heading')}>
          <thead><tr><th scope="col">{t('admin.periods.period')}</th><th scope="col">{t('admin.periods.closed')}</th><th scope="col">{t('admin.periods.from')}</th><th scope="col">{t('admin.periods.scope')}</th><th scope="col">{t('admin.periods.id')}</th></tr></thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/admin/periods/${p.id}`}>{periodLabel(locale, p, getConfig().timeZone)}</Link></td>
                <td>{dateTime.format(p.closedAt)}</td>
                <td>{p.startedAt ? dateTime.format(p.startedAt) : t('admin.periods.beginning')}</td>
                <td>{t(p.scope === 'SHOP' ? 'admin.periods.scope.shop' : 'admin.periods.scope.terminal', { terminal: p.terminalId ?? '' })}</td>
                <td>{p.transactionPeriodId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
