// The pay page's payment state in memory, so that a poll or a stream's re-read costs no query: each
// order's state by token, dropped when the change feed says its order or its cart changed (the view's
// canRetry/cartEmptied depend on the cart's fill). Trusted only while the feed is connected; every
// loss and reconnect of the feed drops everything. One cache per feed, on globalThis (Next bundles
// this module several times; the feed itself is the process's, lib/db).
import type { ChangeFeed } from '../db';
import { findOrderPaymentState, type OrderPaymentState } from '../orders';
import type { Ctx } from './context';

/** More than the open pages of a busy shop; the oldest entries go first beyond it. */
const MAX_ENTRIES = 20_000;
/** Invalidation marks kept before they are folded into one floor (any read older than it is not kept). */
const MAX_MARKS = 50_000;

export type PaymentStateCache = {
  read(token: string): Promise<OrderPaymentState | null>;
  /** Calls back when the order or cart behind `token` changes (or the feed resets). */
  watch(token: string, onChange: () => void): () => void;
  readonly size: number;
};

type Entry = { state: OrderPaymentState };

function createCache(ctx: Ctx, feed: ChangeFeed): PaymentStateCache {
  const byToken = new Map<string, Entry>();
  /** Reads under way, shared by everyone who missed at the same moment. */
  const reading = new Map<string, Promise<OrderPaymentState | null>>();
  // A read that began before a change and ended after it holds the old state: it must not be kept.
  // Every change takes the next sequence number; a read keeps its result only if neither its order
  // nor its cart changed since the read began.
  let sequence = 0;
  let floor = 0;
  const marks = new Map<string, number>();
  const tokensOf = new Map<string, Set<string>>();
  const watchers = new Set<{ token: string; keys: Set<string>; onChange: () => void }>();

  const keysOf = (state: OrderPaymentState) => [`order:${state.id}`, ...(state.cartId ? [`cart:${state.cartId}`] : [])];
  const forget = (token: string) => {
    const entry = byToken.get(token);
    if (!entry) return;
    byToken.delete(token);
    for (const key of keysOf(entry.state)) {
      const tokens = tokensOf.get(key);
      tokens?.delete(token);
      if (tokens?.size === 0) tokensOf.delete(key);
    }
  };

  feed.subscribe((change) => {
    sequence++;
    if (change === 'reset') {
      byToken.clear();
      tokensOf.clear();
      marks.clear();
      floor = sequence;
      for (const watcher of watchers) watcher.onChange();
      return;
    }
    const key = `${change.kind}:${change.id}`;
    if (marks.size >= MAX_MARKS) {
      marks.clear();
      floor = sequence;
    }
    marks.set(key, sequence);
    for (const token of [...(tokensOf.get(key) ?? [])]) forget(token);
    for (const watcher of watchers) if (watcher.keys.has(key)) watcher.onChange();
  });

  const load = async (token: string): Promise<OrderPaymentState | null> => {
    const began = sequence;
    const epoch = feed.epoch;
    const state = await findOrderPaymentState(token, ctx.db);
    const unchanged = (key: string) => (marks.get(key) ?? 0) <= began;
    if (state && feed.connected && feed.epoch === epoch && began >= floor && keysOf(state).every(unchanged)) {
      if (byToken.size >= MAX_ENTRIES) forget(byToken.keys().next().value!);
      forget(token);
      byToken.set(token, { state });
      for (const key of keysOf(state)) {
        let tokens = tokensOf.get(key);
        if (!tokens) tokensOf.set(key, (tokens = new Set()));
        tokens.add(token);
      }
    }
    for (const watcher of watchers) if (watcher.token === token && state) for (const key of keysOf(state)) watcher.keys.add(key);
    return state;
  };

  return {
    get size() {
      return byToken.size;
    },
    async read(token) {
      if (!feed.connected) return findOrderPaymentState(token, ctx.db);
      const hit = byToken.get(token);
      if (hit) return hit.state;
      const pending = reading.get(token);
      if (pending) return pending;
      const read = load(token).finally(() => reading.delete(token));
      reading.set(token, read);
      return read;
    },
    watch(token, onChange) {
      const watcher = { token, keys: new Set<string>(), onChange };
      const known = byToken.get(token);
      if (known) for (const key of keysOf(known.state)) watcher.keys.add(key);
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
  };
}

const globalCaches = globalThis as typeof globalThis & { __seqrShopPaymentStateCaches?: WeakMap<ChangeFeed, PaymentStateCache> };

/** The cache over `feed` (one per feed and process), or none when the ports have no feed. */
export function paymentStateCache(ctx: Ctx): PaymentStateCache | undefined {
  const feed = ctx.changes;
  if (!feed) return undefined;
  const caches = (globalCaches.__seqrShopPaymentStateCaches ??= new WeakMap());
  let cache = caches.get(feed);
  if (!cache) caches.set(feed, (cache = createCache(ctx, feed)));
  return cache;
}
