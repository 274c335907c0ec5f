// The app API's contract (OpenAPI 3.1), generated from its zod schemas (lib/app-api/openapi.ts).
import { refuseOtherMethods } from '@/lib/app-api/handler';
import { openApiDocument } from '@/lib/app-api/openapi';

export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } });
}
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
