// The seeded schedule of one run: the settings, the shoppers and what they do, the merchant, the
// faults (SEQR's weather and outages, notification fates), crashes, freezes and clock jumps.
// Decisions that react to what happens (the customer paying the invoice the page shows) are made
// during the run from their own seeded streams; this is the part fixed before the run starts.
import type { PaymentSettings } from '../../lib/payments/ports';
import type { ApiMode } from '../../sandbox/config';
import type { FaultWeather, Outage, OutageMode } from './fake-seqr';
import { Prng } from './prng';

export type CartChange = 'add' | 'more' | 'less' | 'remove-line' | 'empty';
export type MerchantAction = 'refund-part' | 'refund-full' | 'refund-twice' | 'refund-too-much' | 'cancel';

export type ShopperPlan = {
  index: number;
  checkoutAt: number;
  lines: { product: number; quantity: number }[];
  email?: string;
  /** The pay page polls this often while it is open. */
  pollEveryMs: number;
  /** The tab is closed this long after checkout (the page stops polling). */
  pageOpenMs: number;
  /** Chance that the shopper clicks "Try again" when the page offers it. */
  retryChance: number;
  /** How the customer tends to act in the app on an invoice they see. */
  temper: 'payer' | 'hesitant' | 'canceller' | 'ghost';
  /** Same phone: the app opens backURL (the done page) after paying or cancelling. */
  samePhone: boolean;
  cartChanges: { at: number; change: CartChange; checkoutAgain: boolean }[];
  merchant: { at: number; action: MerchantAction }[];
  /** The shopper comes back later and checks out again (a new order if the old one was abandoned). */
  returnAt?: number;
};

export type Schedule = {
  seed: number;
  /** The core has an invoice lookup over the model's state (the sandbox case). */
  withLookup: boolean;
  settings: PaymentSettings;
  sweepEveryMs: number;
  model: { invoiceTtlS: number; apiMode: ApiMode; confirmWindowS: number };
  weather: FaultWeather;
  outages: Outage[];
  purgeFinalAfterMs?: number;
  /** Chance that a payment is taken for another amount or currency than the invoice (hostile SEQR). */
  hostileChance: number;
  notifications: { drop: number; duplicate: number; late: number };
  forged: { at: number; kind: 'random' | 'other-attempt' }[];
  /** Per process epoch: chance of a crash at a random port call, and its range. */
  crashChance: number;
  maxCrashes: number;
  /** kill -9 of the process on an instance (slot). */
  kills: { at: number; instance: number }[];
  freezes: { at: number; ms: number; instance: number }[];
  clockJumps: { at: number; deltaMs: number; instance: number }[];
  /** One shop instance per entry (two share the database: a load balancer spreads the requests), with its clock's offset. */
  skewsMs: number[];
  shoppers: ShopperPlan[];
  /** After this, faults stop and the world settles (quiet period). */
  activityEndsAt: number;
};

