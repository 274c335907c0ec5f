import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { cartForApp } from '@/lib/app-api/cart';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.getCart, async ({ params, locale }) => ({ body: await cartForApp(params.cartId, locale) }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
