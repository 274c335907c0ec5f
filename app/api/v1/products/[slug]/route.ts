import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { getProductForApp } from '@/lib/app-api/catalog';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.getProduct, async ({ params, locale }) => ({ body: await getProductForApp(params.slug, locale) }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
