import { adminMutation } from '@/lib/admin/http';
import { closePeriod } from '@/lib/admin/periods';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  return adminMutation(request, '/admin/periods', async () => {
    const result = await closePeriod('admin');
    return result.ok ? { ...result, backTo: `/admin/periods/${result.periodId}` } : { ...result, status: 502 };
  });
}
