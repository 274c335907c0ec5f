import fs from 'node:fs';
import path from 'node:path';
import Document, { Head, Html, Main, NextScript, type DocumentContext, type DocumentInitialProps, type DocumentProps } from 'next/document';
import type { ReactElement } from 'react';

/** The build's CSS files by name, read once per process (the build never changes under a running server). */
const cssCache = new Map<string, string | null>();

function builtCss(file: string): string | null {
  if (!cssCache.has(file)) {
    let text: string | null = null;
    try {
      text = fs.readFileSync(path.join(/* turbopackIgnore: true */ process.cwd(), '.next', file), 'utf8');
    } catch {
      text = null; // not where we expected it: keep Next's <link>
    }
    cssCache.set(file, text);
  }
  return cssCache.get(file) ?? null;
}

/**
 * Next's <Head> with the stylesheet inlined (<style nonce>) instead of linked, as the App Router
 * pages have it (next.config.js inlineCss): the pay page paints from its HTML alone, no
 * render-blocking request first. A file that cannot be read stays a <link>.
 */
class InlineCssHead extends Head {
  override getCssLinks(files: Parameters<Head['getCssLinks']>[0]): ReactElement[] | null {
    const cssFiles = files.allFiles.filter((file) => file.endsWith('.css'));
    const inlined = cssFiles.map((file) => ({ file, css: builtCss(file) }));
    if (inlined.some(({ css }) => css === null)) return super.getCssLinks(files);
    return inlined.map(({ file, css }) => <style key={file} nonce={this.props.nonce} data-href={`/_next/${file}`} dangerouslySetInnerHTML={{ __html: css! }} />);
  }
}

type Props = DocumentProps & { nonce?: string };

export default class ShopDocument extends Document<Props> {
  static override async getInitialProps(ctx: DocumentContext): Promise<DocumentInitialProps & { nonce?: string }> {
    const initial = await Document.getInitialProps(ctx);
    // proxy.ts's nonce for this response: the inlined stylesheet and scripts carry it.
    const nonce = ctx.req?.headers['x-nonce'];
    return { ...initial, nonce: typeof nonce === 'string' ? nonce : undefined };
  }

  override render() {
    const { __NEXT_DATA__, nonce } = this.props;
    const locale = (__NEXT_DATA__.props as { pageProps?: { locale?: string } }).pageProps?.locale === 'sv' ? 'sv' : 'en';
    return (
      <Html lang={locale}>
        <InlineCssHead nonce={nonce} />
        <body>
          <Main />
          <NextScript nonce={nonce} />
        </body>
      </Html>
    );
  }
}
