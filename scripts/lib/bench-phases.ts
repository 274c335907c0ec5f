// The measures of `npm run bench`, one function each. They drive the real shop over HTTP (server
// actions and route handlers, as a browser does), play the customer through the sandbox's control
// API, and read the outcome from the shop database.
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { DEMO_PRODUCTS } from '../../lib/catalog/products.data';
import { createSeqrClient } from '../../lib/seqr/client';
import { ControlApiError } from '../../tests/helpers/sandbox';
import { HttpShopper, serverActionIds } from '../../tests/helpers/shopper';
import { loggedDurations, orderPayments, paidTransition, seeingCallMs } from './bench-db';
import { sandboxCallCounts } from './bench-sandbox';
import type { Stack } from './bench-stack';
import { mapLimit, round, sleep, summarize, waitUntil, type Summary } from './bench-stats';

/** A failed request in one line: HttpShopper's messages end with the response body. */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 160);
}

const SLUGS = DEMO_PRODUCTS.map((product) => product.slug);
const slugFor = (index: number) => SLUGS[index % SLUGS.length]!;

/** The SEQR sandbox's demo terminal, which the shops use too. */
const TERMINAL = { id: 'demo-webshop', password: 'demo-password' };

let actionIds: Record<string, string> | undefined;
function shopper(baseUrl: string): HttpShopper {
  actionIds ??= serverActionIds();
  return new HttpShopper(baseUrl, actionIds);
}

export interface OpenOrder {
  token: string;
  orderId: string;
  invoiceReference: string;
  /** The instance that issued the invoice: SEQR notifies it. */
  issuedBy: string;
}

/** One shopper: a product into the cart on one instance, "Pay with SEQR" on another (or the same). */
async function checkoutOnce(cartUrl: string, checkoutUrl: string, index: number): Promise<{ token: string; checkoutMs: number }> {
  const customer = shopper(cartUrl);
  await customer.addToCart(slugFor(index), 1);
  const started = performance.now();
  const token = await customer.via(checkoutUrl).checkout();
  return { token, checkoutMs: performance.now() - started };
}

/** Looks up the issued invoice of each order; orders whose checkout did not issue one are left out. */
async function issuedOrders(stack: Stack, tokens: { token: string; issuedBy: string }[]): Promise<OpenOrder[]> {
  const payments = await orderPayments(
    stack.db,
    tokens.map((t) => t.token),
  );
  const open: OpenOrder[] = [];
  for (const { token, issuedBy } of tokens) {
    const payment = payments.get(token);
    if (payment?.attemptStatus === 'ISSUED' && payment.invoiceReference) open.push({ token, orderId: payment.orderId, invoiceReference: payment.invoiceReference, issuedBy });
  }
  return open;
}

// ---------------------------------------------------------------------------------------------
// 2. Checkout server time against the raw sendInvoice round trip

export interface CheckoutResult {
  n: number;
  mode: string;
  checkout: Summary;
  /** sendInvoice inside those checkouts, as the shop logged it (OrderEvent.durationMs). */
  sendInvoiceInCheckout: Summary;
  rawSendInvoice: Summary;
  ratioP50: number;
  ratioP99: number;
  failures: number;
  orders: OpenOrder[];
}

