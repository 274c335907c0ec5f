// Running many seeds: in this process (one PGlite, truncated between seeds) or spread over worker
// processes (each with its own PGlite), handing out seeds one at a time so a slow seed does not
// hold up a whole batch.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadCoreFactory, type CoreFactory } from './core-api';
import { SimDatabase } from './database';
import type { Failure } from './invariants';
import { runSeed, SIM_START, type RunResult } from './run';
import { describeSchedule } from './schedule';

export type SeedOutcome = {
  seed: number;
  ok: boolean;
  hash: string;
  realMs: number;
  simulatedMs: number;
  events: number;
  failures: Failure[];
  stats: Record<string, number>;
  /** On failure: the schedule and the last trace lines. */
  report?: string[];
};

export function outcomeOf(result: RunResult): SeedOutcome {
  return {
    seed: result.seed,
    ok: result.ok,
    hash: result.hash,
    realMs: result.realMs,
    simulatedMs: result.simulatedMs,
    events: result.events,
    failures: result.failures,
    stats: result.stats,
    report: result.ok ? undefined : failureReport(result),
  };
}

export function failureReport(result: RunResult): string[] {
  return [
    `seed ${result.seed} FAILED`,
    ...result.failures.map((f) => `  invariant ${f.invariant} at ${((f.at - SIM_START) / 1000).toFixed(3)} s: ${f.message}`),
    '  schedule:',
    ...describeSchedule(result.schedule).map((line) => `    ${line}`),
    '  last trace lines:',
    ...result.lastLines.slice(-60).map((line) => `    ${line}`),
    `  replay: npm run simulate -- --seed ${result.seed}`,
  ];
}

export class InProcessRunner {
  private constructor(
    readonly db: SimDatabase,
    readonly createCore: CoreFactory,
  ) {}

  static async open(createCore?: CoreFactory): Promise<InProcessRunner> {
    const db = await SimDatabase.open();
    return new InProcessRunner(db, createCore ?? (await loadCoreFactory()));
  }

  run(seed: number, options: { keepTrace?: boolean } = {}): Promise<RunResult> {
    return runSeed(seed, { db: this.db, createCore: this.createCore, keepTrace: options.keepTrace });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

type WorkerMessage = { type: 'ready' } | { type: 'result'; outcome: SeedOutcome } | { type: 'error'; message: string };

const WORKER = path.resolve(import.meta.dirname, 'worker.ts');

/** Runs the seeds on `workers` child processes; calls onOutcome as each seed finishes. */
export function runSeedsInWorkers(seeds: number[], workers: number, onOutcome: (outcome: SeedOutcome) => void): Promise<SeedOutcome[]> {
  const queue = [...seeds];
  const outcomes: SeedOutcome[] = [];
  return new Promise((resolve, reject) => {
    let alive = 0;
    let failed: Error | undefined;
    const children: ChildProcess[] = [];
    const next = (child: ChildProcess) => {
      const seed = queue.shift();
      if (seed === undefined || failed) child.send({ type: 'stop' });
      else child.send({ type: 'run', seed });
    };
    for (let i = 0; i < Math.max(1, Math.min(workers, seeds.length)); i++) {
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      alive++;
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') next(child);
        else if (message.type === 'result') {
          outcomes.push(message.outcome);
          onOutcome(message.outcome);
          next(child);
        } else if (message.type === 'error') {
          failed ??= new Error(`simulation worker failed: ${message.message}`);
        }
      });
      child.on('exit', (code) => {
        if (code !== 0) failed ??= new Error(`a simulation worker exited with code ${code}`);
        if (--alive === 0) {
          if (failed) reject(failed);
          else resolve(outcomes.sort((a, b) => a.seed - b.seed));
        }
      });
    }
  });
}
