import Link from 'next/link';
import { listPeriods } from '@/lib/admin/periods';
import { Flash } from '../../flash';
import { requireAdminPage } from '../../session';

const dateTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });

export default async function PeriodsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [flash, session] = await Promise.all([searchParams, requireAdminPage()]);
  if ('closed' in session) return null;
  const periods = await listPeriods();
  return (
    <>
      <h1>Day close &amp; reports</h1>
      <Flash notice={flash.notice} error={flash.error} />
      <form method="post" action="/admin/api/periods">
        <input type="hidden" name="csrf" value={session.csrf} />
        <button type="submit" className="button-primary">Close period</button>
      </form>
      <p className="muted">Closing the period calls SEQR&apos;s markTransactionPeriod; its reports are ready a few seconds later.</p>
      {periods.length === 0 ? (
        <p>No period has been closed yet.</p>
      ) : (
        <table className="admin-table" aria-label="Periods">
          <thead><tr><th scope="col">Closed</th><th scope="col">From</th><th scope="col">SEQR period id</th></tr></thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/admin/periods/${p.id}`}>{dateTime.format(p.closedAt)}</Link></td>
                <td>{p.startedAt ? dateTime.format(p.startedAt) : 'the beginning'}</td>
                <td>{p.transactionPeriodId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
