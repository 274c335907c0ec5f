'use client';

// The language switch on App Router pages: posts to /api/locale with the current address, so the
// shopper lands where they were.
import { usePathname, useSearchParams } from 'next/navigation';
import { LanguageSwitchForm } from './language-switch-form';

export function LanguageSwitch({ current, label }: { current: 'en' | 'sv'; label: string }) {
  // Both hooks are typed nullable because the project also has a Pages Router page; here, in the
  // App Router, they always have values.
  const pathname = usePathname() ?? '/';
  const search = useSearchParams()?.toString() ?? '';
  return <LanguageSwitchForm current={current} label={label} back={search ? `${pathname}?${search}` : pathname} />;
}