export async function measureCheckout(stack: Stack, n: number): Promise<CheckoutResult> {
  const shop = stack.shops[0]!;
  const client = createSeqrClient({ endpointUrl: stack.sandbox.endpointUrl, terminal: TERMINAL, clientId: 'Nordvik', timeoutMs: 10_000, log: () => {} });
  const rawInvoice = (index: number, label: string) => {
    const product = DEMO_PRODUCTS[index % DEMO_PRODUCTS.length]!;
    return {
      title: 'Nordvik',
      clientInvoiceId: `BENCH-RAW-${label}`,
      issueDate: new Date(),
      totalOre: product.priceOre,
      currency: 'SEK',
      rows: [{ description: product.texts.en.name, quantity: 1, unitPriceOre: product.priceOre, totalOre: product.priceOre, taxRateBp: product.taxRateBp, sku: product.sku }],
      cashierId: 'web',
      backUrl: `${shop.url}/orders/bench/done`,
      notificationUrl: `${shop.url}/api/seqr/notify/bench-raw-invoice-not-paid`,
    };
  };
  // Warm-up, not measured: the first call parses the WSDL; the shop's first checkout loads its code.
  const warm: { token: string; issuedBy: string }[] = [];
  for (let i = 0; i < 3; i++) {
    await client.sendInvoice(rawInvoice(i, `warm-${i}`));
    warm.push({ token: (await checkoutOnce(shop.url, shop.url, i)).token, issuedBy: shop.name });
  }
  // Interleaved one after the other, so both see the same moments of this noisy machine.
  const raw: number[] = [];
  const checkout: number[] = [];
  const tokens: { token: string; issuedBy: string }[] = [...warm];
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await client.sendInvoice(rawInvoice(i, String(i)));
    raw.push(performance.now() - started);
    try {
      const result = await checkoutOnce(shop.url, shop.url, i);
      checkout.push(result.checkoutMs);
      tokens.push({ token: result.token, issuedBy: shop.name });
    } catch {
      failures++;
    }
  }
  const orders = await issuedOrders(stack, tokens);
  const measuredIds = orders.filter((order) => !warm.some((w) => w.token === order.token)).map((order) => order.orderId);
  const checkoutSummary = summarize(checkout);
  const rawSummary = summarize(raw);
  return {
    n,
    mode: 'sequential, one at a time, a checkout and a raw sendInvoice taking turns',
    checkout: checkoutSummary,
    sendInvoiceInCheckout: summarize(await loggedDurations(stack.db, 'sendInvoice', measuredIds)),
    rawSendInvoice: rawSummary,
    ratioP50: round(checkoutSummary.p50 / rawSummary.p50, 2),
    ratioP99: round(checkoutSummary.p99 / rawSummary.p99, 2),
    failures: failures + (tokens.length - orders.length),
    orders,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Paid → order PAID through the notification

export interface NotifyResult {
  n: number;
  /** Paid → PAID of the transitions the notification made. */
  viaNotification: Summary;
  /** Of that, SEQR's answer to the getPaymentStatus that saw the payment (the shop's timeline): what the shop cannot make faster. */
  seqrAnswer: Summary;
  /** Which path made each PAID transition. */
  seenBy: Record<string, number>;
  notificationsNot200: number;
  timedOut: number;
}

/** Pays invoices one at a time and times each until the database shows the order PAID. */
export async function measureNotification(stack: Stack, orders: OpenOrder[]): Promise<NotifyResult> {
  const latencies: number[] = [];
  const seqrAnswers: number[] = [];
  const seenBy: Record<string, number> = {};
  let notificationsNot200 = 0;
  let timedOut = 0;
  for (const order of orders) {
    // A customer needs a moment to scan: spreads the payments over the sweepers' cycle.
    await sleep(Math.random() * 300);
    const paidAt = Date.now();
    await stack.sandbox.control.pay(order.invoiceReference);
    const paid = await waitUntil(() => paidTransition(stack.db, order.orderId), 30_000, 20);
    if (!paid) {
      timedOut++;
      continue;
    }
    seenBy[paid.seenBy] = (seenBy[paid.seenBy] ?? 0) + 1;
    if (paid.seenBy === 'notification') {
      latencies.push(paid.at.getTime() - paidAt);
      const answered = await seeingCallMs(stack.db, order.orderId);
      if (answered !== null) seqrAnswers.push(answered);
    }
  }
  for (const order of orders) {
    // The sandbox records a notification when the shop has answered it, which can be after PAID.
    const answered = await waitUntil(async () => {
      const invoice = await stack.sandbox.control.invoice(order.invoiceReference);
      return invoice.notifications.length > 0 ? invoice.notifications : null;
    }, 10_000, 100);
    if (!answered?.some((notification) => notification.httpStatus === 200)) notificationsNot200++;
  }
  return { n: orders.length, viaNotification: summarize(latencies), seqrAnswer: summarize(seqrAnswers), seenBy, notificationsNot200, timedOut };
}

// ---------------------------------------------------------------------------------------------
// Opening many orders (the open payment pages of measure 1)

export async function openOrders(stack: Stack, count: number, concurrency: number): Promise<{ orders: OpenOrder[]; failures: number; errors: string[]; seconds: number }> {
  const started = Date.now();
  let failures = 0;
  const errors = new Set<string>();
  const results = await mapLimit(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    // Alternate the instances, and check out on the other one than the cart: a load balancer.
    const cartShop = stack.shops[i % stack.shops.length]!;
    const checkoutShop = stack.shops[(i + 1) % stack.shops.length]!;
    try {
      const { token } = await checkoutOnce(cartShop.url, checkoutShop.url, i);
      return { token, issuedBy: checkoutShop.name };
    } catch (error) {
      failures++;
      if (errors.size < 3) errors.add(describeFailure(error));
      return null;
    }
  });
  const orders = await issuedOrders(
    stack,
    results.filter((r) => r !== null),
  );
  return { orders, failures: failures + (results.length - failures - orders.length), errors: [...errors], seconds: round((Date.now() - started) / 1000) };
}

