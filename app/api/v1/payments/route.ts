import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { createPaymentForApp } from '@/lib/app-api/payment';

export const POST = apiRoute(operations.createPayment, async ({ body, locale }) => {
  const { payment, keep } = await createPaymentForApp(body, locale);
  return { body: payment, headers: { location: `/api/v1/payments/${payment.orderToken}` }, ...(keep ? {} : { keep: false as const }) };
});
export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
