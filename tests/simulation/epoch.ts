// A shop process's life ("epoch") in the simulation, and the ports it is given. A crash is decided
// by the schedule: at one chosen port call (a random await of the core) the process dies, before
// the call reaches the database or SEQR or just after it was applied there. From then on every
// port call of that epoch throws SimulatedCrash, every simulated wait it was in is rejected, and an
// interactive transaction it had open cannot commit: a dead process makes no further effect even
// when the core catches the error. A restart is a new epoch on the same database.
import type { PrismaClient } from '../../lib/generated/prisma/client';
import type { Clock, IdSource } from '../../lib/payments/ports';
import type { Prng } from './prng';
import { HarnessError, type Scheduler } from './scheduler';

export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  constructor(
    readonly epoch: number,
    where: string,
  ) {
    super(`simulated crash of shop process ${epoch} (${where})`);
  }
}

export function isSimulatedCrash(error: unknown): boolean {
  return error instanceof SimulatedCrash || (error instanceof Error && error.cause instanceof SimulatedCrash) || /simulated crash of shop process/.test(String((error as Error | undefined)?.message ?? ''));
}

export type CrashPlan = { atCall: number; when: 'before' | 'after' };

export type EpochHost = {
  sched: Scheduler;
  /** Bumped by every database operation that may write (so checks can reuse an unchanged snapshot). */
  writes: number;
  /** The process died (crash plan, kill event): the host schedules the restart. */
  onDeath(epoch: Epoch, why: string): void;
};

export class Epoch {
  alive = true;
  /** Port calls made so far (database operations, SEQR calls, lookups, sleeps). */
  calls = 0;
  openTransactions = 0;
  /** Database operations started and not yet returned. */
  dbInFlight = 0;
  dbOps = 0;
  /** After death: port calls refused (a dead process that keeps trying is a spinning loop). */
  refusedAfterDeath = 0;
  diedAt: number | undefined;
  private waiters = new Set<(error: Error) => void>();

  constructor(
    readonly id: number,
    /** Which shop instance (slot) this process is: its events are held while that instance is frozen. */
    readonly instance: number,
    private readonly host: EpochHost,
    /** Added to the world's time to make this process's clock (a few seconds either way). */
    public skewMs: number,
    /** Cleared for the quiet period at the end of a schedule. */
    public crash: CrashPlan | undefined,
  ) {}

  get sched(): Scheduler {
    return this.host.sched;
  }

  noteWrite(): void {
    this.host.writes++;
  }

  private dead(where: string): SimulatedCrash {
    if (++this.refusedAfterDeath > 5000) {
      throw new HarnessError(`Shop process ${this.id} keeps calling its ports after it died (${where}): a loop that retries without end.`);
    }
    return new SimulatedCrash(this.id, where);
  }

  /**
   * Every port call passes here. Returns 'before' / 'after' when this call is the planned crash
   * point (the caller kills the epoch at that moment); throws when the process is already dead.
   */
  gate(what: string): 'before' | 'after' | undefined {
    if (!this.alive) throw this.dead(what);
    this.calls++;
    this.sched.activity++;
    if (this.crash && this.calls === this.crash.atCall) return this.crash.when;
    return undefined;
  }

  assertAlive(what: string): void {
    if (!this.alive) throw this.dead(what);
  }

  crashError(what: string): SimulatedCrash {
    return new SimulatedCrash(this.id, what);
  }

  kill(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.diedAt = this.sched.now;
    const waiters = [...this.waiters];
    this.waiters.clear();
    this.host.onDeath(this, why);
    for (const reject of waiters) reject(new SimulatedCrash(this.id, why));
  }