export function makeSchedule(seed: number): Schedule {
  const r = new Prng(seed, 'schedule');
  const withLookup = seed % 2 === 0;
  const ttlMs = r.pick([12_000, 20_000, 30_000]);
  const seqrTimeoutMs = r.pick([1500, 3000, 5000]);
  const activityEndsAt = r.range(20_000, 45_000);
  const stormy = r.chance(0.25);
  const weather: FaultWeather = {
    faultRate: r.pick(stormy ? [0.15, 0.2] : [0, 0.03, 0.08, 0.12]),
    refuse: 4,
    requestLost: 1.5,
    answerLost: 1.5,
    garbled: 0.5,
    slow: 2.5,
  };
  if (r.chance(0.4)) {
    // A bad day for one or two operations. Not getPaymentStatus: per-call faults do not excuse a
    // payment missing its 20-second window (only outages and downtime do), so its failure rate stays
    // at the weather's (at most 20 %), where five failures in a row are rare.
    weather.perOperation = {};
    for (let n = r.range(1, 2); n > 0; n--) {
      const operation = r.pick(['cancelInvoice', 'sendInvoice', 'refundPayment', 'submitPaymentReceipt', 'updateInvoice', 'lookup', 'markTransactionPeriod', 'executeReport']);
      weather.perOperation[operation] = r.pick([0.3, 0.5, 0.7]);
    }
  }
  const outages: Outage[] = [];
  for (let i = r.weighted([[0, 5], [1, 3], [2, 1]]); i > 0; i--) {
    const from = r.range(0, activityEndsAt);
    outages.push({ from, to: from + r.pick([1000, 3000, 8000, 15_000, 25_000]), mode: r.pick<OutageMode>(['refused', 'blackhole', 'busy']) });
  }
  const shopperCount = r.weighted([[1, 3], [2, 4], [3, 3]]);
  const shoppers: ShopperPlan[] = [];
  for (let index = 0; index < shopperCount; index++) {
    const checkoutAt = r.range(0, Math.min(15_000, activityEndsAt - 8000));
    const lines: ShopperPlan['lines'] = [];
    const used = new Set<number>();
    for (let n = r.range(1, 3); n > 0; n--) {
      const product = r.int(14);
      if (used.has(product)) continue;
      used.add(product);
      lines.push({ product, quantity: r.weighted([[1, 6], [2, 3], [3, 1]]) });
    }
    const cartChanges: ShopperPlan['cartChanges'] = [];
    if (r.chance(0.3)) {
      for (let n = r.weighted([[1, 3], [2, 1]]); n > 0; n--) {
        cartChanges.push({
          at: checkoutAt + r.range(500, 25_000),
          change: r.weighted<CartChange>([['add', 3], ['more', 3], ['less', 2], ['remove-line', 1], ['empty', 1]]),
          checkoutAgain: r.chance(0.4),
        });
      }
    }
    const merchant: ShopperPlan['merchant'] = [];
    for (let n = r.weighted([[0, 3], [1, 4], [2, 3]]); n > 0; n--) {
      merchant.push({
        at: checkoutAt + r.range(3000, Math.max(4000, activityEndsAt - checkoutAt)),
        action: r.weighted<MerchantAction>([['refund-part', 4], ['refund-full', 2], ['refund-twice', 2], ['refund-too-much', 1], ['cancel', 2]]),
      });
    }
    shoppers.push({
      index,
      checkoutAt,
      lines,
      email: r.chance(0.5) ? `shopper${index}@example.test` : undefined,
      pollEveryMs: r.pick([1000, 2000, 3000]),
      pageOpenMs: r.weighted([[r.range(2000, 8000), 2], [r.range(8000, 25_000), 4], [r.range(25_000, 45_000), 2]]),
      retryChance: r.pick([0, 0.5, 0.9]),
      temper: r.weighted<ShopperPlan['temper']>([['payer', 6], ['hesitant', 2], ['canceller', 1], ['ghost', 1]]),
      samePhone: r.chance(0.5),
      cartChanges,
      merchant,
    });
  }
  const kills: Schedule['kills'] = [];
  for (let i = r.weighted([[0, 6], [1, 3], [2, 1]]); i > 0; i--) kills.push({ at: r.range(0, activityEndsAt), instance: 0 });
  const freezes: Schedule['freezes'] = [];
  if (r.chance(0.15)) freezes.push({ at: r.range(0, activityEndsAt), ms: r.pick([1000, 4000, 12_000, 25_000]), instance: 0 });
  const clockJumps: Schedule['clockJumps'] = [];
  if (r.chance(0.15)) clockJumps.push({ at: r.range(0, activityEndsAt), deltaMs: r.pick([-4000, -1500, 1500, 4000]), instance: 0 });
  const forged: Schedule['forged'] = [];
  for (let i = r.weighted([[0, 5], [1, 3], [3, 1]]); i > 0; i--) forged.push({ at: r.range(0, activityEndsAt), kind: r.pick(['random', 'other-attempt'] as const) });
  const schedule: Schedule = {
    seed,
    withLookup,
    settings: {
      publicBaseUrl: 'https://shop.example.test',
      ttlMs,
      seqrTimeoutMs,
      abandonAfterMs: r.pick([60_000, 90_000]),
      terminalId: 'demo-webshop',
    },
    sweepEveryMs: 2000,
    model: {
      invoiceTtlS: r.weighted([[Math.round(ttlMs / 1000) + r.range(3, 20), 5], [Math.max(8, Math.round(ttlMs / 1000) - r.range(3, 8)), 2]]),
      apiMode: r.pick<ApiMode>(['2.10', '2.6']),
      confirmWindowS: 20,
    },
    weather,
    outages,
    purgeFinalAfterMs: r.chance(0.3) ? r.pick([20_000, 60_000]) : undefined,
    hostileChance: r.pick([0, 0, 0.1, 0.3]),
    notifications: { drop: r.pick([0, 0.2, 0.5]), duplicate: r.pick([0, 0.2]), late: r.pick([0, 0.2]) },
    forged,
    crashChance: r.pick([0, 0.3, 0.6]),
    maxCrashes: 3,
    kills,
    freezes,
    clockJumps,
    skewsMs: [r.pick([0, 0, -2500, 1200, 3000])],
    shoppers,
    activityEndsAt,
  };
  // Drawn last, so that adding them kept the single-instance schedules of earlier versions.
  if (r.chance(0.25)) {
    // A second shop instance on the same database, behind a load balancer.
    schedule.skewsMs.push(r.pick([0, -1800, 2500]));
    for (const event of [...schedule.kills, ...schedule.freezes, ...schedule.clockJumps]) event.instance = r.int(2);
  }
  // Orders abandoned within the run, and shoppers coming back to their cart.
  if (r.chance(0.4)) schedule.settings.abandonAfterMs = r.pick([8000, 20_000]);
  for (const shopper of schedule.shoppers) {
    if (r.chance(0.25)) shopper.returnAt = Math.max(shopper.checkoutAt + 2000, activityEndsAt - r.range(0, 10_000));
  }
  return schedule;
}

