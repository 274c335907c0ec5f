'use server';

import { redirect } from 'next/navigation';
import { retryPayment } from '@/lib/payments';

export type RetryState = { message: string | null };

export async function retryPaymentAction(_previous: RetryState, form: FormData): Promise<RetryState> {
  const token = String(form.get('token') ?? '');
  const result = await retryPayment(token);
  if (!result) return { message: 'This order does not exist.' };
  if (result.kind === 'refused' || result.kind === 'unavailable') return { message: result.message };
  redirect(`/pay/${token}`);
}
