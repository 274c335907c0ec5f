// The app API's readable reference, where the problem types' URIs point (/api/v1/docs#problem-…):
// server HTML made from the OpenAPI document (lib/app-api/reference-page.ts). Its inline stylesheet
// carries this response's CSP nonce, which proxy.ts hands over in the x-nonce request header.
import { refuseOtherMethods } from '@/lib/app-api/handler';
import { referencePage } from '@/lib/app-api/reference-page';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  const nonce = request.headers.get('x-nonce') ?? undefined;
  // no-store: the page carries a nonce meant for this response only (a cached copy would reuse it).
  return new Response(referencePage(nonce), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
