// The security headers every response of the shop carries (proxy.ts sets them), and the
// same-origin rule for requests that change something. Pure functions, so they are easy to read.

/** A fresh nonce per response: the only inline scripts that run are the ones the server marked. */
export function newNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

/** `styleHashes`: the build's stylesheets, which the App Router pages inline (lib/http/stylesheet-hashes.ts). */
export function contentSecurityPolicy(nonce: string, styleHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // Next's App Router scripts and the pay page's inlined watcher carry the nonce; chunks are ours.
    `script-src 'self' 'nonce-${nonce}'`,
    // The stylesheet is inlined into each page (next.config.js inlineCss): on App Router pages
    // allowed by its hash, on the pay page by the nonce (pages/_document.tsx); style="" attributes
    // and any other inline style stay refused.
    ["style-src 'self'", `'nonce-${nonce}'`, ...styleHashes].join(' '),
    // QR codes are inline SVG markup; `data:` is for images a stylesheet may inline.
    "img-src 'self' data:",
    "font-src 'self'",
    // The pay page's live status: server-sent events and polling, from our own server only.
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    // Forms post only here; the wallet and app links are plain navigations, which this leaves alone.
    "form-action 'self'",
  ].join('; ');
}

/**
 * Order tokens are in the addresses of the pay and receipt pages: those send no Referer to other
 * sites at all. `same-origin`, not `no-referrer`: with `no-referrer` a browser sends `Origin: null`
 * on the page's own form posts (the retry button), which the same-origin guard must refuse.
 */
export function referrerPolicy(pathname: string): string {
  return pathname.startsWith('/pay/') || pathname.startsWith('/orders/') ? 'same-origin' : 'strict-origin-when-cross-origin';
}

export function securityHeaders(opts: { nonce: string; pathname: string; https: boolean; styleHashes?: readonly string[] }): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(opts.nonce, opts.styleHashes),
    'x-content-type-options': 'nosniff',
    'referrer-policy': referrerPolicy(opts.pathname),
    'x-frame-options': 'DENY',
    // Only over https: on plain http a browser ignores it, and a local shop must stay reachable.
    ...(opts.https ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** SEQR's servers call this from their own origin; it trusts nothing but getPaymentStatus. */
export const CROSS_ORIGIN_OPEN_PREFIX = '/api/seqr/notify/';

const originOf = (value: string): string | null => {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
};

/**
 * Why a request that changes something is refused as coming from another site, or null.
 * The browser sets Sec-Fetch-Site and Origin and a page cannot forge them; a request with neither
 * (curl, SEQR's servers) is not a browser's and passes, to meet the CSRF token and the session.
 * `ownOrigins`: PUBLIC_BASE_URL's origin and the origin the request itself was sent to.
 */
export function crossSiteProblem(request: { method: string; pathname: string; headers: Headers }, ownOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (request.pathname.startsWith(CROSS_ORIGIN_OPEN_PREFIX)) return null;
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase();
  const origin = request.headers.get('origin');
  const own = origin !== null && ownOrigins.includes(originOf(origin) ?? '\0');
  if (site === 'cross-site' || (site === 'same-site' && !own)) return 'This request came from another site; the shop takes changes only from its own pages.';
  if (origin !== null && !own) return 'This request came from another origin; the shop takes changes only from its own pages.';
  return null;
}
