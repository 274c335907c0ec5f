import { LegalPage, legalMetadata } from '@/app/components/legal-page';

export const generateMetadata = () => legalMetadata('returns');

export default function Page() {
  return <LegalPage name="returns" />;
}
