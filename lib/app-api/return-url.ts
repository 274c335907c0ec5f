// An app's return URL (the invoice's backURL): allowed only when it starts with one of the shop's
// APP_RETURN_URL_PREFIXES, so nobody can have the SEQR app send a shopper to a page of theirs.
import type { Message } from '../i18n';

export const ORDER_TOKEN_PLACEHOLDER = '{orderToken}';

/** null: allowed. Otherwise the sentence that says why not. Pure. */
export function returnUrlProblem(returnUrl: string, prefixes: readonly string[]): Message | null {
  // No spaces or control characters (C0, DEL and C1, which \s does not cover), and an absolute URL
  // once the placeholder stands for a token.
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(returnUrl) || !/^[a-z][a-z0-9+.-]*:\/\/./i.test(returnUrl) || !URL.canParse(returnUrl.replaceAll(ORDER_TOKEN_PLACEHOLDER, 'token'))) {
    return { key: 'api.returnUrlMalformed' };
  }
  if (prefixes.length === 0) return { key: 'api.returnUrlNoneAllowed' };
  // The URL as it will be opened must still start with the prefix: "https://shop.example/app/../x"
  // starts with "https://shop.example/app/" as text, not once its dot segments are resolved.
  const opened = new URL(returnUrl.replaceAll(ORDER_TOKEN_PLACEHOLDER, 'token')).href;
  const normalised = (prefix: string) => (URL.canParse(prefix) ? new URL(prefix).href : prefix);
  if (prefixes.some((prefix) => returnUrl.startsWith(prefix) && opened.startsWith(normalised(prefix)))) return null;
  return { key: 'api.returnUrlNotAllowed', params: { url: returnUrl.slice(0, 200), allowed: prefixes.join(', ') } };
}
