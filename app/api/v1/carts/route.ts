import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { createCartForApp } from '@/lib/app-api/cart';

export const POST = apiRoute(operations.createCart, async ({ body, locale }) => {
  const cart = await createCartForApp(body?.items ?? [], locale);
  return { body: cart, headers: { location: `/api/v1/carts/${cart.id}` } };
});
export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
