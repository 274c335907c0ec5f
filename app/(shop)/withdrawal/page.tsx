import { LegalPage, legalMetadata } from '@/app/components/legal-page';

export const generateMetadata = () => legalMetadata('withdrawal');

export default function Page() {
  return <LegalPage name="withdrawal" />;
}