// ---------------------------------------------------------------------------------------------
// 1. The status endpoint with many open payment pages

interface CannonFigures {
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; max: number };
  seconds: number;
  start: Date;
  finish: Date;
}

/** Starts autocannon; `stop()` ends a run early (its figures then cover the time it ran). */
function cannon(options: autocannon.Options): { done: Promise<CannonFigures>; stop(): void } {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<CannonFigures>((resolve, reject) => {
    // 30 s instead of autocannon's 10 s: an overloaded shop's slow answers are measured, not
    // dropped (a dropped request's work is wasted and skews the rate).
    instance = autocannon({ timeout: 30, ...options }, (error, result) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      resolve({
        requestsPerSecond: round(result['2xx'] / result.duration),
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        seconds: round(result.duration),
        start: result.start,
        finish: result.finish,
      });
    });
  });
  return { done, stop: () => instance?.stop() };
}

/** autocannon options that spread requests over the status URLs of these orders, one after the other. */
function statusRequests(tokens: string[]): autocannon.Request[] {
  let next = 0;
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/orders/${tokens[next++ % tokens.length]!}/status` }) }];
}

export interface StatusResult {
  openInvoices: number;
  connections: number;
  health: CannonFigures;
  status: CannonFigures;
  ratio: number;
  getPaymentStatus: { calls: number; perInvoicePerSecond: number; maxPerInvoicePerSecond: number; failures: number };
}

export async function measureStatus(stack: Stack, orders: OpenOrder[], seconds: number): Promise<StatusResult> {
  const shop = stack.shops[0]!;
  const connections = orders.length;
  const tokens = orders.map((order) => order.token);
  // The same connection count for both, so the ratio compares the handlers, not the load shape.
  const health = await cannon({ url: `${shop.url}/api/health`, connections, duration: Math.max(5, Math.round(seconds / 2)) }).done;
  await sleep(1000);
  const status = await cannon({ url: shop.url, connections, duration: seconds, requests: statusRequests(tokens) }).done;
  // Counted by SEQR (the sandbox's invoice history): the shop's timeline leaves routine checks out.
  const calls = await sandboxCallCounts(stack.sandbox.control, 'getPaymentStatus', orders.map((order) => order.invoiceReference), status.start, status.finish);
  const window = (status.finish.getTime() - status.start.getTime()) / 1000;

  return {
    openInvoices: orders.length,
    connections,
    health,
    status,
    ratio: round(status.requestsPerSecond / health.requestsPerSecond, 3),
    getPaymentStatus: {
      calls: calls.calls,
      perInvoicePerSecond: round(calls.calls / orders.length / window, 3),
      maxPerInvoicePerSecond: round(calls.maxPerInvoice / window, 3),
      failures: calls.failures,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Many concurrent checkouts, all paid, with pages polling and the sweepers running

export interface LoadResult {
  checkouts: number;
  checkoutFailures: number;
  /** The first few distinct reasons checkouts failed. */
  checkoutErrors: string[];
  checkoutNoInvoice: number;
  checkoutTime: Summary;
  payRefused: number;
  /** Paid → PAID under load, by whichever path saw it first. */
  paidToPaid: Summary;
  seenBy: Record<string, number>;
  pollErrors: number;
  backgroundPollers: null | { pages: number; requestsPerSecond: number; non2xx: number; errors: number };
  sandboxPaid: number;
  databasePaid: number;
  receiptsInDatabase: number;
  receiptsInSandbox: number;
  reversed: number;
  lost: number;
  lostReferences: string[];
  waitedS: number;
}

export async function measureLoad(
  stack: Stack,
  options: { checkouts: number; confirmWindowS: number; backgroundOrders: OpenOrder[]; backgroundRate: number },
): Promise<LoadResult> {
  const { shops, sandbox, db } = stack;
  const n = options.checkouts;
  // Carts first (not timed), so that the checkouts themselves start together.
  const customers = await mapLimit(Array.from({ length: n }, (_, i) => i), 50, async (i) => {
    const cartShop = shops[i % shops.length]!;
    const checkoutShop = shops[(i + 1) % shops.length]!;
    const customer = shopper(cartShop.url);
    await customer.addToCart(slugFor(i), 1 + (i % 3));
    return { customer: customer.via(checkoutShop.url), checkoutShop };
  });

  // The other open payment pages keep polling meanwhile, at a steady rate (autocannon in the background).
  const background =
    options.backgroundRate > 0 && options.backgroundOrders.length > 0
      ? cannon({
          url: shops[1]!.url,
          connections: Math.min(100, options.backgroundOrders.length),
          overallRate: options.backgroundRate,
          duration: 3600, // stopped below, when the load is over
          requests: statusRequests(options.backgroundOrders.map((order) => order.token)),
        })
      : null;

  let stop = false;
  let pollErrors = 0;
  let payRefused = 0;
  let lastPayAt = Date.now();
  const paid: { token: string; orderId: string; reference: string; paidAt: number }[] = [];
  const checkoutTimes: number[] = [];
  let checkoutFailures = 0;
  const checkoutErrors = new Set<string>();
  let checkoutNoInvoice = 0;

  const runs = customers.map(async ({ customer, checkoutShop }) => {
    let token: string;
    const started = performance.now();
    try {
      token = await customer.checkout();
      checkoutTimes.push(performance.now() - started);
    } catch (error) {
      checkoutFailures++;
      if (checkoutErrors.size < 3) checkoutErrors.add(describeFailure(error));
      return;
    }
    // The pay page polls its status once a second until the order is paid (its fallback mode).
    const poller = (async () => {
      while (!stop) {
        try {
          const view = await customer.status(token);
          if (view.orderStatus === 'PAID') return;
        } catch {
          pollErrors++;
        }
        await sleep(1000);
      }
    })();
    // The customer scans and pays within a few seconds.
    await sleep(500 + Math.random() * 2500);
    const payment = (await orderPayments(db, [token])).get(token);
    if (payment?.attemptStatus !== 'ISSUED' || !payment.invoiceReference) {
      checkoutNoInvoice++;
      return;
    }
    try {
      const paidAt = Date.now();
      await sandbox.control.pay(payment.invoiceReference);
      lastPayAt = Math.max(lastPayAt, Date.now());
      paid.push({ token, orderId: payment.orderId, reference: payment.invoiceReference, paidAt });
    } catch (error) {
      if (!(error instanceof ControlApiError)) throw error;
      payRefused++;
    }
    await poller;
  });

  // Wait for every payment to be PAID with its receipt, but at least past the confirmation window
  // after the last payment, so a payment the shop failed to confirm has been reversed by then.
  const started = Date.now();
  const all = Promise.all(runs);
  await waitUntil(async () => {
    const payments = await orderPayments(
      db,
      paid.map((p) => p.token),
    );
    const settled = [...payments.values()].filter((p) => p.orderStatus === 'PAID' && p.receiptSubmitted).length === paid.length;
    const pastWindow = Date.now() > lastPayAt + (options.confirmWindowS + 2) * 1000;
    const outOfTime = Date.now() > lastPayAt + (options.confirmWindowS + 30) * 1000;
    return (settled && pastWindow && paid.length + payRefused + checkoutFailures + checkoutNoInvoice === n) || outOfTime;
  }, 600_000, 500);
  stop = true;
  await all;
  const waitedS = round((Date.now() - started) / 1000);
  let backgroundPollers: LoadResult['backgroundPollers'] = null;
  if (background) {
    background.stop();
    const figures = await background.done;
    backgroundPollers = { pages: options.backgroundOrders.length, requestsPerSecond: figures.requestsPerSecond, non2xx: figures.non2xx, errors: figures.errors };
  }

  const payments = await orderPayments(
    db,
    paid.map((p) => p.token),
  );
  const latencies: number[] = [];
  const seenBy: Record<string, number> = {};
  for (const payment of paid) {
    const transition = await paidTransition(db, payment.orderId);
    if (!transition) continue;
    seenBy[transition.seenBy] = (seenBy[transition.seenBy] ?? 0) + 1;
    latencies.push(transition.at.getTime() - payment.paidAt);
  }
  const invoices = await mapLimit(paid, 10, (payment) => sandbox.control.invoice(payment.reference));
  const lostReferences = paid.filter((payment) => payments.get(payment.token)?.orderStatus !== 'PAID').map((payment) => payment.reference);
  return {
    checkouts: n,
    checkoutFailures,
    checkoutErrors: [...checkoutErrors],
    checkoutNoInvoice,
    checkoutTime: summarize(checkoutTimes),
    payRefused,
    paidToPaid: summarize(latencies),
    seenBy,
    pollErrors,
    backgroundPollers,
    sandboxPaid: invoices.filter((invoice) => invoice.status === 'PAID').length,
    databasePaid: [...payments.values()].filter((p) => p.orderStatus === 'PAID').length,
    receiptsInDatabase: [...payments.values()].filter((p) => p.receiptSubmitted).length,
    receiptsInSandbox: invoices.filter((invoice) => invoice.receipts.length > 0).length,
    reversed: invoices.filter((invoice) => invoice.reversed).length,
    lost: lostReferences.length,
    lostReferences,
    waitedS,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Pay page weight

export interface PageWeightResult {
  url: string;
  scripts: { src: string; bytes: number; gzipBytes: number; alsoOnCatalog: boolean }[];
  /** First-load JS: every script the page runs, <script src> files and inline scripts. */
  totalGzipKB: number;
  /** <script src> files, each gzipped on its own (level 6, what servers send). */
  externalGzipKB: number;
  externalRawKB: number;
  /** Of which the files the catalog page (/) loads too: the framework and the root layout. */
  sharedWithCatalogGzipKB: number;
  /** Inline <script> bodies (the page's own code, or React's flight data), gzipped together. */
  inlineGzipKB: number;
  inlineRawKB: number;
  inlineCount: number;
  /** <script nomodule> files (polyfills that modern browsers skip): not counted. */
  noModuleGzipKB: number;
}

/** A phone: the page the project optimises for (the desktop variant loads the same bundles). */
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

async function pageScripts(url: string): Promise<{ sources: string[]; noModule: string[]; inline: string[] }> {
  const response = await fetch(url, { headers: { 'user-agent': PHONE } });
  if (!response.ok) throw new Error(`The page ${url} answered HTTP ${response.status}.`);
  const html = await response.text();
  const sources = new Set<string>();
  const noModule = new Set<string>();
  const inline: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1]!;
    const src = /\bsrc="([^"]+)"/i.exec(attributes)?.[1]?.replace(/&amp;/g, '&');
    if (src) (/\bnomodule\b/i.test(attributes) ? noModule : sources).add(src);
    else if (match[2]!.trim() !== '' && !/type="application\/(ld\+)?json"/i.test(attributes)) inline.push(match[2]!);
  }
  return { sources: [...sources], noModule: [...noModule], inline };
}

async function gzipSize(baseUrl: string, src: string): Promise<{ bytes: number; gzipBytes: number }> {
  const response = await fetch(new URL(src, baseUrl));
  if (!response.ok) throw new Error(`The script ${src} answered HTTP ${response.status}.`);
  const body = Buffer.from(await response.arrayBuffer());
  return { bytes: body.length, gzipBytes: gzipSync(body, { level: 6 }).length };
}

export async function measurePageWeight(stack: Stack, token: string): Promise<PageWeightResult> {
  const shop = stack.shops[0]!;
  const pay = await pageScripts(`${shop.url}/pay/${token}`);
  const catalog = await pageScripts(`${shop.url}/`);
  const scripts = await Promise.all(pay.sources.map(async (src) => ({ src, ...(await gzipSize(shop.url, src)), alsoOnCatalog: catalog.sources.includes(src) })));
  const noModule = await Promise.all(pay.noModule.map((src) => gzipSize(shop.url, src)));
  const kb = (bytes: number) => round(bytes / 1024);
  const sum = (list: { gzipBytes: number }[]) => list.reduce((total, script) => total + script.gzipBytes, 0);
  const inline = Buffer.from(pay.inline.join('\n'));
  const inlineGzip = pay.inline.length > 0 ? gzipSync(inline, { level: 6 }).length : 0;
  return {
    url: '/pay/<token>',
    scripts: scripts.sort((a, b) => b.gzipBytes - a.gzipBytes),
    totalGzipKB: kb(sum(scripts) + inlineGzip),
    externalGzipKB: kb(sum(scripts)),
    externalRawKB: kb(scripts.reduce((total, script) => total + script.bytes, 0)),
    sharedWithCatalogGzipKB: kb(sum(scripts.filter((script) => script.alsoOnCatalog))),
    inlineGzipKB: kb(inlineGzip),
    inlineRawKB: kb(inline.length),
    inlineCount: pay.inline.length,
    noModuleGzipKB: kb(sum(noModule)),
  };
}
