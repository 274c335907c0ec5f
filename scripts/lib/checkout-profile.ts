// Where the CPU of one checkout goes: one production shop instance (the build in .next) on a fresh
// PostgreSQL with the sandbox, N sequential checkouts as the bench makes them (server action POST
// until x-action-redirect), optionally followed by the pay page the shopper is sent to, profiled
// in-process (scripts/lib/cpu-profile-hook.mjs) only while they run. Prints the wall time per
// checkout, the shop's CPU per checkout by package and the heaviest functions, and the database
// transactions per checkout (pg_stat_database.xact_commit, the sweeper's idle passes included).
//
//   node --import tsx scripts/lib/checkout-profile.ts [--n 100] [--pay-page] [--keep file.cpuprofile]
//   node --import tsx scripts/lib/checkout-profile.ts --statements   (the SQL of one add-to-cart and one checkout)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { buildIfNeeded, ROOT } from './production-build';
import { DEMO_PRODUCTS } from '../../lib/catalog/products.data';
import { startTestPostgres } from '../../tests/helpers/postgres';
import { startSandboxProcess } from '../../tests/helpers/sandbox';
import { startShopInstance } from '../../tests/helpers/shop';
import { HttpShopper, serverActionIds } from '../../tests/helpers/shopper';
import { summarize } from './bench-stats';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const N = Number(arg('n') ?? 100);
const withPayPage = process.argv.includes('--pay-page');
const statementsOnly = process.argv.includes('--statements');

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function category(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'program (native, unattributed)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg === 'next') {
      if (/compiled\/react-dom|react-dom/.test(url)) return 'react-dom (render)';
      if (/compiled\/react-server-dom|react-server-dom/.test(url)) return 'react-server-dom (RSC)';
      return 'next';
    }
    return pkg;
  }
  if (url.startsWith('node:') || url === '') return 'node core';
  if (url.includes('.next/server')) return 'app bundle (.next/server)';
  if (url.includes('/lib/generated/')) return 'prisma generated client';
  return url.replace(ROOT, '.');
}

function analyse(profile: Profile, n: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  const marks: Record<string, RegExp> = {
    'checkoutAction (inclusive)': /^checkoutAction$/,
    'checkoutCart (inclusive)': /^checkoutCart$/,
    'getServerSideProps (pay page, inclusive)': /^getServerSideProps$/,
    'revalidatePath (inclusive)': /^revalidatePath$/,
    'zod parse (inclusive)': /^(safeParse|parse|_parse)$/,
  };
  const marked = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const cat = category(node.callFrame.url, node.callFrame.functionName);
    cats.set(cat, (cats.get(cat) ?? 0) + micros);
    if (cat !== 'idle') busy += micros;
    const key = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*node_modules\//, '').replace(ROOT, '.')}:${node.callFrame.lineNumber}`;
    fns.set(key, (fns.get(key) ?? 0) + micros);
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.add(byId.get(at)!.callFrame.functionName);
    for (const [label, re] of Object.entries(marks)) if ([...names].some((name) => re.test(name))) marked.set(label, (marked.get(label) ?? 0) + micros);
  }
  const ms = (micros: number) => (micros / 1000 / n).toFixed(2);
  const lines = [`shop CPU per checkout (busy, idle excluded): ${ms(busy)} ms`, '', 'by package (ms per checkout, self time):'];
  for (const [cat, micros] of [...cats].sort((a, b) => b[1] - a[1]).slice(0, 18)) if (cat !== 'idle') lines.push(`  ${ms(micros).padStart(7)}  ${cat}`);
  lines.push('', 'marked frames (ms per checkout, inclusive):');
  for (const [label, micros] of marked) lines.push(`  ${ms(micros).padStart(7)}  ${label}`);
  lines.push('', 'heaviest functions (ms per checkout, self time):');
  for (const [fn, micros] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`  ${ms(micros).padStart(7)}  ${fn.slice(0, 150)}`);
  return lines.join('\n');
}

