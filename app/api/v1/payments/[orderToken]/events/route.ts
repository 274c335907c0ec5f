import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { paymentStreamForApp } from '@/lib/app-api/stream';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.streamPaymentState, async ({ params, request, locale }) => ({ response: await paymentStreamForApp(request, params.orderToken, locale) }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
