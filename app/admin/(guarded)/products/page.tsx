import { getLocale, getT } from '@/app/i18n';
import { intlLocale } from '@/lib/i18n';
import { listStock, listStockChanges } from '@/lib/stock';
import { Flash } from '../../flash';
import { requireAdminPage } from '../../session';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminProductsPage({ searchParams }: Props) {
  const [flash, session, t, locale] = await Promise.all([searchParams, requireAdminPage(), getT(), getLocale()]);
  if ('closed' in session) return null;
  const [products, changes] = await Promise.all([listStock(), listStockChanges()]);
  const dateTime = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Stockholm' });
  const number = new Intl.NumberFormat(intlLocale(locale), { signDisplay: 'exceptZero' });
  return (
    <>
      <h1>{t('admin.stock.heading')}</h1>
      <Flash value={flash.flash} />
      {/* One card per product: the edit forms fit a phone without a sideways-scrolling table. */}
      <ul className="stock-list" aria-label={t('admin.stock.heading')}>
        {products.map((p) => (
          <li key={p.id} className="stock-card" data-sku={p.sku}>
            <h2 className="stock-card-name">{p.name} <span className="muted">{p.sku}</span></h2>
            <dl className="stock-figures">
              <div><dt>{t('admin.stock.onHand')}</dt><dd data-testid="stock-on-hand">{p.stockOnHand}</dd></div>
              <div><dt>{t('admin.stock.reserved')}</dt><dd>{p.stockReserved}</dd></div>
              <div><dt>{t('admin.stock.available')}</dt><dd data-testid="stock-available">{p.available}</dd></div>
            </dl>
            <div className="stock-forms">
              <form method="post" action={`/admin/api/products/${p.id}/stock`} className="inline-form">
                <input type="hidden" name="csrf" value={session.csrf} />
                <input type="hidden" name="mode" value="set" />
                <label>
                  <span className="visually-hidden">{t('admin.stock.setLabel', { name: p.name })}</span>
                  <input name="quantity" type="number" inputMode="numeric" min={p.stockReserved} step={1} defaultValue={p.stockOnHand} required className="text-input stock-input" />
                </label>
                <button type="submit" className="button-secondary">{t('admin.stock.set')}</button>
              </form>
              <form method="post" action={`/admin/api/products/${p.id}/stock`} className="inline-form">
                <input type="hidden" name="csrf" value={session.csrf} />
                <input type="hidden" name="mode" value="adjust" />
                <label>
                  <span className="visually-hidden">{t('admin.stock.adjustLabel', { name: p.name })}</span>
                  <input name="quantity" type="number" inputMode="numeric" step={1} placeholder="+10" required className="text-input stock-input" />
                </label>
                <button type="submit" className="button-secondary">{t('admin.stock.adjust')}</button>
              </form>
            </div>
          </li>
        ))}
      </ul>

      <h2>{t('admin.stock.history')}</h2>
      {changes.length === 0 ? (
        <p className="muted">{t('admin.stock.noChanges')}</p>
      ) : (
        <table className="admin-table" tabIndex={0}>
          <thead>
            <tr>
              <th scope="col">{t('admin.stock.when')}</th>
              <th scope="col">{t('admin.stock.product')}</th>
              <th scope="col">{t('admin.stock.change')}</th>
              <th scope="col">{t('admin.stock.onHand')}</th>
              <th scope="col">{t('admin.stock.who')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={String(c.id)}>
                <td>{dateTime.format(c.at)}</td>
                <td>{c.product.name} ({c.product.sku})</td>
                <td className="num">{number.format(c.delta)}</td>
                <td className="num">{c.onHandBefore} → {c.onHandAfter}</td>
                <td>{c.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