/** The statements the database ran while `work` did (log_statement on for every session meanwhile). */
async function statementsOf(db: pg.Pool, logFile: string, work: () => Promise<void>): Promise<string> {
  await db.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await db.query(`SELECT pg_reload_conf()`);
  await new Promise((r) => setTimeout(r, 300));
  const from = fs.statSync(logFile).size;
  try {
    await work();
  } finally {
    await db.query(`ALTER SYSTEM RESET log_statement`);
    await db.query(`SELECT pg_reload_conf()`);
  }
  const lines = fs.readFileSync(logFile, 'utf8').slice(from).split('\n');
  const statements = lines.filter((line) => /LOG:\s+(statement|execute)/.test(line)).map((line) => line.replace(/^.*?LOG:\s+/, '').slice(0, 220));
  const out: string[] = [];
  let sinceMark = 0;
  for (const line of statements) {
    const mark = /SELECT '(add to cart|checkout|done)'/.exec(line);
    if (mark) {
      if (sinceMark) out.push(`    (${sinceMark} statements)`);
      out.push(`--- ${mark[1]}`);
      sinceMark = 0;
    } else if (!/ALTER SYSTEM|pg_reload_conf/.test(line)) {
      sinceMark++;
      out.push(`  ${line}`);
    }
  }
  return out.join('\n');
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function main(): Promise<void> {
  buildIfNeeded({ quiet: true });
  const postgres = await startTestPostgres();
  const databaseUrl = await postgres.createDatabase('seqr_profile');
  for (const script of ['prisma/migrate.ts', 'prisma/seed.ts']) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${script}: ${result.stderr || result.stdout}`);
  }
  const sandbox = await startSandboxProcess({});
  const profileFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-profile-')), 'shop.cpuprofile');
  const hook = path.join(ROOT, 'scripts', 'lib', 'cpu-profile-hook.mjs');
  const shop = await startShopInstance({
    name: 'profiled shop',
    env: {
      DATABASE_URL: databaseUrl,
      SEQR_SANDBOX_PORT: String(sandbox.port),
      CPU_PROFILE_FILE: profileFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
      // The statements of one checkout, without a sweeper pass in between.
      ...(statementsOnly ? { SWEEP_INTERVAL_MS: '60000' } : {}),
    },
  });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await db.query(`UPDATE "Product" SET "stockOnHand" = 1000000`); // the demo stock would sell out
  const ids = serverActionIds();
  const slugs = DEMO_PRODUCTS.map((p) => p.slug);
  const checkout = async (i: number) => {
    const customer = new HttpShopper(shop.url, ids);
    await customer.addToCart(slugs[i % slugs.length]!, 1);
    const started = performance.now();
    const token = await customer.checkout();
    const checkoutMs = performance.now() - started;
    if (withPayPage) {
      const page = await fetch(`${shop.url}/pay/${token}`, { headers: { cookie: `` } });
      if (!page.ok) throw new Error(`pay page: HTTP ${page.status}`);
      await page.text();
    }
    return { checkoutMs, totalMs: performance.now() - started };
  };
  try {
    for (let i = 0; i < 10; i++) await checkout(i); // warm-up: code loaded and optimised
    if (statementsOnly) {
      console.log(
        await statementsOf(db, postgres.logFile, async () => {
          const customer = new HttpShopper(shop.url, ids);
          await db.query(`SELECT 'add to cart'`);
          await customer.addToCart(slugs[0]!, 1);
          await db.query(`SELECT 'checkout'`);
          await customer.checkout();
          await db.query(`SELECT 'done'`);
        }),
      );
      return;
    }
    const xacts = async () => Number((await db.query<{ n: string }>(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = 'seqr_profile'`)).rows[0]!.n);
    await new Promise((r) => setTimeout(r, 800)); // pg_stat lags a little
    const before = await xacts();
    const cpuBefore = cpuTicks(shop.pid()!);
    process.kill(shop.pid()!, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
    const times: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < N; i++) {
      const { checkoutMs, totalMs } = await checkout(i);
      times.push(checkoutMs);
      totals.push(totalMs);
    }
    const cpuAfter = cpuTicks(shop.pid()!);
    process.kill(shop.pid()!, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 800));
    const after = await xacts();
    for (let i = 0; i < 100 && !fs.existsSync(profileFile); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as Profile;
    const keep = arg('keep');
    if (keep) fs.copyFileSync(profileFile, keep);
    const t = summarize(times);
    console.log(`${N} sequential checkouts${withPayPage ? ' (each followed by its pay page)' : ''}: checkout p50 ${t.p50.toFixed(1)} ms, p90 ${t.p90?.toFixed?.(1) ?? ''} ms; with pay page p50 ${summarize(totals).p50.toFixed(1)} ms`);
    console.log(`shop process CPU per checkout (/proc utime+stime, profiler included): ${(((cpuAfter - cpuBefore) * 10) / N).toFixed(1)} ms`);
    console.log(`database transactions per checkout (add to cart included, sweeper passes included): ${((after - before) / N).toFixed(1)}`);
    console.log(analyse(profile, N));
  } finally {
    await db.end();
    await shop.stop();
    await sandbox.stop();
    postgres.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
