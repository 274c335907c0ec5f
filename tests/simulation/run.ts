// One run of the deterministic simulation: the real payment core (createPaymentCore) on PGlite,
// the sandbox's model as SEQR, shoppers, customers, the merchant, notifications and faults from a
// seeded schedule, all in simulated time. The same seed gives the same trace (and hash).
import { AsyncLocalStorage } from 'node:async_hooks';
import { emptyState, seedState, SandboxModel, type CustomerAction, type Invoice, type OutgoingNotification } from '../../sandbox/model';
import type { PaymentPorts } from '../../lib/payments/ports';
import { oreToDecimalString } from '../../lib/money';
import type { CoreFactory, SimCore, SimPaymentView } from './core-api';
import type { SimDatabase } from './database';
import { crashableDb, Epoch, isSimulatedCrash, seededIds, simulatedClock, type EpochHost } from './epoch';
import { FakeSeqr, modelPaid } from './fake-seqr';
import { checkContinuous, checkFinal, checkModel, checkPaidInTime, checkReversal, SNAPSHOT_SQL, type Book, type Failure, type Snapshot } from './invariants';
import { Prng } from './prng';
import { describeSchedule, makeSchedule, type CartChange, type Schedule, type ShopperPlan } from './schedule';
import { HarnessError, Scheduler } from './scheduler';

/** Simulated time starts here (far from real time, so a real-clock leak shows). */
export const SIM_START = Date.UTC(2031, 0, 1, 9, 0, 0);
const MAX_EVENTS = 400_000;

export type RunOptions = {
  db: SimDatabase;
  createCore: CoreFactory;
  /** Keep every trace line (replay prints them). */
  keepTrace?: boolean;
  /** Change the schedule before running (tests). */
  tweak?: (schedule: Schedule) => void;
};

export type RunResult = {
  seed: number;
  ok: boolean;
  failures: Failure[];
  hash: string;
  traceLength: number;
  events: number;
  simulatedMs: number;
  realMs: number;
  schedule: Schedule;
  trace?: string[];
  lastLines: string[];
  stats: Record<string, number>;
};

type ShopperRun = {
  plan: ShopperPlan;
  cartId: string;
  token?: string;
  pageClosesAt: number;
  pollOutstanding: boolean;
  pollTimer: boolean;
  retryPending: boolean;
  retries: number;
  seen: Set<string>;
};

type Interval = { from: number; to?: number };

/** One shop instance (a machine running the shop): its current process, clock and freeze. */
type Instance = {
  slot: number;
  current: { epoch: Epoch; core: SimCore } | undefined;
  skewMs: number;
  frozenUntil: number | undefined;
  held: { label: string; run: () => void }[];
  restartPending: { cancel(): void } | undefined;
};

export async function runSeed(seed: number, options: RunOptions): Promise<RunResult> {
  const schedule = makeSchedule(seed);
  options.tweak?.(schedule);
  const sim = new Simulation(schedule, options);
  return sim.run();
}

class Simulation implements EpochHost {
  readonly sched: Scheduler;
  private readonly model: SandboxModel;
  private readonly fake: FakeSeqr;
  private readonly r: Record<'customer' | 'notify' | 'crash' | 'restart' | 'merchant' | 'cart' | 'misc' | 'hostile' | 'balancer', Prng>;
  private readonly ids;
  private readonly instances: Instance[];
  private epochs = 0;
  private dbOps = 0;
  private crashes = 0;
  /** When no shop instance could serve (all down or frozen). */
  private down: Interval[] = [];
  private quiet = false;
  private quietAt: number;
  private hardEnd: number;
  private finished = false;
  private ended = false;
  private failures: Failure[] = [];
  /** Set while a browser poll runs, so a SEQR call made on its behalf is caught. */
  private readonly pollContext = new AsyncLocalStorage<string>();
  private shoppers: ShopperRun[] = [];
  private shown = new Map<string, { at: number; shopper: number }>();
  private hostile = new Map<string, string>();
  private accepted = new Set<string>();
  private tracked = new Set<string>();
  private calls = new Map<number, { label: string; epoch: Epoch }>();
  private callSeq = 0;
  private harnessTasks = 0;
  private stats: Record<string, number> = { coreCalls: 0, coreErrors: 0, crashes: 0, restarts: 0, notifications: 0, paid: 0, reversed: 0, excused: 0, checks: 0, snapshots: 0 };
  private lastSnapshot: Snapshot | undefined;
  private snapshotWrites = -1;
  writes = 0;

