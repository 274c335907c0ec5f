// What the back office shows for stored states and events, in the reader's language: status names
// through message keys, timeline lines from an event's kind, operation and statuses (its stored
// English message only where nothing else says what happened), and a readable period label.
import { translator, type Locale } from '../i18n';
import { en, SEQR_SENTENCES_SV, type MessageKey } from '../i18n/messages';
import { describeResultCode } from '../seqr/result-codes';

export type StatusEntity = 'order' | 'attempt' | 'refund' | 'receipt' | 'fulfilment';

const ENTITIES: readonly StatusEntity[] = ['order', 'attempt', 'refund', 'receipt', 'fulfilment'];

/** "PARTIALLY_REFUNDED" -> "partially refunded" / "delvis återbetald"; unknown states as they are. */
export function statusLabel(locale: Locale, entity: StatusEntity, status: string): string {
  const key = `status.${entity}.${status}`;
  return key in en ? translator(locale)(key as MessageKey) : status.replaceAll('_', ' ').toLowerCase();
}

export type TimelineEvent = {
  kind: 'ORDER_CREATED' | 'SEQR_CALL' | 'STATUS_CHANGE' | 'NOTE';
  operation: string | null;
  resultCode: number | null;
  durationMs: number | null;
  fromStatus: string | null;
  toStatus: string | null;
  message: string | null;
};

/** "0 SUCCESS (sentence)": SEQR's code and name, and its sentence in the reader's language where we have one. */
function seqrResult(locale: Locale, code: number): string {
  const info = describeResultCode(code);
  return `${code} ${info.name} (${(locale === 'sv' && SEQR_SENTENCES_SV[code]) || info.sentence})`;
}

/** One timeline line. `original` is the stored English note, shown only for free-text notes. */
export function timelineLine(locale: Locale, event: TimelineEvent): { text: string; original?: string } {
  const t = translator(locale);
  switch (event.kind) {
    case 'ORDER_CREATED':
      return { text: t('admin.event.created') };
    case 'SEQR_CALL': {
      return { text: t('admin.event.call', { operation: event.operation ?? '?', result: event.resultCode === null ? t('admin.event.noAnswer') : seqrResult(locale, event.resultCode), ms: event.durationMs ?? 0 }) };
    }
    case 'STATUS_CHANGE': {
      // fromStatus is "<entity>:<state>|<state>" (the states the move was allowed from).
      const [prefix, states = ''] = (event.fromStatus ?? '').includes(':') ? (event.fromStatus ?? '').split(':', 2) : ['attempt', event.fromStatus ?? ''];
      const entity = (ENTITIES as readonly string[]).includes(prefix ?? '') ? (prefix as StatusEntity) : 'attempt';
      const to = event.toStatus ? statusLabel(locale, entity, event.toStatus) : '?';
      const from = states.split('|').filter(Boolean).map((s) => statusLabel(locale, entity, s)).join(' / ');
      const what = t(`admin.event.entity.${entity}`);
      return { text: from ? t('admin.event.change', { what, from, to }) : t('admin.event.became', { what, to }) };
    }
    case 'NOTE':
      return locale === 'en' ? { text: event.message ?? '' } : { text: t('admin.event.note'), original: event.message ?? '' };
  }
}

/** Local date ("2026-12-01") and time ("23:00") of an instant in the shop's time zone. */
function localParts(at: Date, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` };
}

export type PeriodForLabel = { startedAt: Date | null; closedAt: Date; scope: 'SHOP' | 'TERMINAL'; terminalId: string | null };

/**
 * "Day 2026-12-01, 00:00–23:59, shop" for a period within one local day, "2026-11-30 23:00 –
 * 2026-12-01 23:00, shop" across days, "Until 2026-12-01 23:00, shop" for the first period. Times
 * are the shop's (SHOP_TIME_ZONE); a period closed at midnight ends at 23:59 of the day before.
 */
export function periodLabel(locale: Locale, period: PeriodForLabel, timeZone: string): string {
  const t = translator(locale);
  const scope = period.scope === 'SHOP' ? t('admin.periodLabel.shop') : t('admin.periodLabel.terminal', { terminal: period.terminalId ?? '' });
  // A period closed at midnight covers the day before it: its last minute is 23:59.
  const closed = localParts(period.closedAt, timeZone);
  const end = closed.time === '00:00' && period.startedAt ? localParts(new Date(period.closedAt.getTime() - 60_000), timeZone) : closed;
  if (!period.startedAt) return t('admin.periodLabel.until', { date: end.date, time: end.time, scope });
  const start = localParts(period.startedAt, timeZone);
  if (start.date === end.date) return t('admin.periodLabel.day', { date: start.date, from: start.time, to: end.time, scope });
  return t('admin.periodLabel.span', { fromDate: start.date, from: start.time, toDate: end.date, to: end.time, scope });
}
