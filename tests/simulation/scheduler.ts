// Simulated time and the event loop of one run. Nothing in a run waits on real time: every sleep,
// every SEQR answer and every scheduled action is an event at a simulated instant, and between two
// events the real event loop is drained until nothing moves (PGlite in memory does no real I/O, so
// "nothing moved for a few setImmediate turns" means every task waits on a simulated event).
import { createHash } from 'node:crypto';

export type EventOptions = {
  /** Runs inside this shop instance (its slot): held back while that instance is frozen. */
  instance?: number;
};

type Timed = { at: number; seq: number; label: string; run: () => void; instance: number | undefined; cancelled: boolean };

export type EventHandle = { cancel(): void; readonly at: number };

/** A binary heap ordered by (at, seq): events at the same instant run in the order they were made. */
class EventHeap {
  private items: Timed[] = [];
  get size() {
    return this.items.length;
  }
  peek(): Timed | undefined {
    return this.items[0];
  }
  push(item: Timed): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): Timed | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l]!, items[m]!)) m = l;
        if (r < items.length && before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Timed, b: Timed) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export class Scheduler {
  /** The world's time (SEQR's clock), ms since 1970. */
  now: number;
  /** Bumped by everything that makes progress; quiescence = it stopped moving. */
  activity = 0;
  events = 0;
  private seq = 0;
  private heap = new EventHeap();
  private hash = createHash('sha256');
  private traceCount = 0;
  /** Kept only when asked for (replay prints it); the hash always covers every line. */
  readonly lines: string[] | undefined;
  /** The last lines, for a failure report without a full trace. */
  private ring: string[] = [];
  private ringAt = 0;

  constructor(
    readonly startAt: number,
    options: { keepTrace?: boolean } = {},
  ) {
    this.now = startAt;
    this.lines = options.keepTrace ? [] : undefined;
  }

  /** Seconds since the run started, for trace lines. */
  stamp(at = this.now): string {
    return ((at - this.startAt) / 1000).toFixed(3).padStart(8);
  }

  trace(line: string): void {
    const text = `${this.stamp()} ${line}`;
    this.hash.update(text);
    this.hash.update('\n');
    this.traceCount++;
    this.activity++;
    this.lines?.push(text);
    if (this.ring.length < 200) this.ring.push(text);
    else {
      this.ring[this.ringAt] = text;
      this.ringAt = (this.ringAt + 1) % 200;
    }
  }

  lastLines(): string[] {
    return [...this.ring.slice(this.ringAt), ...this.ring.slice(0, this.ringAt)];
  }

  get traceLength(): number {
    return this.traceCount;
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }

  at(at: number, label: string, run: () => void, options: EventOptions = {}): EventHandle {
    const item: Timed = { at: Math.max(at, this.now), seq: this.seq++, label, run, instance: options.instance, cancelled: false };
    this.heap.push(item);
    return {
      at: item.at,
      cancel: () => {
        item.cancelled = true;
      },
    };
  }

  after(ms: number, label: string, run: () => void, options: EventOptions = {}): EventHandle {
    return this.at(this.now + ms, label, run, options);
  }

  /** The next live event's time, without taking it. */
  nextAt(): number | undefined {
    for (let top = this.heap.peek(); top; top = this.heap.peek()) {
      if (!top.cancelled) return top.at;
      this.heap.pop();
    }
    return undefined;
  }

  take(): { at: number; label: string; run: () => void; instance: number | undefined } | undefined {
    for (let top = this.heap.pop(); top; top = this.heap.pop()) {
      if (!top.cancelled) return top;
    }
    return undefined;
  }

  get pending(): number {
    return this.heap.size;
  }

  /**
   * Let the real event loop run until nothing moves: every task then waits on a simulated event
   * (or is finished). A task that keeps moving without simulated time passing spins forever.
   */
  async quiesce(): Promise<void> {
    let last = this.activity;
    let idle = 0;
    for (let turns = 0; ; turns++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.activity !== last) {
        last = this.activity;
        idle = 0;
      } else if (++idle >= 3) {
        return;
      }
      if (turns > 200_000) throw new HarnessError('The shop never went quiet: some task keeps working without simulated time passing (a retry loop without a sleep?).');
    }
  }
}
