// `npm run lighthouse`: Lighthouse's mobile performance audit of the shop's pages (catalog, a product,
// a cart with an item, the pay page of an open invoice, the done page of a paid order) against the
// production build, on the benchmark's stack (scripts/lib/bench-stack.ts: PostgreSQL, the SEQR
// sandbox, `next start`). Prints one line per page; exits 1 when a page scores under 100 or its
// LCP is over 1.2 s (the targets of issue 14). `--json` prints the report as JSON instead. Each
// page's full report is kept in .data/lighthouse/<page>.json.
import path from 'node:path';
import { cleanUp, startStack } from './lib/bench-stack';
import { ROOT } from './lib/production-build';
import { formatLighthouseTable, measureLighthouse, prepareShopPages } from './lib/bench-lighthouse';

/** Each page's full Lighthouse report (JSON), kept for a closer look. */
const LIGHTHOUSE_DIR = path.join(ROOT, '.data', 'lighthouse');

const TARGET = { performance: 100, lcpMs: 1200 };

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const stack = await startStack({ paymentTtlS: 900, confirmWindowS: 20, sandboxTtlS: 1200, log });
  const shop = stack.shops[0]!;
  const pages = await prepareShopPages(shop.url, stack.sandbox.control);
  log(`Auditing ${pages.length} pages with Lighthouse (mobile, simulated throttling)…`);
  const report = await measureLighthouse(pages, { reportDir: LIGHTHOUSE_DIR });
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(formatLighthouseTable(report));
  const pass = report.minPerformance >= TARGET.performance && report.maxLcpMs <= TARGET.lcpMs;
  log(`${pass ? 'PASS' : 'FAIL'}: every page ${TARGET.performance} and LCP ≤ ${TARGET.lcpMs} ms.`);
  process.exitCode = pass ? 0 : 1;
}

process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));
main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
