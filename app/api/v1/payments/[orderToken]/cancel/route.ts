import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { cancelPaymentForApp } from '@/lib/app-api/payment';

export const POST = apiRoute(operations.cancelPayment, async ({ params, locale }) => ({ body: await cancelPaymentForApp(params.orderToken, locale) }));
export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
