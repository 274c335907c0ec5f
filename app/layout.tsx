import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { CartLink } from './components/cart-link';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Nordvik — pay with SEQR', template: '%s · Nordvik' },
  description: 'A small Nordic homeware shop that takes payment with SEQR.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f3b34' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Nordvik
          </Link>
          <CartLink />
        </header>
        <main className="page">{children}</main>
        <footer className="site-footer">Payments by SEQR · Prices include VAT</footer>
      </body>
    </html>
  );
}
