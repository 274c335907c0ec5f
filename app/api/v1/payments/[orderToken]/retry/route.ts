import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { retryPaymentForApp } from '@/lib/app-api/payment';

export const POST = apiRoute(operations.retryPayment, async ({ params, locale }) => {
  const { payment, keep } = await retryPaymentForApp(params.orderToken, locale);
  return { body: payment, ...(keep ? {} : { keep: false as const }) };
});
export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
