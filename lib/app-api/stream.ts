// streamPaymentState: the pay page's live stream (lib/http/event-stream.ts) with the app API's
// PaymentState, sharing the pay page's stream slots (per order and per process).
import { liveEventStream, newWakeup, statusStreamSlots } from '../http/event-stream';
import type { Locale } from '../i18n';
import { findOrderByToken } from '../orders';
import { watchPaymentView } from '../payments';
import { paymentStateDto } from './present';
import { ApiProblem } from './problems';
import type { PaymentStateDto } from './schemas';

export async function paymentStreamForApp(request: Request, token: string, locale: Locale): Promise<Response> {
  const slot = statusStreamSlots().acquire(token);
  if (!slot.ok) throw new ApiProblem('too-many-streams', undefined, { retryAfterS: 1 });
  const woken = newWakeup();
  const unwatch = watchPaymentView(token, woken.notify); // before the first read: a change right after it still wakes
  const finish = () => {
    unwatch();
    slot.release();
  };
  const read = async () => {
    const order = await findOrderByToken(token);
    return order ? paymentStateDto(order, locale, false) : null;
  };
  let first: PaymentStateDto | null;
  try {
    first = await read();
  } catch (error) {
    finish();
    throw error;
  }
  if (!first) {
    finish();
    throw new ApiProblem('order-not-found');
  }
  const isOver = (state: PaymentStateDto) => state.status !== 'AWAITING_PAYMENT' || state.canRetry || state.cartEmptied;
  return liveEventStream({ signal: request.signal, first, read, isOver, woken, finish, headers: { 'content-language': locale } });
}