  constructor(
    readonly schedule: Schedule,
    private readonly options: RunOptions,
  ) {
    this.sched = new Scheduler(SIM_START, { keepTrace: options.keepTrace });
    const root = new Prng(schedule.seed, 'run');
    this.r = {
      customer: root.fork('customer'),
      notify: root.fork('notify'),
      crash: root.fork('crash'),
      restart: root.fork('restart'),
      merchant: root.fork('merchant'),
      cart: root.fork('cart'),
      misc: root.fork('misc'),
      hostile: root.fork('hostile'),
      balancer: root.fork('balancer'),
    };
    this.ids = seededIds(root.fork('ids'));
    const state = emptyState();
    seedState(state, []);
    const modelRandom = root.fork('model');
    this.model = new SandboxModel(
      state,
      { confirmWindowS: schedule.model.confirmWindowS, invoiceTtlS: schedule.model.invoiceTtlS, reportDelayS: 3, apiMode: schedule.model.apiMode, strict: false },
      () => this.sched.now,
      { int: (max) => modelRandom.int(max), bytes: (n) => modelRandom.bytes(n) },
    );
    this.fake = new FakeSeqr({
      sched: this.sched,
      model: this.model,
      faults: root.fork('faults'),
      refs: root.fork('client-refs'),
      weather: schedule.weather,
      outages: schedule.outages.map((o) => ({ ...o, from: SIM_START + o.from, to: SIM_START + o.to })),
      timeoutMs: schedule.settings.seqrTimeoutMs,
      purgeFinalAfterMs: schedule.purgeFinalAfterMs,
      // A browser's poll reads what the shop has stored: it never reaches SEQR (issue 14).
      onRequest: (operation) => {
        const poll = this.pollContext.getStore();
        if (poll) this.fail('poll-no-seqr', `${poll} called ${operation}`);
      },
    });
    this.instances = schedule.skewsMs.map((skewMs, slot) => ({ slot, current: undefined, skewMs, frozenUntil: undefined, held: [], restartPending: undefined }));
    this.quietAt = SIM_START + schedule.activityEndsAt;
    this.hardEnd = this.quietAt + Math.max(schedule.settings.ttlMs, schedule.model.invoiceTtlS * 1000) + 150_000;
  }

  private t(ms: number) {
    return SIM_START + ms;
  }

  private trace(line: string) {
    this.sched.trace(line);
  }

  private fail(invariant: string, message: string) {
    if (this.failures.some((f) => f.invariant === invariant && f.message === message)) return;
    this.failures.push({ invariant, message, at: this.sched.now });
    this.trace(`!!! ${invariant}: ${message}`);
  }

  // --- the shop process ---------------------------------------------------------------------------

  private boot(instance: Instance): void {
    instance.restartPending = undefined;
    const id = ++this.epochs;
    const s = this.schedule;
    const crash =
      !this.quiet && this.crashes < s.maxCrashes && this.r.crash.chance(s.crashChance)
        ? { atCall: this.r.crash.range(1, 350), when: this.r.crash.pick(['before', 'after'] as const) }
        : undefined;
    const epoch = new Epoch(id, instance.slot, this, instance.skewMs, crash);
    const ports: PaymentPorts = {
      db: crashableDb(this.options.db.prisma, epoch, { trace: true }),
      seqr: this.fake.port(epoch),
      clock: simulatedClock(epoch, { trace: true }),
      ids: this.ids,
      settings: { ...s.settings },
      invoiceLookup: s.withLookup ? this.fake.lookup(epoch) : undefined,
      log: (line) => this.trace(`[e${id}] log ${line}`),
    };
    const core = this.options.createCore(ports);
    instance.current = { epoch, core };
    this.updateAvailability();
    this.trace(`boot shop process e${id} on instance ${instance.slot}, clock ${instance.skewMs >= 0 ? '+' : ''}${instance.skewMs} ms${crash ? `, will crash at port call ${crash.atCall} (${crash.when})` : ''}`);
    if (id > this.instances.length) this.stats.restarts!++;
    // The sweeper loop as lib/payments/sweeper.ts startSweeperLoop runs it (in simulated time): a
    // pass every interval; a pass stuck on slow SEQR calls goes on in the background while the next
    // starts one interval later.
    void (async () => {
      try {
        await ports.clock.sleep(s.sweepEveryMs + this.r.misc.range(0, 200));
        while (epoch.alive) {
          const pass = core
            .sweepOnce()
            .then((worked) => {
              if (worked > 0) this.trace(`[e${id}] sweep pass worked on ${worked}`);
            })
            .catch((error: unknown) => {
              if (isSimulatedCrash(error) || !epoch.alive) return;
              this.stats.coreErrors!++;
              this.fail('no-500', `sweepOnce threw: ${describeError(error)}`);
            });
          await Promise.race([pass, ports.clock.sleep(s.sweepEveryMs)]);
          await ports.clock.sleep(s.sweepEveryMs + this.r.misc.range(0, 50));
        }
      } catch (error) {
        if (!isSimulatedCrash(error) && epoch.alive) this.fail('harness', `sweeper loop: ${describeError(error)}`);
      }
    })();
  }

  onDeath(epoch: Epoch, why: string): void {
    this.trace(`shop process e${epoch.id} died: ${why}`);
    const instance = this.instances[epoch.instance]!;
    if (instance.current?.epoch !== epoch || this.ended) return;
    this.stats.crashes!++;
    this.dbOps += epoch.dbOps;
    instance.current = undefined;
    this.crashes++;
    if (instance.frozenUntil !== undefined) this.unfreeze(instance);
    this.updateAvailability();
    const r = this.r.restart;
    const downtime = this.quiet ? r.range(100, 1500) : r.weighted([[r.range(20, 500), 3], [r.range(500, 3000), 3], [r.range(3000, 10_000), 2], [r.range(10_000, 30_000), 1]]);
    instance.restartPending = this.sched.after(downtime, 'restart', () => this.boot(instance));
  }

