// Orders nobody pays: an order awaiting payment with no open invoice and no activity (checkout, cart
// change, attempt) for settings.abandonAfterMs becomes ABANDONED. Its cart is untouched and stays
// usable: the next checkout from it makes a new order.
import type { Ctx } from './context';
import { transition } from './transitions';

const BATCH = 50;

/** One pass; returns how many orders it closed. */
export async function abandonIdleOrders(ctx: Ctx, now: Date = ctx.clock.now()): Promise<number> {
  const cutoff = new Date(now.getTime() - ctx.settings.abandonAfterMs);
  const idle = await ctx.db.order.findMany({
    where: { status: 'AWAITING_PAYMENT', openAttemptId: null, lastActivityAt: { lt: cutoff } },
    select: { id: true },
    orderBy: { lastActivityAt: 'asc' },
    take: BATCH,
  });
  let closed = 0;
  for (const order of idle) {
    const moved = await ctx.db.$transaction((tx) =>
      transition.order(tx, order.id, 'ABANDONED', {
        from: ['AWAITING_PAYMENT'],
        // Re-checked in the UPDATE: a checkout or cart change since the read keeps it alive.
        where: { openAttemptId: null, lastActivityAt: { lt: cutoff } },
        timeline: { at: now, message: `Abandoned: not paid and no activity for ${Math.round(ctx.settings.abandonAfterMs / 60_000)} minutes.` },
      }),
    );
    if (moved) closed++;
  }
  return closed;
}