export function describeSchedule(s: Schedule): string[] {
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const lines = [
    `seed ${s.seed}: ${s.withLookup ? 'with' : 'without'} invoice lookup; shop TTL ${sec(s.settings.ttlMs)}, SEQR timeout ${sec(s.settings.seqrTimeoutMs)}, sweeper every ${sec(s.sweepEveryMs)}; SEQR TTL ${s.model.invoiceTtlS}s (${s.model.apiMode} mode)`,
    `faults: ${Math.round(s.weather.faultRate * 100)}% of calls${s.weather.perOperation ? ` (${Object.entries(s.weather.perOperation).map(([op, rate]) => `${op} ${Math.round(rate * 100)}%`).join(', ')})` : ''}; outages ${s.outages.map((o) => `${o.mode} ${sec(o.from)}–${sec(o.to)}`).join(', ') || 'none'}; purge of final invoices ${s.purgeFinalAfterMs ? `after ${sec(s.purgeFinalAfterMs)}` : 'never'}; hostile payments ${Math.round(s.hostileChance * 100)}%`,
    `notifications: drop ${s.notifications.drop}, duplicate ${s.notifications.duplicate}, late ${s.notifications.late}; forged ${s.forged.map((f) => `${f.kind}@${sec(f.at)}`).join(', ') || 'none'}`,
    `shop: ${s.skewsMs.length} instance(s), clocks ${s.skewsMs.map((ms) => `${ms}ms`).join(' / ')} off; crash chance per process ${s.crashChance} (max ${s.maxCrashes}); kill -9 ${s.kills.map((k) => `#${k.instance}@${sec(k.at)}`).join(', ') || 'never'}; freezes ${s.freezes.map((f) => `#${f.instance}@${sec(f.at)} for ${sec(f.ms)}`).join(', ') || 'none'}; clock jumps ${s.clockJumps.map((j) => `#${j.instance} ${j.deltaMs}ms@${sec(j.at)}`).join(', ') || 'none'}`,
  ];
  for (const p of s.shoppers) {
    lines.push(
      `shopper ${p.index}: checkout ${sec(p.checkoutAt)} [${p.lines.map((l) => `p${l.product}×${l.quantity}`).join(' ')}], polls every ${sec(p.pollEveryMs)} for ${sec(p.pageOpenMs)}, ${p.temper}, try-again ${p.retryChance}, ${p.samePhone ? 'same phone' : 'desktop'}` +
        `${p.cartChanges.length ? `; cart ${p.cartChanges.map((c) => `${c.change}${c.checkoutAgain ? '+checkout' : ''}@${sec(c.at)}`).join(', ')}` : ''}` +
        `${p.merchant.length ? `; merchant ${p.merchant.map((m) => `${m.action}@${sec(m.at)}`).join(', ')}` : ''}` +
        `${p.returnAt !== undefined ? `; comes back ${sec(p.returnAt)}` : ''}`,
    );
  }
  lines.push(`orders abandoned after ${sec(s.settings.abandonAfterMs)} idle; activity ends at ${sec(s.activityEndsAt)}, then a quiet period until everything settles`);
  return lines;
}
