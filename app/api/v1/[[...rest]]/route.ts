// /api/v1 itself and any other path under it: a problem that points at the contract, not the shop's HTML 404.
import { resolveLocale } from '@/lib/i18n';
import { ApiProblem, problemResponse } from '@/lib/app-api/problems';

export const dynamic = 'force-dynamic';

function unknownEndpoint(request: Request): Response {
  return problemResponse(new ApiProblem('unknown-endpoint'), resolveLocale(undefined, request.headers.get('accept-language')), new URL(request.url).pathname);
}

export { unknownEndpoint as GET, unknownEndpoint as POST, unknownEndpoint as PUT, unknownEndpoint as PATCH, unknownEndpoint as DELETE };
