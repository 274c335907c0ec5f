'use server';

import { redirect } from 'next/navigation';
import { getT } from '@/app/i18n';
import { retryPayment } from '@/lib/payments';

export type RetryState = { message: string | null };

/** "Try again": a new invoice; the pay page then shows it, or explains why there is none. */
export async function retryPaymentAction(_previous: RetryState, form: FormData): Promise<RetryState> {
  const token = String(form.get('token') ?? '');
  const result = await retryPayment(token);
  if (!result) return { message: (await getT())('pay.noOrder') };
  redirect(`/pay/${token}`);
}
