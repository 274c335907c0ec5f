import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { findPeriod, periodForReport, reconcilePeriod, REPORTS, ReportIdSchema, runReport } from '@/lib/admin/periods';
import { intlLocale, translateMessage } from '@/lib/i18n';
import { formatMoney } from '@/lib/money';
import { Flash } from '../../../flash';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PeriodPage({ params, searchParams }: Props) {
  const [{ id }, query, t, locale] = await Promise.all([params, searchParams, getT(), getLocale()]);
  const period = await findPeriod(id);
  if (!period) notFound();
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
  const reportId = ReportIdSchema.catch('Reconciliation/Shop.xml').parse(query.report);
  const [report, reconciliation] = await Promise.all([periodForReport(period, reportId).then((p) => runReport(p, reportId)), reconcilePeriod(period)]);

  return (
    <>
      <p><Link href="/admin/periods">{t('admin.period.back')}</Link></p>
      <h1>{t('admin.period.heading', { id: period.transactionPeriodId })}</h1>
      <p className="muted" data-testid="period-scope">{t(period.scope === 'SHOP' ? 'admin.periods.scope.shop' : 'admin.periods.scope.terminal', { terminal: period.terminalId ?? '' })}</p>
      <Flash value={query.flash} />
      <p className="muted">{t('admin.period.range', { from: period.startedAt ? dateTime.format(period.startedAt) : t('admin.periods.beginning'), to: dateTime.format(period.closedAt) })}</p>

      <h2>{t('admin.period.reconciliation')}</h2>
      {!reconciliation.ok ? (
        <p role="alert" className="form-error">{translateMessage(locale, reconciliation.message)}</p>
      ) : reconciliation.differences.length === 0 ? (
        <p role="status" data-testid="reconciliation">{t('admin.period.clean', { count: reconciliation.seqrCount })}</p>
      ) : (
        <table className="admin-table" tabIndex={0} aria-label={t('admin.period.reconciliation')} data-testid="reconciliation">
          <thead><tr><th scope="col">{t('admin.diff.kind')}</th><th scope="col">{t('admin.col.reference')}</th><th scope="col">{t('admin.diff.seqr')}</th><th scope="col">{t('admin.diff.shop')}</th><th scope="col">{t('admin.col.order')}</th></tr></thead>
          <tbody>
            {reconciliation.differences.map((d) => (
              <tr key={`${d.kind}-${d.ersReference}`}>
                <td>{t(`admin.diff.${d.kind}`)}</td>
                <td>{d.ersReference}</td>
                <td className="num">{d.seqrOre !== undefined ? formatMoney(d.seqrOre) : '—'}</td>
                <td className="num">{d.shopOre !== undefined ? formatMoney(d.shopOre) : '—'}</td>
                <td>{d.orderId ? <Link href={`/admin/orders/${d.orderId}`}>{d.order}</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('admin.period.report')}</h2>
      <nav className="report-tabs" aria-label={t('admin.period.report')}>
        {REPORTS.map((r) => (
          <Link key={r.id} href={`?report=${encodeURIComponent(r.id)}`} aria-current={r.id === reportId ? 'page' : undefined}>{r.name}</Link>
        ))}
      </nav>
      {!report.ok ? (
        <p role="alert" className="form-error">{translateMessage(locale, report.message)}</p>
      ) : (
        <>
          <p className="muted">{report.report.title} · {Object.entries(report.report.meta).map(([k, v]) => `${k} ${v}`).join(' · ')}</p>
          {report.report.rows.length === 0 ? (
            <p>{t('admin.period.noRows')}</p>
          ) : (
            <table className="admin-table" tabIndex={0} aria-label="Report">
              <thead><tr>{report.report.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>{report.report.rows.map((row, i) => <tr key={i}>{report.report.columns.map((c) => <td key={c}>{row[c] ?? ''}</td>)}</tr>)}</tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
