// Lighthouse's performance audit of the shop's pages, as a phone sees them: Lighthouse's defaults
// (mobile emulation, simulated throttling: a slow 4G link and a 4× slower CPU) in Debian's Chromium.
// Used by `npm run lighthouse` (scripts/lighthouse.ts) and the benchmark.
//
//   const report = await measureLighthouse([{ name: 'catalog', url: `${shop.url}/` }], { cookie: 'cart=…' });
//   report.minPerformance  // 0–100, the worst page's score
//   report.maxLcpMs        // the slowest page's Largest Contentful Paint
//
// One run per page. Simulated throttling computes the figures from one trace, so they move little
// between runs (on a quiet machine: LCP within ±50 ms, the score ±1); on a busy machine the trace
// itself is slower and the figures worse, so compare runs taken close together.
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import type { SandboxControl } from '../../tests/helpers/sandbox';
import { HttpShopper } from '../../tests/helpers/shopper';
import { waitUntil } from './bench-stats';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LighthousePage {
  name: string;
  url: string;
  /** A Cookie header for this page alone (overrides options.cookie): e.g. another shopper's cart. */
  cookie?: string;
}

export interface LighthousePageResult {
  name: string;
  url: string;
  /** Lighthouse's performance score, 0–100. */
  performance: number;
  lcpMs: number;
  fcpMs: number;
  tbtMs: number;
  cls: number;
  /** The element Lighthouse found to be the Largest Contentful Paint (its HTML, shortened). */
  lcpElement?: string;
}

export interface LighthouseReport {
  pages: LighthousePageResult[];
  minPerformance: number;
  maxLcpMs: number;
}

type Audit = { numericValue?: number; details?: unknown };

/** The LCP element's snippet from the "largest-contentful-paint-element" audit (a table, or a list of tables). */
function lcpElementOf(audit: Audit | undefined): string | undefined {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (found.length || !value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (record.type === 'node' && typeof record.snippet === 'string') {
      found.push(record.snippet);
      return;
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(audit?.details);
  const snippet = found[0];
  return snippet && snippet.length > 120 ? `${snippet.slice(0, 117)}…` : snippet;
}

/**
 * Audits each page once in one headless Chromium (reportDir: where to keep each page's full report). The cart cookie goes in as an extra request
 * header: Lighthouse clears the origin's storage (cookies included) before each run, so a cookie set
 * in the browser beforehand would not survive. Throws when Chromium is missing or a page fails to load.
 */
export async function measureLighthouse(pages: LighthousePage[], options: { cookie?: string; reportDir?: string } = {}): Promise<LighthouseReport> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Lighthouse needs Chromium, which was not found at ${CHROMIUM}. Install it with "apt-get install chromium", or set CHROMIUM_PATH.`);
  }
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
    logLevel: 'silent',
  });
  const results: LighthousePageResult[] = [];
  try {
    for (const page of pages) {
      const cookie = page.cookie ?? options.cookie;
      const runner = await lighthouse(page.url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
      });
      const lhr = runner?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned no report for ${page.url}.`);
      if (options.reportDir) {
        // The whole report, for when a figure needs explaining (open it in the Lighthouse viewer).
        fs.mkdirSync(options.reportDir, { recursive: true });
        fs.writeFileSync(path.join(options.reportDir, `${page.name}.json`), JSON.stringify(lhr));
      }
      if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${page.name} (${page.url}): ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const audits = lhr.audits as Record<string, Audit>;
      const score = lhr.categories.performance?.score;
      if (typeof score !== 'number') throw new Error(`Lighthouse gave ${page.name} (${page.url}) no performance score: ${(lhr.runWarnings ?? []).join(' ')}`);
      results.push({
        name: page.name,
        url: page.url,
        performance: Math.round(score * 100),
        lcpMs: Math.round(audits['largest-contentful-paint']?.numericValue ?? NaN),
        fcpMs: Math.round(audits['first-contentful-paint']?.numericValue ?? NaN),
        tbtMs: Math.round(audits['total-blocking-time']?.numericValue ?? NaN),
        cls: Number((audits['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3)),
        lcpElement: lcpElementOf(audits['largest-contentful-paint-element']),
      });
    }
  } finally {
    chrome.kill();
  }
  return {
    pages: results,
    minPerformance: Math.min(...results.map((r) => r.performance)),
    maxLcpMs: Math.max(...results.map((r) => r.lcpMs)),
  };
}

/** The report as a plain-text table, one page a line. */
export function formatLighthouseTable(report: LighthouseReport): string {
  const rows = [['page', 'score', 'LCP ms', 'FCP ms', 'TBT ms', 'CLS', 'LCP element']];
  for (const page of report.pages) {
    rows.push([page.name, String(page.performance), String(page.lcpMs), String(page.fcpMs), String(page.tbtMs), String(page.cls), page.lcpElement ?? '']);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  lines.push(`worst: score ${report.minPerformance}, LCP ${report.maxLcpMs} ms`);
  return lines.join('\n');
}

/**
 * The five shop pages as a shopper meets them, each with the state it needs: the catalog, the first
 * product, a cart with that product in it, the pay page of an open invoice (its QR code) and the done
 * page of a paid order (paid through the sandbox's customer API). Each shopper has its own cookie.
 */
export async function prepareShopPages(shopUrl: string, sandbox: SandboxControl): Promise<LighthousePage[]> {
  const catalog = await fetch(`${shopUrl}/`);
  const slug = /href="\/products\/([a-z0-9-]+)"/.exec(await catalog.text())?.[1];
  if (!catalog.ok || !slug) throw new Error(`The catalog at ${shopUrl}/ lists no product (HTTP ${catalog.status}).`);

  const browsing = new HttpShopper(shopUrl);
  await browsing.addToCart(slug, 1);

  const paying = new HttpShopper(shopUrl);
  await paying.addToCart(slug, 1);
  const payToken = await paying.checkout();
  const open = await paying.status(payToken);
  if (open.attempt?.status !== 'ISSUED') throw new Error(`The pay page's order has no open invoice (attempt ${open.attempt?.status ?? 'none'}).`);

  const paid = new HttpShopper(shopUrl);
  await paid.addToCart(slug, 1);
  const paidToken = await paid.checkout();
  const reference = (await paid.status(paidToken)).attempt?.invoiceReference;
  if (!reference) throw new Error('The done page\'s order has no invoice to pay.');
  await sandbox.pay(reference);
  const confirmed = await waitUntil(async () => (await paid.status(paidToken)).orderStatus === 'PAID', 20_000, 200);
  if (!confirmed) throw new Error(`The done page's order was not confirmed PAID within 20 s of paying ${reference}.`);

  return [
    { name: 'catalog', url: `${shopUrl}/` },
    { name: 'product', url: `${shopUrl}/products/${slug}` },
    { name: 'cart', url: `${shopUrl}/cart`, cookie: browsing.cookieHeader() },
    { name: 'pay', url: `${shopUrl}/pay/${payToken}`, cookie: paying.cookieHeader() },
    { name: 'done', url: `${shopUrl}/orders/${paidToken}/done`, cookie: paid.cookieHeader() },
  ];
}
