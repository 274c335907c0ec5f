import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { listProductsForApp } from '@/lib/app-api/catalog';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.listProducts, async ({ locale }) => ({ body: await listProductsForApp(locale) }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
