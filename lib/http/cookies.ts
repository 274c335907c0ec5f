// Cookie attributes that depend on how shoppers reach the shop: behind TLS (PUBLIC_BASE_URL is
// https, also when a proxy ends TLS and the shop itself is reached over http) every cookie is
// Secure, so a browser never sends it over plain http.
import { getConfig } from '../config';

/** True when shoppers reach the shop over https (PUBLIC_BASE_URL), whatever the shop's own socket is. */
export function servedOverHttps(): boolean {
  return getConfig().publicBaseUrl.startsWith('https://');
}

/** `; Secure` when the shop is served over https, else nothing: for a hand-written Set-Cookie. */
export function secureCookieAttribute(): string {
  return servedOverHttps() ? '; Secure' : '';
}
