import Link from 'next/link';
import { notFound } from 'next/navigation';
import { findPeriod, reconcilePeriod, REPORTS, ReportIdSchema, runReport } from '@/lib/admin/periods';
import { formatMoney } from '@/lib/money';
import { Flash } from '../../../flash';

const dateTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
const KIND_TEXT = { 'missing-in-shop': 'At SEQR, not in the shop', 'missing-at-seqr': 'In the shop, not at SEQR', 'amount-mismatch': 'Amounts differ' } as const;

export default async function PeriodPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const period = await findPeriod(id);
  if (!period) notFound();
  const reportId = ReportIdSchema.catch('Reconciliation/Shop.xml').parse(query.report);
  const [report, reconciliation] = await Promise.all([runReport(period, reportId), reconcilePeriod(period)]);

  return (
    <>
      <p><Link href="/admin/periods">← Periods</Link></p>
      <h1>Period {period.transactionPeriodId}</h1>
      <Flash notice={query.notice} error={query.error} />
      <p className="muted">From {period.startedAt ? dateTime.format(period.startedAt) : 'the beginning'} to {dateTime.format(period.closedAt)}</p>

      <h2>Reconciliation</h2>
      {!reconciliation.ok ? (
        <p role="alert" className="form-error">{reconciliation.message}</p>
      ) : reconciliation.differences.length === 0 ? (
        <p role="status" data-testid="reconciliation">No differences: SEQR and the shop agree on {reconciliation.seqrCount} transaction(s).</p>
      ) : (
        <table className="admin-table" aria-label="Differences" data-testid="reconciliation">
          <thead><tr><th scope="col">Difference</th><th scope="col">SEQR reference</th><th scope="col">SEQR</th><th scope="col">Shop</th><th scope="col">Order</th></tr></thead>
          <tbody>
            {reconciliation.differences.map((d) => (
              <tr key={`${d.kind}-${d.ersReference}`}>
                <td>{KIND_TEXT[d.kind]}</td>
                <td>{d.ersReference}</td>
                <td className="num">{d.seqrOre !== undefined ? formatMoney(d.seqrOre) : '—'}</td>
                <td className="num">{d.shopOre !== undefined ? formatMoney(d.shopOre) : '—'}</td>
                <td>{d.orderId ? <Link href={`/admin/orders/${d.orderId}`}>{d.order}</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>SEQR report</h2>
      <nav className="report-tabs" aria-label="Reports">
        {REPORTS.map((r) => (
          <Link key={r.id} href={`?report=${encodeURIComponent(r.id)}`} aria-current={r.id === reportId ? 'page' : undefined}>{r.name}</Link>
        ))}
      </nav>
      {!report.ok ? (
        <p role="alert" className="form-error">{report.message}</p>
      ) : (
        <>
          <p className="muted">{report.report.title} · {Object.entries(report.report.meta).map(([k, v]) => `${k} ${v}`).join(' · ')}</p>
          {report.report.rows.length === 0 ? (
            <p>The report has no rows for this period.</p>
          ) : (
            <table className="admin-table" aria-label="Report">
              <thead><tr>{report.report.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>{report.report.rows.map((row, i) => <tr key={i}>{report.report.columns.map((c) => <td key={c}>{row[c] ?? ''}</td>)}</tr>)}</tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
