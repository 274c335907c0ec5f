// Ending an open attempt unpaid: the attempt's move and freeing the order's single open slot, in one
// transaction, so the order becomes payable again exactly when its invoice stops being payable, and
// the stock it held is available again in that same moment.
import type { Prisma } from '../generated/prisma/client';
import { releaseForAttempt } from '../stock';
import type { Ctx } from './context';
import { transition, type AttemptStatus } from './transitions';

export async function closeAttempt(
  ctx: Ctx,
  attempt: { id: string; orderId: string },
  from: readonly AttemptStatus[],
  to: Exclude<AttemptStatus, 'CREATED' | 'ISSUED' | 'PAID'>,
  data: Prisma.PaymentAttemptUpdateManyMutationInput,
  message: string,
): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.db.$transaction(async (tx) => {
    const moved = await transition.attempt(tx, attempt, to, { from, data: { ...data, closedAt: now }, timeline: { at: now, message } });
    if (!moved) return false;
    await tx.order.updateMany({ where: { id: attempt.orderId, openAttemptId: attempt.id }, data: { openAttemptId: null, lastActivityAt: now } });
    await releaseForAttempt(tx, attempt.id);
    return true;
  });
}