  /**
   * A simulated wait of this process (a SEQR answer, a sleep). `start` arranges for resolve or
   * reject to be called by a future event; if the process dies first, the wait is rejected at once.
   */
  wait<T>(start: (resolve: (value: T) => void, reject: (error: unknown) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const rejecter = (error: Error) => {
        if (done) return;
        done = true;
        reject(error);
      };
      this.waiters.add(rejecter);
      start(
        (value) => {
          if (done) return;
          done = true;
          this.waiters.delete(rejecter);
          this.sched.activity++;
          if (!this.alive) reject(new SimulatedCrash(this.id, 'answer after death'));
          else resolve(value);
        },
        (error) => {
          if (done) return;
          done = true;
          this.waiters.delete(rejecter);
          this.sched.activity++;
          reject(this.alive ? error : new SimulatedCrash(this.id, 'answer after death'));
        },
      );
    });
  }
}

const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);

/**
 * The epoch's database: the shared Prisma client with a query extension that gates every
 * operation (model operations, $queryRaw/$executeRaw and their Unsafe forms, inside interactive
 * and batch transactions too), and a $transaction wrapper that refuses to commit once the process
 * is dead (the callback's result is replaced by a SimulatedCrash, so Prisma rolls back).
 */
export function crashableDb(base: PrismaClient, epoch: Epoch, options: { trace: boolean }): PrismaClient {
  const sched = epoch.sched;
  const extended = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const what = `db ${model ? `${model}.` : ''}${operation}`;
        const crash = epoch.gate(what);
        if (options.trace) sched.trace(`[e${epoch.id}] ${what}`);
        if (crash === 'before') {
          epoch.kill(`crash before ${what}`);
          throw epoch.crashError(`before ${what}`);
        }
        epoch.dbInFlight++;
        epoch.dbOps++;
        if (!READS.has(operation)) epoch.noteWrite();
        let result: unknown;
        try {
          result = await query(args);
        } finally {
          epoch.dbInFlight--;
          sched.activity++;
        }
        if (crash === 'after') {
          epoch.kill(`crash after ${what}`);
          throw epoch.crashError(`after ${what}`);
        }
        epoch.assertAlive(`result of ${what}`);
        return result;
      },
    },
  });
  const transaction = (arg: unknown, transactionOptions?: unknown) => {
    if (!epoch.alive) return Promise.reject(epoch.crashError('db $transaction'));
    const target = extended as unknown as { $transaction(a: unknown, o?: unknown): Promise<unknown> };
    if (typeof arg === 'function') {
      const work = arg as (tx: unknown) => Promise<unknown>;
      return target.$transaction(async (tx: unknown) => {
        epoch.openTransactions++;
        try {
          const result = await work(tx);
          // The process died while the transaction was open: it can never commit.
          epoch.assertAlive('commit');
          return result;
        } finally {
          epoch.openTransactions--;
          sched.activity++;
        }
      }, transactionOptions);
    }
    return target.$transaction(arg, transactionOptions);
  };
  return new Proxy(extended, {
    get(target, property) {
      if (property === '$transaction') return transaction;
      return Reflect.get(target, property);
    },
  }) as unknown as PrismaClient;
}

/** The process's clock: the world's time plus its skew; sleeps end at simulated instants. */
export function simulatedClock(epoch: Epoch, options: { trace: boolean }): Clock {
  const sched = epoch.sched;
  return {
    now: () => new Date(sched.now + epoch.skewMs),
    async sleep(ms: number): Promise<void> {
      const crash = epoch.gate('sleep');
      if (crash === 'before') {
        epoch.kill('crash at a sleep');
        return Promise.reject(epoch.crashError('at a sleep'));
      }
      const wait = Math.max(0, Number.isFinite(ms) ? ms : 0);
      if (options.trace) sched.trace(`[e${epoch.id}] sleep ${Math.round(wait)}`);
      return epoch.wait<void>((resolve) => {
        sched.after(
          wait,
          'sleep',
          () => {
            if (crash === 'after') epoch.kill('crash at the end of a sleep');
            resolve();
          },
          { instance: epoch.instance },
        );
      });
    },
  };
}

/** Seeded ids: uuids (v4 layout) and url-safe tokens. */
export function seededIds(prng: Prng): IdSource {
  return {
    uuid() {
      const b = prng.bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    token(bytes: number) {
      return prng.bytes(bytes).toString('base64url');
    },
  };
}
