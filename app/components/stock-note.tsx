import type { Translate } from '@/lib/i18n';
import type { StockLevel } from '@/lib/stock';

type T = Translate;

/** "Sold out" or "Only N left" beside a product; nothing while plenty are in stock. */
export function StockNote({ level, t }: { level: StockLevel; t: T }) {
  if (level.soldOut) return <span className="stock-note stock-out" data-testid="stock-note">{t('stock.soldOut')}</span>;
  if (level.low) return <span className="stock-note stock-low" data-testid="stock-note">{t('stock.fewLeft', { available: level.available })}</span>;
  return null;
}
