// `npm run simulate`: the deterministic simulation of shop + SEQR (tests/simulation).
//   npm run simulate -- --seeds 500            seeds 1..500 on 2 worker processes
//   npm run simulate -- --seeds 500 --from 9000 --workers 3
//   npm run simulate -- --seed 42              replay one seed: its schedule, full trace and hash
//   npm run simulate -- --seed 42 --check      replay it twice and compare the hashes
// Exits non-zero when an invariant fails (each failure prints its seed, invariant and schedule).
import { failureReport, InProcessRunner, runSeedsInWorkers, type SeedOutcome } from '../tests/simulation/runner';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
function integer(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, not "${text}".`);
    process.exit(2);
  }
  return value;
}

if (option('seed') !== undefined) {
  const seed = integer('seed', 1);
  const runner = await InProcessRunner.open();
  const result = await runner.run(seed, { keepTrace: true });
  if (!flag('quiet')) for (const line of result.trace ?? []) console.log(line);
  console.log(`\nseed ${seed}: ${result.ok ? 'ok' : 'FAILED'}; ${result.events} events, ${result.traceLength} trace lines, ${(result.simulatedMs / 1000).toFixed(1)} s simulated in ${result.realMs} ms; hash ${result.hash}`);
  console.log(`stats: ${JSON.stringify(result.stats)}`);
  let exit = result.ok ? 0 : 1;
  if (!result.ok) for (const line of failureReport(result)) console.log(line);
  if (flag('check')) {
    const again = await runner.run(seed);
    const same = again.hash === result.hash;
    console.log(`replay: hash ${again.hash} — ${same ? 'identical' : 'DIFFERENT: the run is not deterministic'}`);
    if (!same) exit = 1;
  }
  await runner.close();
  process.exit(exit);
}

const count = integer('seeds', 200);
const from = integer('from', 1);
const workers = integer('workers', 2);
const seeds = Array.from({ length: count }, (_, i) => from + i);
const started = performance.now();
let done = 0;
const failures: SeedOutcome[] = [];
const outcomes = await runSeedsInWorkers(seeds, workers, (outcome) => {
  done++;
  if (!outcome.ok) {
    failures.push(outcome);
    console.log((outcome.report ?? [`seed ${outcome.seed} FAILED`]).join('\n'));
  }
  if (done % 50 === 0 || done === count) {
    const s = (performance.now() - started) / 1000;
    console.log(`[simulate] ${done}/${count} seeds, ${failures.length} failing, ${s.toFixed(0)} s (${(done / s).toFixed(2)} seeds/s)`);
  }
});
const seconds = (performance.now() - started) / 1000;
const slowest = [...outcomes].sort((a, b) => b.realMs - a.realMs)[0];
const simulated = outcomes.reduce((s, o) => s + o.simulatedMs, 0) / 1000;
const totals = outcomes.reduce<Record<string, number>>((acc, o) => {
  for (const [k, v] of Object.entries(o.stats)) acc[k] = (acc[k] ?? 0) + v;
  return acc;
}, {});
console.log(
  `\n[simulate] ${outcomes.length} seeds (${from}–${from + count - 1}) in ${seconds.toFixed(1)} s on ${workers} workers: ${(outcomes.length / seconds).toFixed(2)} seeds/s, ` +
    `${(simulated / 3600).toFixed(1)} h simulated; slowest seed ${slowest?.seed} (${slowest?.realMs} ms)`,
);
const keys = Object.keys(totals).sort();
const world = keys.filter((k) => !k.includes(':') && !k.includes('='));
console.log(`[simulate] totals: ${world.map((k) => `${k} ${totals[k]}`).join(', ')}`);
if (flag('coverage')) {
  console.log(`[simulate] invoices: ${keys.filter((k) => k.startsWith('invoice:')).map((k) => `${k.slice(8)} ${totals[k]}`).join(', ')}`);
  const ops = [...new Set(keys.filter((k) => /[:=]/.test(k) && !k.startsWith('invoice:')).map((k) => k.split(/[:=]/)[0]!))];
  for (const op of ops) {
    const plans = keys.filter((k) => k.startsWith(`${op}:`)).map((k) => `${k.slice(op.length + 1)} ${totals[k]}`);
    const codes = keys.filter((k) => k.startsWith(`${op}=`)).map((k) => `${k.slice(op.length + 1)}:${totals[k]}`);
    console.log(`[simulate]   ${op}: ${plans.join(', ')}; codes ${codes.join(' ')}`);
  }
}
if (failures.length > 0) {
  console.log(`[simulate] ${failures.length} failing seed(s): ${failures.map((f) => `${f.seed} (${f.failures.map((x) => x.invariant).join(', ')})`).join('; ')}`);
  process.exit(1);
}
console.log('[simulate] no invariant failed');
