// Runs before routing, for every request (static files included):
// - every response gets the security headers, with a fresh CSP nonce (and the hashes of the
//   build's stylesheets, which the pages inline); Next's App Router reads the
//   nonce from the request's Content-Security-Policy header and puts it on its scripts, and the
//   pay page (Pages Router) reads `x-nonce` for its one inlined script;
// - a request that changes something and came from another site is refused (lib/http/security-headers.ts);
// - an app API path with a broken %-escape gets a problem here instead of Next's HTML 400 page;
// - a server-action body Next could not decode gets a 4xx with a sentence here instead of a bare
//   500 there (app/action-envelope.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { checkActionEnvelope } from './app/action-envelope';
import { crossSiteApiResponse, malformedApiPathResponse } from './lib/app-api/problems';
import { getConfig } from './lib/config';
import { servedOverHttps } from './lib/http/cookies';
import { crossSiteProblem, newNonce, securityHeaders } from './lib/http/security-headers';
import { builtStylesheetHashes } from './lib/http/stylesheet-hashes';

/** PUBLIC_BASE_URL's origin, and the origin this request was sent to (its Host header). */
function ownOrigins(request: NextRequest, publicBaseUrl: string): string[] {
  const origins = [new URL(publicBaseUrl).origin];
  const host = request.headers.get('host');
  if (host) {
    origins.push(`${request.nextUrl.protocol}//${host}`);
    // Behind a TLS-terminating proxy the browser's origin is https while we are reached over http.
    const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
    if (forwarded === 'https' || forwarded === 'http') origins.push(`${forwarded}://${host}`);
  }
  return origins;
}

export async function proxy(request: NextRequest) {
  const config = getConfig();
  const nonce = newNonce();
  const headers = securityHeaders({ nonce, pathname: request.nextUrl.pathname, https: servedOverHttps(), styleHashes: builtStylesheetHashes() });
  const answer = (status: number, message: string) => {
    const response = NextResponse.json({ error: message }, { status, headers: { 'cache-control': 'no-store' } });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };

  // The pay page is a Pages Router page: it has no RSC payload. Next still asks for one, twice per
  // checkout: the server action's redirect() fetches the target to inline it, and the browser's
  // router fetches it again, and both throw the rendered HTML away before the real page load. An
  // empty non-RSC answer makes both fall back to that page load at once, without rendering the pay
  // page (its database reads and QR code) for nothing. Next strips `rsc` and `_rsc` before the
  // proxy sees a request, so they are recognised by what remains: the action's own fetch carries
  // the action's response headers (x-action-redirect), the router's carries `next-url`. A browser's
  // page load sends neither.
  const routerFetch = request.headers.get('rsc') === '1' || request.headers.has('x-action-redirect') || request.headers.has('next-url');
  if (request.method === 'GET' && routerFetch && request.nextUrl.pathname.startsWith('/pay/')) {
    const response = new NextResponse(null, { status: 204, headers: { 'cache-control': 'no-store' } });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }

  // An app API path Next cannot decode: a problem, not Next's HTML 400 page.
  const malformed = malformedApiPathResponse(request.nextUrl.pathname, request.headers.get('accept-language'));
  if (malformed) {
    for (const [name, value] of Object.entries(headers)) malformed.headers.set(name, value);
    return malformed;
  }

  const crossSite = crossSiteProblem({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, ownOrigins(request, config.publicBaseUrl));
  if (crossSite) {
    // The app API answers in its own form (problem+json); the shop's other routes as before.
    const problem = crossSiteApiResponse(request.nextUrl.pathname, request.headers.get('accept-language'));
    if (!problem) return answer(403, crossSite);
    for (const [name, value] of Object.entries(headers)) problem.headers.set(name, value);
    return problem;
  }
  if (request.method === 'POST' && request.headers.has('next-action')) {
    const problem = await checkActionEnvelope(request.clone());
    if (problem) return answer(problem.status, problem.message);
  }

  const forward = new Headers(request.headers);
  forward.set('content-security-policy', headers['content-security-policy']!);
  forward.set('x-nonce', nonce);
  const response = NextResponse.next({ request: { headers: forward } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: '/:path*',
};
