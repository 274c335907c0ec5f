import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { setCheckoutDetailsForApp } from '@/lib/app-api/cart';

export const PUT = apiRoute(operations.setCheckoutDetails, async ({ params, body, locale }) => ({ body: await setCheckoutDetailsForApp(params.cartId, body, locale) }));
export const { GET, POST, PATCH, DELETE } = refuseOtherMethods('PUT');
