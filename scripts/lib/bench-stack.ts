// Everything `npm run bench` runs against, started fresh for each run and removed afterwards: a
// throwaway PostgreSQL server (the production set-up: several shop processes on one database), the
// real SEQR sandbox, and two shop instances serving the production build on free ports.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startTestPostgres, type TestPostgres } from '../../tests/helpers/postgres';
import { startSandboxProcess, type SandboxProcess } from '../../tests/helpers/sandbox';
import { buildIfNeeded, startShopInstance, type ShopInstance } from '../../tests/helpers/shop';
import { ensureDebianPackages } from './debian';
import { ROOT } from './production-build';

export interface StackOptions {
  /** PAYMENT_TTL_S of the shops: long enough that no invoice expires during the bench. */
  paymentTtlS: number;
  /** The sandbox's 20-second rule (SEQR_SANDBOX_CONFIRM_WINDOW_S). */
  confirmWindowS: number;
  /** The sandbox's own invoice lifetime, longer than the shop's. */
  sandboxTtlS: number;
  log: (line: string) => void;
}

export interface Stack {
  postgres: TestPostgres;
  databaseUrl: string;
  /** The bench's own connection to the shop database, for counting what the shops did. */
  db: pg.Pool;
  sandbox: SandboxProcess;
  shops: ShopInstance[];
  shopEnv: Record<string, string>;
}

/** Clean-up steps, run last-in first-out once, on success, failure or Ctrl-C. */
const cleanups: { name: string; run: () => Promise<void> | void }[] = [];
let cleanedUp: Promise<void> | undefined;

export function onCleanup(name: string, run: () => Promise<void> | void): void {
  cleanups.push({ name, run });
}

export function cleanUp(): Promise<void> {
  cleanedUp ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`Could not stop ${step.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
  })();
  return cleanedUp;
}

function postgresInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  return fs.existsSync(root) && fs.readdirSync(root).some((version) => fs.existsSync(path.join(root, version, 'bin', 'pg_ctl')));
}

/** Applies the migrations and seeds the catalog in a child process (lib/config reads env once). */
function prepareDatabase(databaseUrl: string): void {
  for (const script of ['prisma/migrate.ts', 'prisma/seed.ts']) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${script} failed on the bench database: ${(result.stderr || result.stdout).trim()}`);
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { log } = options;
  ensureDebianPackages(postgresInstalled, ['postgresql'], 'PostgreSQL', 'npm run bench');

  const build = buildIfNeeded({ quiet: true });
  log(build === 'built' ? 'Built the shop (next build).' : 'The production build is up to date.');

  const postgres = await startTestPostgres();
  onCleanup('PostgreSQL', () => postgres.stop());
  const databaseUrl = await postgres.createDatabase('seqr_bench');
  prepareDatabase(databaseUrl);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  onCleanup('the database pool', () => db.end());
  log(`PostgreSQL on port ${postgres.port}, migrated and seeded.`);

  const sandbox = await startSandboxProcess({ confirmWindowS: options.confirmWindowS, ttlS: options.sandboxTtlS });
  onCleanup('the SEQR sandbox', async () => {
    saveLog('sandbox', sandbox.output());
    await sandbox.stop();
  });
  log(`SEQR sandbox on port ${sandbox.port} (confirmation window ${options.confirmWindowS} s).`);

  const shopEnv = {
    DATABASE_URL: databaseUrl,
    SEQR_SANDBOX_PORT: String(sandbox.port),
    PAYMENT_TTL_S: String(options.paymentTtlS),
  };
  const shops: ShopInstance[] = [];
  for (const name of ['shop A', 'shop B']) {
    // Started one after the other: two cold starts at once on two cores only slow both down.
    const shop = await startShopInstance({ name, env: shopEnv });
    shops.push(shop);
    onCleanup(name, async () => {
      await shop.stop();
      saveLog(name, shop.output());
    });
  }
  log(`Two shop instances (next start) on one database: ${shops.map((shop) => shop.url).join(', ')}.`);
  return { postgres, databaseUrl, db, sandbox, shops, shopEnv };
}

export const BENCH_DIR = path.join(ROOT, '.data', 'bench');

/** Keeps a process's output next to the report, for when a figure needs explaining. */
function saveLog(name: string, text: string): void {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, `${name.replace(/\W+/g, '-')}.log`), text);
}
