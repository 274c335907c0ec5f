// The change feed: what the database's triggers publish (migration 20261201150000_change_feed) when a
// change of the pay page's view commits, 'order:<id>' or 'cart:<id>' on one channel. One listener
// connection per process: a dedicated pg.Client on PostgreSQL (never one of Prisma's pooled ones,
// which are handed to other queries between uses), reconnecting with backoff; on PGlite the
// embedded instance's own listen(). While it is not connected a cache cannot know what changed, so
// subscribers are told 'reset' on every loss and every (re)connect, and `connected` says whether a
// cache may be trusted at all.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export const CHANGE_CHANNEL = 'seqr_shop_changes';

export type Change = { kind: 'order' | 'cart'; id: string };
export type ChangeListener = (change: Change | 'reset') => void;

export type ChangeFeed = {
  /** Listening now: every committed change from here on reaches the subscribers. */
  readonly connected: boolean;
  /** Bumped on every connect and disconnect (a read that spans one must not be cached). */
  readonly epoch: number;
  subscribe(listener: ChangeListener): () => void;
  /** Resolves once listening (at once when already), or after `timeoutMs` regardless. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
};

export function parseChange(payload: string | undefined): Change | null {
  const match = /^(order|cart):(.+)$/.exec(payload ?? '');
  return match ? { kind: match[1] as Change['kind'], id: match[2]! } : null;
}

/** The shared part: subscribers, the connected flag and the epoch. */
function feedState() {
  const listeners = new Set<ChangeListener>();
  const waiters = new Set<() => void>();
  const state = {
    connected: false,
    epoch: 0,
    closed: false,
    emit(change: Change | 'reset') {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch {
          // a subscriber's failure is its own; the others still hear the change
        }
      }
    },
    setConnected(connected: boolean) {
      if (state.connected === connected) return;
      state.connected = connected;
      state.epoch++;
      state.emit('reset');
      if (connected) for (const wake of [...waiters]) wake();
    },
  };
  const feed = (close: () => Promise<void>): ChangeFeed => ({
    get connected() {
      return state.connected;
    },
    get epoch() {
      return state.epoch;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready(timeoutMs = 5000) {
      if (state.connected) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve(state.connected);
        };
        const timer = setTimeout(done, timeoutMs);
        timer.unref?.();
        waiters.add(done);
      });
    },
    async close() {
      state.closed = true;
      state.setConnected(false);
      for (const wake of [...waiters]) wake();
      listeners.clear();
      await close();
    },
  });
  return { state, feed };
}

/** The embedded database's in-process notifications. */
export function pgliteChangeFeed(pglite: PGlite): ChangeFeed {
  const { state, feed } = feedState();
  let unlisten: (() => Promise<void>) | undefined;
  const listening = pglite
    .listen(CHANGE_CHANNEL, (payload) => {
      const change = parseChange(payload);
      if (change) state.emit(change);
    })
    .then((stop) => {
      unlisten = stop;
      if (!state.closed) state.setConnected(true);
    })
    .catch(() => state.setConnected(false));
  return feed(async () => {
    await listening;
    await unlisten?.().catch(() => {});
  });
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;

/** A dedicated PostgreSQL connection that LISTENs, and reconnects with backoff when it is lost. */
export function postgresChangeFeed(connectionString: string, log: (line: string) => void = (line) => console.error(line)): ChangeFeed {
  const { state, feed } = feedState();
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoff = BACKOFF_MIN_MS;

  const lost = (current: pg.Client, why: string) => {
    if (client !== current) return;
    client = undefined;
    state.setConnected(false);
    current.removeAllListeners();
    current.on('error', () => {}); // a late error of a dead client must not crash the process
    void current.end().catch(() => {});
    if (state.closed) return;
    log(`[changes] listener connection lost (${why}); reconnecting in ${backoff} ms`);
    timer = setTimeout(connect, backoff);
    timer.unref();
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
  };

  const connect = () => {
    if (state.closed) return;
    const current = new pg.Client({ connectionString, keepAlive: true });
    client = current;
    current.on('error', (error) => lost(current, error.message));
    current.on('end', () => lost(current, 'closed'));
    current.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const change = parseChange(message.payload);
      if (change) state.emit(change);
    });
    current
      .connect()
      .then(() => current.query(`LISTEN ${CHANGE_CHANNEL}`))
      .then(() => {
        if (client !== current) return;
        backoff = BACKOFF_MIN_MS;
        state.setConnected(true);
      })
      .catch((error: unknown) => lost(current, error instanceof Error ? error.message : String(error)));
  };
  connect();

  return feed(async () => {
    if (timer) clearTimeout(timer);
    const current = client;
    client = undefined;
    if (current) {
      current.removeAllListeners();
      current.on('error', () => {});
      await current.end().catch(() => {});
    }
  });
}
