// Live status streams hold a connection and a once-a-second database read each. Unbounded, ~800 on
// one order made /api/health take over 15 s. So a stream needs a slot: a few per order (a shopper
// has one pay page open, perhaps a second tab), a bounded number per process. A refused stream is
// answered at once, and the pay page then polls once a second instead (app/pay/watch-payment.ts).
export type StreamSlots = {
  /** A release function, or why there is no slot. */
  acquire(key: string): { ok: true; release: () => void } | { ok: false; reason: 'per-key' | 'total' };
  total(): number;
  of(key: string): number;
};

export function createStreamSlots(limits: { perKey: number; total: number }): StreamSlots {
  const byKey = new Map<string, number>();
  let total = 0;
  return {
    acquire(key) {
      if (total >= limits.total) return { ok: false, reason: 'total' };
      const held = byKey.get(key) ?? 0;
      if (held >= limits.perKey) return { ok: false, reason: 'per-key' };
      byKey.set(key, held + 1);
      total++;
      let released = false;
      return {
        ok: true,
        // Idempotent: the stream's end and the client's disconnect may both release it.
        release: () => {
          if (released) return;
          released = true;
          total--;
          const left = (byKey.get(key) ?? 1) - 1;
          if (left > 0) byKey.set(key, left);
          else byKey.delete(key);
        },
      };
    },
    total: () => total,
    of: (key) => byKey.get(key) ?? 0,
  };
}
