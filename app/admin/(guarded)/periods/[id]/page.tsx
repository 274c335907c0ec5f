import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getT } from '@/app/i18n';
import { periodLabel } from '@/lib/admin/labels';
import { findPeriod, periodForReport, reconcilePeriod, REPORTS, ReportIdSchema, reportTable, runReport } from '@/lib/admin/periods';
import { getConfig } from '@/lib/config';
import { intlLocale, moneyLocale, translateMessage } from '@/lib/i18n';
import type { MessageKey } from '@/lib/i18n/messages';
import { formatMoney as formatMoneyIn } from '@/lib/money';
import { Flash } from '../../../flash';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PeriodPage({ params, searchParams }: Props) {
  const [{ id }, query, t, locale] = await Promise.all([params, searchParams, getT(), getLocale()]);
  const period = await findPeriod(id);
  if (!period) notFound();
  const timeZone = getConfig().timeZone;
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone });
  const formatMoney = (ore: number | undefined) => (ore === undefined ? '—' : formatMoneyIn(ore, moneyLocale(locale)));
  const reportId = ReportIdSchema.catch('Reconciliation/Shop.xml').parse(query.report);
  const [report, reconciliation] = await Promise.all([periodForReport(period, reportId).then((p) => runReport(p, reportId)), reconcilePeriod(period)]);
  const table = report.ok ? reportTable(report.report, locale, timeZone) : null;
  const rows = reconciliation.ok
    ? [
        ...reconciliation.matches.map((m) => ({ ...m, kind: 'matched' as const })),
        ...reconciliation.differences,
      ]
    : [];

  return (
    <>
      <p><Link href="/admin/periods">{t('admin.period.back')}</Link></p>
      <h1>{periodLabel(locale, period, timeZone)}</h1>
      <p className="muted" data-testid="period-id">{t('admin.period.idDetail', { id: period.transactionPeriodId })}</p>
      <p className="muted" data-testid="period-scope">{t(period.scope === 'SHOP' ? 'admin.periods.scope.shop' : 'admin.periods.scope.terminal', { terminal: period.terminalId ?? '' })}</p>
      <Flash value={query.flash} />
      <p className="muted">{t('admin.period.range', { from: period.startedAt ? dateTime.format(period.startedAt) : t('admin.periods.beginning'), to: dateTime.format(period.closedAt) })} ({timeZone})</p>

      <h2>{t('admin.period.reconciliation')}</h2>
      {!reconciliation.ok ? (
        <p role="alert" className="form-error">{translateMessage(locale, reconciliation.message)}</p>
      ) : (
        <>
          <p role="status" data-testid="reconciliation">
            {reconciliation.differences.length === 0
              ? t('admin.period.clean', { count: reconciliation.seqrCount })
              : t('admin.recon.summary', { matched: reconciliation.matches.length, differences: reconciliation.differences.length, seqr: reconciliation.seqrCount, shop: reconciliation.shopCount })}
          </p>
          {rows.length === 0 ? (
            <p>{t('admin.recon.none')}</p>
          ) : (
            <table className="admin-table" tabIndex={0} aria-label={t('admin.period.reconciliation')} data-testid="reconciliation-rows">
              <thead><tr><th scope="col">{t('admin.recon.outcome')}</th><th scope="col">{t('admin.col.reference')}</th><th scope="col" className="num">{t('admin.recon.seqr')}</th><th scope="col" className="num">{t('admin.recon.shop')}</th><th scope="col">{t('admin.col.order')}</th></tr></thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={`${d.kind}-${d.ersReference}`} data-outcome={d.kind}>
                    <td>{d.kind === 'matched' ? t('admin.recon.matched') : t(`admin.diff.${d.kind}` as MessageKey)}</td>
                    <td>{d.ersReference}</td>
                    <td className="num">{formatMoney(d.seqrOre)}</td>
                    <td className="num">{formatMoney(d.shopOre)}</td>
                    <td>{d.orderId ? <Link href={`/admin/orders/${d.orderId}`}>{d.order}</Link> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <h2>{t('admin.period.report')}</h2>
      <nav className="report-tabs" aria-label={t('admin.period.report')}>
        {REPORTS.map((r) => (
          <Link key={r.id} href={`?report=${encodeURIComponent(r.id)}`} aria-current={r.id === reportId ? 'page' : undefined}>{t(r.key)}</Link>
        ))}
      </nav>
      {!report.ok || !table ? (
        <p role="alert" className="form-error">{!report.ok ? translateMessage(locale, report.message) : ''}</p>
      ) : (
        <>
          <dl className="receipt-facts report-meta">
            {table.meta.map((m) => <div key={m.label}><dt>{m.label}</dt><dd>{m.value}</dd></div>)}
            {report.report.title ? <div><dt>{t('admin.report.file')}</dt><dd>{report.report.title}</dd></div> : null}
          </dl>
          {table.rows.length === 0 ? (
            <p>{t('admin.period.noRows')}</p>
          ) : (
            <table className="admin-table" tabIndex={0} aria-label={t('admin.report.table')}>
              <thead><tr>{table.columns.map((c) => <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>{c.label}</th>)}</tr></thead>
              <tbody>{table.rows.map((row, i) => <tr key={i}>{row.map((value, j) => <td key={j} className={table.columns[j]?.numeric ? 'num' : undefined}>{value}</td>)}</tr>)}</tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
