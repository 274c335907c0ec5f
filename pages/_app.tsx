// The Pages Router is used for one page only: the pay page, which ships no client-side framework
// (see pages/pay/[token].tsx). It shares the App Router's stylesheet.
import type { AppProps } from 'next/app';
import '../app/globals.css';

export default function PagesApp({ Component, pageProps }: AppProps) {
  return <Component {...pageProps} />;
}
