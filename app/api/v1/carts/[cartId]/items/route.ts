import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { addCartItemForApp } from '@/lib/app-api/cart';

export const POST = apiRoute(operations.addCartItem, async ({ params, body, locale }) => ({ body: await addCartItemForApp(params.cartId, body, locale) }));
export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