  /** The shop is available while some instance is up and not frozen. */
  private updateAvailability() {
    const available = this.instances.some((i) => i.current && i.frozenUntil === undefined);
    const last = this.down[this.down.length - 1];
    const open = last !== undefined && last.to === undefined;
    if (!available && !open) this.down.push({ from: this.sched.now });
    if (available && open) last.to = this.sched.now;
  }

  private live(): Instance[] {
    return this.instances.filter((i) => i.current !== undefined);
  }

  private freeze(instance: Instance, ms: number) {
    if (!instance.current || instance.frozenUntil !== undefined) return;
    instance.frozenUntil = this.sched.now + ms;
    this.updateAvailability();
    this.trace(`shop process e${instance.current.epoch.id} (instance ${instance.slot}) frozen for ${ms} ms`);
    this.sched.after(ms, 'unfreeze', () => this.unfreeze(instance));
  }

  private unfreeze(instance: Instance) {
    if (instance.frozenUntil === undefined) return;
    instance.frozenUntil = undefined;
    this.trace(`instance ${instance.slot} unfrozen (${instance.held.length} held events)`);
    this.updateAvailability();
    const held = instance.held;
    instance.held = [];
    for (const event of held) this.sched.at(this.sched.now, event.label, event.run, { instance: instance.slot });
  }

  /** Time in [from, to] with the shop down or frozen, or SEQR unreachable by schedule. */
  private unavailableMs(from: number, to: number): number {
    const spans: [number, number][] = [];
    for (const d of this.down) spans.push([d.from, d.to ?? this.sched.now]);
    for (const o of this.schedule.outages) spans.push([this.t(o.from), Math.min(this.t(o.to), this.quietAt)]);
    const clipped = spans.map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as [number, number]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
    let total = 0;
    let end = -Infinity;
    for (const [a, b] of clipped) {
      if (b <= end) continue;
      total += b - Math.max(a, end);
      end = b;
    }
    return total;
  }

  /**
   * A request to the shop (a page, a route handler, the back office): runs in the live process, is
   * held while it is frozen, refused while it is down, and its answer is lost if the process dies.
   */
  private invoke<T>(label: string, work: (core: SimCore) => Promise<T>, handlers: { ok?: (value: T) => void; done?: () => void } = {}): void {
    // The load balancer sends the request to an instance that is up (it cannot tell a frozen one).
    const live = this.live();
    if (live.length === 0) {
      this.trace(`→ ${label}: refused (shop down)`);
      handlers.done?.();
      return;
    }
    const instance = live.length === 1 ? live[0]! : this.r.balancer.pick(live);
    this.sched.at(
      this.sched.now,
      label,
      () => {
        const current = instance.current;
        if (!current) {
          this.trace(`→ ${label}: connection reset (instance ${instance.slot} went down)`);
          handlers.done?.();
          return;
        }
        const { epoch, core } = current;
        const id = ++this.callSeq;
        this.calls.set(id, { label, epoch });
        this.stats.coreCalls!++;
        this.trace(`[e${epoch.id}] → ${label}`);
        let promise: Promise<T>;
        try {
          promise = work(core);
        } catch (error) {
          promise = Promise.reject(error);
        }
        promise.then(
          (value) => {
            this.calls.delete(id);
            if (!epoch.alive) this.trace(`[e${epoch.id}] ← ${label}: lost (the process died)`);
            else {
              this.trace(`[e${epoch.id}] ← ${label}: ${summarize(value)}`);
              try {
                handlers.ok?.(value);
              } catch (error) {
                this.fail('harness', `handling the answer to ${label}: ${describeError(error)}`);
              }
            }
            handlers.done?.();
          },
          (error: unknown) => {
            this.calls.delete(id);
            if (isSimulatedCrash(error) || !epoch.alive) this.trace(`[e${epoch.id}] ← ${label}: lost (the process died)`);
            else {
              this.stats.coreErrors!++;
              this.trace(`[e${epoch.id}] ← ${label}: THREW ${describeError(error)}`);
              this.fail('no-500', `${label} threw (HTTP 500): ${describeError(error)}`);
            }
            handlers.done?.();
          },
        );
      },
      { instance: instance.slot },
    );
  }

  /** The harness's own database work (carts, checks): a task, so the event loop never waits on it. */
  private task(label: string, work: () => Promise<void>): void {
    this.harnessTasks++;
    work()
      .catch((error: unknown) => this.fail('harness', `${label}: ${describeError(error)}`))
      .finally(() => {
        this.harnessTasks--;
        this.sched.activity++;
      });
  }

  // --- shoppers -----------------------------------------------------------------------------------

