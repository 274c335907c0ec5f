import { apiRoute, refuseOtherMethods } from '@/lib/app-api/handler';
import { operations } from '@/lib/app-api/operations';
import { receiptForApp } from '@/lib/app-api/payment';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(operations.getReceipt, async ({ params, locale }) => ({ body: await receiptForApp(params.orderToken, locale) }));
export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
