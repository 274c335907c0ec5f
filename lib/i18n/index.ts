// Swedish and English. The language comes from the `lang` cookie (the switch), else from the
// browser's Accept-Language; English when neither says Swedish.
import { describeResultCode } from '../seqr/result-codes';
import { en, SEQR_SENTENCES_SV, sv, type MessageKey } from './messages';

export type { MessageKey } from './messages';
export const LOCALES = ['en', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_COOKIE = 'lang';

export type Params = Record<string, string | number>;
/**
 * A text that is translated where it is shown: domain code returns these, not sentences.
 * `seqrCode` fills the {reason} parameter with SEQR's result in the reader's language.
 */
export type Message = { key: MessageKey; params?: Params; seqrCode?: number };
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'sv';
}

export function resolveLocale(cookie: string | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = Number(rest.find((r) => r.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { language: tag.toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { language } of wanted) if (language === 'sv' || language === 'en') return language;
  return 'en';
}

export function translator(locale: Locale): Translate {
  const table = locale === 'sv' ? sv : en;
  return (key, params) => (table[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

export function translateMessage(locale: Locale, message: Message): string {
  const params = message.seqrCode === undefined ? message.params : { ...message.params, reason: seqrReason(locale, message.seqrCode) };
  return translator(locale)(message.key, params);
}

/** SEQR's sentence for a result code, in Swedish where we have one, with the code and its name. */
export function seqrReason(locale: Locale, code: number): string {
  const info = describeResultCode(code);
  return `${(locale === 'sv' && SEQR_SENTENCES_SV[code]) || info.sentence} (${code} ${info.name})`;
}

/** Intl locale for dates and numbers (money stays Swedish kronor either way). */
export function intlLocale(locale: Locale): string {
  return locale === 'sv' ? 'sv-SE' : 'en-GB';
}

/** Intl locale for money in the back office: Swedish-style kronor in both languages ("1 346,50 kr"). */
export function moneyLocale(locale: Locale): string {
  return locale === 'sv' ? 'sv-SE' : 'en-SE';
}