  private startShopper(plan: ShopperPlan) {
    const s: ShopperRun = { plan, cartId: this.r.cart.bytes(24).toString('base64url'), pageClosesAt: 0, pollOutstanding: false, pollTimer: false, retryPending: false, retries: 0, seen: new Set() };
    this.shoppers.push(s);
    const products = this.options.db.products;
    this.task(`cart of shopper ${plan.index}`, async () => {
      this.writes++;
      await this.options.db.prisma.cart.create({
        data: {
          id: s.cartId,
          createdAt: new Date(this.sched.now),
          lines: { create: plan.lines.map((line, k) => ({ productId: products[line.product]!.id, quantity: line.quantity, addedAt: new Date(this.sched.now + k) })) },
        },
      });
      this.trace(`shopper ${plan.index}: cart ${s.cartId.slice(0, 6)} with ${plan.lines.map((l) => `${products[l.product]!.sku}×${l.quantity}`).join(', ')}`);
      this.checkout(s);
    });
    for (const change of plan.cartChanges) this.sched.at(this.t(change.at), 'cart change', () => this.changeCart(s, change.change, change.checkoutAgain));
    for (const m of plan.merchant) this.sched.at(this.t(m.at), 'merchant', () => this.merchant(s, m.action));
    if (plan.returnAt !== undefined) {
      this.sched.at(this.t(plan.returnAt), 'shopper comes back', () => {
        this.trace(`shopper ${plan.index} comes back to the cart`);
        this.checkout(s);
      });
    }
  }

  private checkout(s: ShopperRun) {
    this.invoke(`checkout s${s.plan.index}`, (core) => core.checkoutCart(s.cartId, s.plan.email ? { email: s.plan.email } : {}), {
      ok: (result) => {
        if (result.kind !== 'started') return;
        s.token = result.token;
        this.openPage(s);
      },
    });
  }

  private openPage(s: ShopperRun) {
    s.pageClosesAt = this.sched.now + s.plan.pageOpenMs;
    this.poll(s);
  }

  private poll(s: ShopperRun) {
    if (!s.token || this.sched.now > s.pageClosesAt || this.quiet) return;
    if (!s.pollOutstanding) {
      s.pollOutstanding = true;
      const token = s.token;
      const label = `poll s${s.plan.index}`;
      this.invoke(label, (core) => this.pollContext.run(label, () => core.currentPaymentView(token)), {
        ok: (view) => this.onView(s, view),
        done: () => {
          s.pollOutstanding = false;
        },
      });
    }
    if (!s.pollTimer) {
      s.pollTimer = true;
      this.sched.after(s.plan.pollEveryMs, 'poll timer', () => {
        s.pollTimer = false;
        this.poll(s);
      });
    }
  }

