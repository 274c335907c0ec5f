// Redirect targets that come from input (a form's `back`, a `?next=`): only a path on this shop.
// Browsers read a Location leniently (`/\evil`, `/<TAB>/evil` and `\/evil` all mean //evil), so the
// text is refused outright when it holds what a browser might reinterpret, and what is left is
// resolved with the URL parser and accepted only if it stays on the shop's origin.

/** Longer than any address of ours; a longer one is refused rather than echoed into a header. */
export const MAX_REDIRECT_LENGTH = 2048;

/** Stands in for the shop's origin when the caller gives none: only "same origin or not" matters. */
const PLACEHOLDER_ORIGIN = 'http://shop.invalid';

// Backslashes, ASCII control characters and any whitespace (the URL parser strips tabs and
// newlines, and browsers treat `\` like `/`).
const SUSPICIOUS = /[\\\u0000-\u001f\u007f\s]/u;

/**
 * The path (with query and fragment) to redirect to, or `fallback` when `input` is not plainly a
 * path on `origin`. The result is relative, so it also never depends on the request's Host header.
 */
export function safeRedirectPath(input: unknown, fallback: string, origin: string = PLACEHOLDER_ORIGIN): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_REDIRECT_LENGTH) return fallback;
  if (SUSPICIOUS.test(input) || !input.startsWith('/') || input.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(input, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  // A path whose decoded form starts with `//` or `/\` is what some servers and proxies would
  // normalise into another host; nothing of ours looks like that.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  if (decoded.startsWith('//') || decoded.startsWith('/\\')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
