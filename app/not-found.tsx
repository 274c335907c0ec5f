import Link from 'next/link';
import { getT } from './i18n';

export default async function NotFound() {
  const t = await getT();
  return (
    <>
      <h1>{t('notFound.heading')}</h1>
      <p>{t('notFound.text')}</p>
      <p><Link prefetch={false} href="/">{t('notFound.back')}</Link></p>
    </>
  );
}
