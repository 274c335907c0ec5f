'use client';

// Posts to /api/locale with the current address, so the shopper lands where they were.
import { usePathname, useSearchParams } from 'next/navigation';

export function LanguageSwitch({ current, label }: { current: 'en' | 'sv'; label: string }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const other = current === 'sv' ? { lang: 'en', name: 'English' } : { lang: 'sv', name: 'Svenska' };
  return (
    <form method="post" action="/api/locale" className="language-switch" aria-label={label}>
      <input type="hidden" name="lang" value={other.lang} />
      <input type="hidden" name="back" value={search ? `${pathname}?${search}` : pathname} />
      <button type="submit" className="button-link header-link" lang={other.lang}>{other.name}</button>
    </form>
  );
}
