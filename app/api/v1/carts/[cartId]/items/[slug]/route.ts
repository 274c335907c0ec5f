import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { removeCartItemForApp, updateCartItemForApp } from '@/lib/app-api/cart';

export const PATCH = apiRoute(operations.updateCartItem, async ({ params, body, locale }) => ({ body: await updateCartItemForApp(params.cartId, params.slug, body.quantity, locale) }));
export const DELETE = apiRoute(operations.removeCartItem, async ({ params, locale }) => ({ body: await removeCartItemForApp(params.cartId, params.slug, locale) }));
export const { GET, POST, PUT } = refuseOtherMethods('PATCH', 'DELETE');
