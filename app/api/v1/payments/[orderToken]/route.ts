import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { paymentStateForApp } from '@/lib/app-api/payment';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.getPaymentState, async ({ params, query, locale }) => ({ body: await paymentStateForApp(params.orderToken, locale, query.final === 'true') }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