  private onView(s: ShopperRun, view: SimPaymentView | null) {
    if (!view || !s.token) return;
    const ref = view.attempt?.invoiceReference;
    if (ref && view.attempt?.status === 'ISSUED' && !this.shown.has(ref)) {
      this.shown.set(ref, { at: this.sched.now, shopper: s.plan.index });
      this.trace(`shopper ${s.plan.index} is shown invoice ${ref}`);
      this.planCustomer(s, ref);
    }
    if (['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'REVIEW'].includes(view.orderStatus)) {
      s.pageClosesAt = this.sched.now; // the page moves on to the done page
      if (this.r.customer.chance(0.5)) this.returnToDonePage(s, 0);
      return;
    }
    if (view.canRetry && !s.retryPending && s.retries < 3 && this.r.customer.chance(s.plan.retryChance)) {
      s.retryPending = true;
      const token = s.token;
      this.sched.after(this.r.customer.range(500, 5000), 'try again', () => {
        s.retries++;
        this.invoke(`try again s${s.plan.index}`, (core) => core.retryPayment(token), {
          done: () => {
            s.retryPending = false;
            if (this.sched.now <= s.pageClosesAt) this.poll(s);
          },
        });
      });
    }
  }

  private returnToDonePage(s: ShopperRun, afterMs: number) {
    const token = s.token;
    if (!token) return;
    this.sched.after(afterMs, 'done page', () => this.invoke(`done page s${s.plan.index}`, (core) => core.finalizeOnReturn(token)));
  }

  /** What the customer does in the app with an invoice the page showed them. */
  private planCustomer(s: ShopperRun, ref: string) {
    const r = this.r.customer;
    const act = (at: number, action: CustomerAction, then?: () => void) => this.sched.after(at, `customer ${action}`, () => this.customer(s, ref, action, then));
    const back = () => {
      if (s.plan.samePhone) this.returnToDonePage(s, r.range(300, 3000));
    };
    switch (s.plan.temper) {
      case 'payer': {
        const at = r.range(800, 15_000);
        if (r.chance(0.3)) act(Math.floor(at / 2), 'scan');
        act(at, r.chance(0.9) ? 'pay' : 'cancel', back);
        break;
      }
      case 'hesitant': {
        const scan = r.range(1000, 10_000);
        act(scan, 'scan');
        act(scan + r.range(2000, 50_000), r.chance(0.6) ? 'pay' : 'cancel', back);
        break;
      }
      case 'canceller':
        act(r.range(500, 10_000), r.chance(0.7) ? 'cancel' : 'fail', back);
        break;
      case 'ghost':
        if (r.chance(0.4)) act(r.range(500, 10_000), 'scan');
        break;
    }
  }

  private customer(s: ShopperRun, ref: string, action: CustomerAction, then?: () => void) {
    if (this.quiet) return;
    const result = this.model.customer(ref, action);
    if (!result.ok) {
      this.trace(`customer of shopper ${s.plan.index}: ${action} ${ref} refused: ${result.error}`);
      return;
    }
    this.trace(`customer of shopper ${s.plan.index}: ${action} ${ref} → ${result.invoice.status}`);
    if (action === 'pay' && result.invoice.status === 'PAID' && this.r.hostile.chance(this.schedule.hostileChance)) {
      // A hostile or broken SEQR took another amount or currency than the invoice asked for.
      const invoice = result.invoice;
      const total = modelPaid(invoice).ore;
      const taken = this.r.hostile.weighted<[string, number]>([
        [['SEK', 100], 2],
        [['SEK', Math.max(1, total - this.r.hostile.range(1, Math.max(1, Math.floor(total / 2))))], 2],
        [['SEK', total + this.r.hostile.range(1, 5000)], 1],
        [['EUR', total], 2],
      ]);
      if (taken[0] === 'SEK' && taken[1] === total) return then?.();
      invoice.committedAmount = { currency: taken[0], value: oreToDecimalString(taken[1]) };
      this.hostile.set(ref, `${taken[1]} öre ${taken[0]}`);
      this.trace(`SEQR took ${taken[1]} öre ${taken[0]} for invoice ${ref} of ${total} öre (hostile)`);
    }
    then?.();
  }

  private changeCart(s: ShopperRun, change: CartChange, checkoutAgain: boolean) {
    if (!this.instances.some((i) => i.current && i.frozenUntil === undefined)) {
      this.trace(`shopper ${s.plan.index}: cart change ${change} not possible (shop down)`);
      return;
    }
    const db = this.options.db.prisma;
    const products = this.options.db.products;
    const r = this.r.cart;
    const chosen = r.int(1000);
    this.task(`cart change of shopper ${s.plan.index}`, async () => {
      const cart = await db.cart.findUnique({ where: { id: s.cartId }, include: { lines: { orderBy: { addedAt: 'asc' } } } });
      if (!cart || cart.status !== 'OPEN') {
        this.trace(`shopper ${s.plan.index}: cart is ${cart?.status ?? 'gone'}, no change`);
        return;
      }
      const lines = cart.lines;
      let kind = change;
      if (kind === 'remove-line' && lines.length < 2) kind = 'less';
      if (kind === 'less' && !lines.some((l) => l.quantity > 1)) kind = lines.length > 1 ? 'remove-line' : 'more';
      if ((kind === 'more' || kind === 'less' || kind === 'remove-line') && lines.length === 0) kind = 'add';
      const line = lines[chosen % Math.max(1, lines.length)];
      this.writes++;
      switch (kind) {
        case 'add': {
          const free = products.filter((p) => !lines.some((l) => l.productId === p.id));
          const product = free[chosen % free.length]!;
          await db.cartLine.create({ data: { cartId: s.cartId, productId: product.id, quantity: 1, addedAt: new Date(this.sched.now) } });
          break;
        }
        case 'more':
          await db.cartLine.update({ where: { id: line!.id }, data: { quantity: line!.quantity + 1 } });
          break;
        case 'less': {
          const many = lines.filter((l) => l.quantity > 1);
          const target = many[chosen % many.length]!;
          await db.cartLine.update({ where: { id: target.id }, data: { quantity: target.quantity - 1 } });
          break;
        }
        case 'remove-line':
          await db.cartLine.delete({ where: { id: line!.id } });
          break;
        case 'empty':
          await db.cartLine.deleteMany({ where: { cartId: s.cartId } });
          break;
      }
      this.trace(`shopper ${s.plan.index}: cart ${kind}`);
      this.invoke(`cart sync s${s.plan.index}`, (core) => core.syncOpenInvoiceWithCart(s.cartId), {
        done: () => {
          if (checkoutAgain && kind !== 'empty') this.sched.after(r.range(500, 3000), 'checkout again', () => this.checkout(s));
        },
      });
    });
  }

  private merchant(s: ShopperRun, action: string) {
    if (!s.token || this.quiet) return;
    const db = this.options.db;
    const r = this.r.merchant;
    const pick = r.int(1_000_000);
    const second = r.int(1_000_000);
    this.task(`merchant for shopper ${s.plan.index}`, async () => {
      const rows = await db.pglite.query<{ id: string; status: string; paidOre: number; refundedOre: number; reserved: number; openAttemptId: string | null }>(
        `SELECT id, status, "paidOre", "refundedOre", ${db.has('Order.refundReservedOre') ? '"refundReservedOre"' : '0'} AS reserved, "openAttemptId" FROM "Order" WHERE "publicToken" = $1`,
        [s.token],
      );
      const order = rows.rows[0];
      if (!order) return;
      const left = order.paidOre - order.refundedOre - order.reserved;
      const paid = ['PAID', 'PARTIALLY_REFUNDED', 'REVIEW'].includes(order.status);
      const refund = (amount: number, tag: string) => this.invoke(`refund ${amount} (${tag}) s${s.plan.index}`, (core) => core.refundOrder(order.id, amount, 'admin'));
      if (order.status === 'REVIEW' && pick % 2 === 0) {
        // The merchant looks at the payment under review and accepts it as it is. (Counted as
        // accepted from the request on: its answer may be lost after it committed.)
        this.accepted.add(order.id);
        return this.invoke(`accept review s${s.plan.index}`, (core) => core.acceptReviewedPayment?.(order.id, 'admin') ?? Promise.resolve({ ok: false, message: 'no acceptReviewedPayment' }));
      }
      if (action === 'cancel' || !paid) {
        if (order.status === 'AWAITING_PAYMENT' && order.openAttemptId) this.invoke(`merchant cancel s${s.plan.index}`, (core) => core.cancelOpenAttemptByMerchant(order.id));
        return;
      }
      if (left <= 0) return refund(1 + (pick % 500), 'nothing left');
      const part = 1 + (pick % left);
      switch (action) {
        case 'refund-full':
          return refund(left, 'full');
        case 'refund-twice':
          refund(part, 'first of two');
          refund(1 + (second % left), 'second of two');
          return;
        case 'refund-too-much':
          return refund(left + 1 + (pick % 1000), 'too much');
        default:
          return refund(part, 'part');
      }
    });
  }

  // --- SEQR's side: notifications and timers -------------------------------------------------------

  private deliver(n: OutgoingNotification, afterMs: number, tag: string) {
    const token = n.url.split('/').pop() ?? '';
    this.sched.after(afterMs, 'notification', () => {
      this.stats.notifications!++;
      this.invoke(`notify ${n.invoiceReference}${tag}`, (core) => core.handleNotification(token));
    });
  }

  private drainOutbox() {
    const r = this.r.notify;
    const p = this.schedule.notifications;
    for (let n = this.model.outbox.shift(); n; n = this.model.outbox.shift()) {
      if (this.quiet) {
        this.deliver(n, r.range(20, 400), '');
        continue;
      }
      const fate = r.weighted([
        ['deliver', Math.max(0, 1 - p.drop - p.duplicate - p.late)],
        ['drop', p.drop],
        ['duplicate', p.duplicate],
        ['late', p.late],
      ] as const);
      this.trace(`SEQR notifies ${n.invoiceReference}: ${fate}`);
      if (fate === 'drop') continue;
      if (fate === 'late') this.deliver(n, r.range(5000, 40_000), ' (late)');
      else this.deliver(n, r.range(20, 400), '');
      if (fate === 'duplicate') this.deliver(n, r.range(20, 3000), ' (again)');
    }
  }

  private forge(kind: 'random' | 'other-attempt') {
    const tokens = this.model.state.invoices.map((i) => i.body.notificationUrl?.split('/').pop()).filter((t): t is string => !!t);
    const token = kind === 'other-attempt' && tokens.length > 0 ? this.r.notify.pick(tokens) : this.r.notify.bytes(24).toString('base64url');
    this.invoke(`forged notification (${kind})`, (core) => core.handleNotification(token));
  }

  /** After every event: SEQR's log lines, its outbox, new payments to watch, the model-only checks. */
  private afterEvent() {
    for (const line of this.model.logbook.splice(0)) this.trace(line);
    this.drainOutbox();
    for (const invoice of this.model.state.invoices) {
      if (invoice.paidAt === undefined || this.tracked.has(invoice.invoiceReference)) continue;
      this.tracked.add(invoice.invoiceReference);
      this.stats.paid!++;
      const deadline = invoice.paidAt + this.schedule.model.confirmWindowS * 1000;
      this.sched.at(deadline - 1, 'paid-in-time check', () => this.checkWithSnapshot('paid-in-time', (snap, book) => checkPaidInTime(invoice, snap, book)));
      this.sched.at(deadline + 1, 'reversal check', () => {
        if (invoice.reversed) this.stats.reversed!++;
        for (const f of checkReversal(invoice, this.book())) this.fail(f.invariant, f.message);
        if (invoice.reversed && checkReversal(invoice, this.book()).length === 0) this.stats.excused!++;
      });
    }
    for (const f of checkModel(this.model, this.sched.now)) this.fail(f.invariant, f.message);
  }

  private book(): Book {
    const s = this.schedule;
    return {
      now: this.sched.now,
      shopNow: this.sched.now + Math.min(...this.instances.map((i) => i.skewMs)),
      ttlMs: s.settings.ttlMs,
      seqrTimeoutMs: s.settings.seqrTimeoutMs,
      sweepEveryMs: s.sweepEveryMs,
      confirmWindowMs: s.model.confirmWindowS * 1000,
      maxSkewMs: Math.max(...this.instances.map((i) => Math.abs(i.skewMs))) + 500,
      withLookup: s.withLookup,
      shown: this.shown,
      hostile: this.hostile,
      accepted: this.accepted,
      uncertainUpdates: new Set(this.fake.log.filter((c) => c.operation === 'updateInvoice' && c.outcome === 'transport' && c.failure !== 'refused' && c.reference).map((c) => c.reference!)),
      unavailableMs: (a, b) => this.unavailableMs(a, b),
    };
  }

  private async snapshot(): Promise<Snapshot> {
    if (this.lastSnapshot && this.snapshotWrites === this.writes) return this.lastSnapshot;
    const writes = this.writes;
    const result = await this.options.db.pglite.query<Required<Snapshot>>(SNAPSHOT_SQL);
    const row = result.rows[0]!;
    this.lastSnapshot = { attempts: row.attempts, orders: row.orders, refunds: row.refunds, products: row.products, reservations: row.reservations };
    this.snapshotWrites = writes;
    this.stats.snapshots!++;
    return this.lastSnapshot;
  }

  /** Read the shop's state (when the database is free) and check it against the model at that instant. */
  private checkWithSnapshot(label: string, check: (snap: Snapshot, book: Book) => Failure[]) {
    this.task(label, async () => {
      const snap = await this.snapshot();
      this.stats.checks!++;
      for (const f of check(snap, this.book())) this.fail(f.invariant, f.message);
    });
  }

  private periodicCheck() {
    if (this.finished) return;
    this.checkWithSnapshot('periodic check', (snap, book) => checkContinuous(this.model, snap, book));
    this.sched.after(3000, 'periodic check', () => this.periodicCheck());
  }

  // --- the end ---------------------------------------------------------------------------------------

  private beginQuiet() {
    this.quiet = true;
    this.fake.faultsOn = false;
    this.trace('quiet period: no more faults, crashes or shoppers; the shop comes up and settles');
    for (const instance of this.instances) {
      if (instance.current) instance.current.epoch.crash = undefined;
      if (instance.frozenUntil !== undefined) this.unfreeze(instance);
      if (!instance.current && instance.restartPending) {
        instance.restartPending.cancel();
        instance.restartPending = this.sched.after(this.r.restart.range(100, 1500), 'restart', () => this.boot(instance));
      }
    }
    this.settleCheck();
  }

  private settleCheck() {
    this.sched.after(3000, 'settle check', () => {
      if (this.finished) return;
      this.task('settle check', async () => {
        const snap = await this.snapshot();
        if (this.isSettled(snap)) {
          this.trace('settled');
          this.finished = true;
        } else this.settleCheck();
      });
    });
  }

  private isSettled(snap: Snapshot): boolean {
    if (this.instances.some((i) => !i.current || i.frozenUntil !== undefined)) return false;
    if (this.model.state.invoices.some((i) => ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED'].includes(i.status) || (i.status === 'PAID' && !i.confirmed))) return false;
    if (snap.attempts.some((a) => a.status === 'CREATED' || a.status === 'ISSUED')) return false;
    // Receipts wait for the merchant while a payment needs review: not the shop's to settle.
    const underReview = (orderId: string) => {
      const order = snap.orders.find((o) => o.id === orderId);
      return order?.status === 'REVIEW' || !!order?.reviewReason;
    };
    if (snap.attempts.some((a) => a.status === 'PAID' && a.receiptStatus === 'SENDING')) return false;
    if (snap.attempts.some((a) => a.status === 'PAID' && a.receiptStatus === 'NOT_SENT' && !underReview(a.orderId))) return false;
    if (snap.refunds.some((r) => r.status === 'PENDING' || r.status === 'UNKNOWN')) return false;
    if ([...this.calls.values()].some((c) => c.epoch.alive)) return false;
    return true;
  }

  async run(): Promise<RunResult> {
    const realStart = performance.now();
    const s = this.schedule;
    for (const line of describeSchedule(s)) this.trace(`schedule: ${line}`);
    await this.options.db.reset();
    for (const plan of s.shoppers) this.sched.at(this.t(plan.checkoutAt), 'shopper arrives', () => this.startShopper(plan));
    const target = (slot: number) => this.instances[slot % this.instances.length]!;
    for (const k of s.kills) this.sched.at(this.t(k.at), 'kill -9', () => target(k.instance).current?.epoch.kill('kill -9'));
    for (const f of s.freezes) this.sched.at(this.t(f.at), 'freeze', () => this.freeze(target(f.instance), f.ms));
    for (const j of s.clockJumps) {
      this.sched.at(this.t(j.at), 'clock jump', () => {
        const instance = target(j.instance);
        instance.skewMs += j.deltaMs;
        if (instance.current) instance.current.epoch.skewMs = instance.skewMs;
        this.trace(`instance ${instance.slot}'s clock jumps ${j.deltaMs} ms (now ${instance.skewMs} ms off)`);
      });
    }
    for (const f of s.forged) this.sched.at(this.t(f.at), 'forged notification', () => this.forge(f.kind));
    this.sched.at(this.quietAt, 'quiet', () => this.beginQuiet());
    this.sched.after(1000, 'periodic check', () => this.periodicCheck());
    for (const instance of this.instances) this.boot(instance);

    try {
      for (;;) {
        await this.sched.quiesce();
        this.afterEvent();
        if (this.failures.length > 0 || this.finished) break;
        if (this.sched.events > MAX_EVENTS) throw new HarnessError(`more than ${MAX_EVENTS} events`);
        const next = this.sched.nextAt();
        const due = this.model.nextDeadline();
        const at = Math.min(next ?? Infinity, due ?? Infinity);
        if (at === Infinity) throw new HarnessError('nothing left to happen, yet the run has not settled');
        if (at > this.hardEnd) {
          this.fail('settled', `the world did not settle by ${((this.hardEnd - SIM_START) / 1000).toFixed(0)} s${this.describeUnsettled()}`);
          break;
        }
        if (due !== undefined && due <= (next ?? Infinity)) {
          this.sched.now = Math.max(this.sched.now, due);
          this.model.tick();
          continue;
        }
        const event = this.sched.take()!;
        this.sched.now = Math.max(this.sched.now, event.at);
        if (event.instance !== undefined) {
          const instance = this.instances[event.instance]!;
          if (instance.frozenUntil !== undefined) {
            instance.held.push(event);
            continue;
          }
        }
        this.sched.events++;
        event.run();
      }
      if (this.failures.length === 0) {
        // Everything settled: the final checks, then the last process is stopped.
        const snap = await this.snapshot();
        for (const f of checkFinal(this.model, snap, this.book())) this.fail(f.invariant, f.message);
        for (const f of checkContinuous(this.model, snap, this.book())) this.fail(f.invariant, f.message);
      }
    } catch (error) {
      this.fail('harness', describeError(error));
    } finally {
      this.ended = true;
      for (const instance of this.instances) {
        if (instance.current) this.dbOps += instance.current.epoch.dbOps;
        instance.current?.epoch.kill('end of run');
      }
      this.fake.faultsOn = false;
      // Let the dead process unwind (its waits are rejected), and the harness tasks finish.
      for (let i = 0; i < 20 && this.harnessTasks > 0; i++) await this.sched.quiesce();
      await this.sched.quiesce();
    }
    return {
      seed: s.seed,
      ok: this.failures.length === 0,
      failures: this.failures,
      hash: this.sched.digest(),
      traceLength: this.sched.traceLength,
      events: this.sched.events,
      simulatedMs: this.sched.now - SIM_START,
      realMs: Math.round(performance.now() - realStart),
      schedule: s,
      trace: this.sched.lines,
      lastLines: this.sched.lastLines(),
      stats: { ...this.stats, ...this.coverage(), seqrCalls: this.fake.calls, epochs: this.epochs, dbOps: this.dbOps },
    };
  }

  /** What the run exercised: SEQR operations by fault plan and by result code, and the world's events. */
  private coverage(): Record<string, number> {
    const c: Record<string, number> = {};
    const add = (key: string) => (c[key] = (c[key] ?? 0) + 1);
    for (const call of this.fake.log) {
      add(`${call.operation}:${call.plan}`);
      if (call.code !== undefined) add(`${call.operation}=${call.code}`);
    }
    for (const invoice of this.model.state.invoices) {
      add(`invoice:${invoice.status}${invoice.reversed ? ':reversed' : ''}`);
      if (invoice.scannedAt !== undefined) add('invoice:scanned');
      if (invoice.refunds.length) add(`invoice:refunds:${invoice.refunds.length}`);
      if (!this.shown.has(invoice.invoiceReference)) add('invoice:never-shown');
    }
    if (this.hostile.size) c.hostile = this.hostile.size;
    return c;
  }

  private describeUnsettled(): string {
    const open = this.model.state.invoices.filter((i: Invoice) => ['ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED'].includes(i.status)).map((i) => `${i.invoiceReference} ${i.status}`);
    const snap = this.lastSnapshot;
    const attempts = snap?.attempts.filter((a) => a.status === 'CREATED' || a.status === 'ISSUED').map((a) => `attempt ${a.clientInvoiceId} ${a.status}`) ?? [];
    const receipts = snap?.attempts.filter((a) => a.status === 'PAID' && (a.receiptStatus === 'NOT_SENT' || a.receiptStatus === 'SENDING')).map((a) => `receipt of ${a.clientInvoiceId} ${a.receiptStatus}`) ?? [];
    const refunds = snap?.refunds.filter((r) => r.status === 'PENDING' || r.status === 'UNKNOWN').map((r) => `refund ${r.amountOre} ${r.status}`) ?? [];
    const calls = [...this.calls.values()].filter((c) => c.epoch.alive).map((c) => `call ${c.label} never returned`);
    const all = [...open.map((o) => `SEQR ${o}`), ...attempts, ...receipts, ...refunds, ...calls];
    return all.length ? `: ${all.join('; ')}` : '';
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(error);
}

function summarize(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if ('orderStatus' in v) {
    const a = v.attempt as { status?: string; invoiceReference?: string | null; number?: number } | null;
    return `view ${String(v.orderStatus)}${a ? ` attempt #${a.number ?? '?'} ${a.status} ${a.invoiceReference ?? ''}` : ''}${v.canRetry ? ' canRetry' : ''}`;
  }
  if ('kind' in v) return `${String(v.kind)}${'start' in v ? ` (${summarize(v.start)})` : ''}${'resultCode' in v && v.resultCode !== undefined ? ` ${String(v.resultCode)}` : ''}`;
  if ('ok' in v) return `${v.ok ? 'ok' : 'no'} ${JSON.stringify((v as { message?: unknown }).message)}`;
  if ('status' in v && 'id' in v) return `order ${String(v.status)}`;
  return JSON.stringify(value).slice(0, 120);
}
