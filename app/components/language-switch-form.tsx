import type { Locale } from '@/lib/i18n';

/** The language switch: a plain form, so it works without JavaScript. */
export function LanguageSwitchForm({ current, label, back }: { current: Locale; label: string; back: string }) {
  const other = current === 'sv' ? { lang: 'en', name: 'English' } : { lang: 'sv', name: 'Svenska' };
  return (
    <form method="post" action="/api/locale" className="language-switch" aria-label={label}>
      <input type="hidden" name="lang" value={other.lang} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" className="button-link header-link" lang={other.lang}>{other.name}</button>
    </form>
  );
}
