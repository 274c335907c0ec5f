// `npm test`: every test, in order: unit, integration (real embedded database), the simulation, the database tests
// again on PostgreSQL, two shop instances on one PostgreSQL, then browser tests in Debian's Chromium.
// What they need (Chromium, PHP, zeep and suds, PostgreSQL) is installed with apt when missing and we are root.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres, type TestPostgres } from '../tests/helpers/postgres';
import { ensureDebianPackages } from './lib/debian';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const succeeds = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

ensureDebianPackages(() => fs.existsSync(CHROMIUM), ['chromium'], `Chromium (${CHROMIUM})`);
// Independent SOAP stacks for the sandbox's interoperability tests, as SEQR's merchants used them.
ensureDebianPackages(() => succeeds('php', ['-r', 'exit(class_exists("SoapClient") ? 0 : 1);']), ['php-cli', 'php-soap'], "PHP's SoapClient");
ensureDebianPackages(() => succeeds('/usr/bin/python3', ['-c', 'import zeep, suds']), ['python3-zeep', 'python3-suds'], "Python's zeep and suds");
// A real PostgreSQL server: the database-backed integration tests run against it as well as PGlite.
ensureDebianPackages(() => fs.existsSync('/usr/lib/postgresql') && fs.readdirSync('/usr/lib/postgresql').length > 0, ['postgresql'], 'PostgreSQL');

const DATABASE_TESTS = ['schema-match', 'migrations', 'cart', 'payments', 'faults', 'payment-core', 'day-close'].map((name) => `tests/integration/${name}.test.ts`);
const steps: { name: string; command: string[]; postgres?: true }[] = [
  { name: 'unit', command: ['npm', 'run', '--silent', 'test:unit'] },
  { name: 'integration (PGlite)', command: ['npm', 'run', '--silent', 'test:integration'] },
  // The deterministic simulation of shop + SEQR: 1,000 seeds of the real payment core (README).
  { name: 'simulation', command: [process.execPath, '--import', 'tsx', '--test', 'tests/simulation/simulation.test.ts'] },
  { name: 'integration (PostgreSQL)', command: [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', ...DATABASE_TESTS], postgres: true },
  // Two real shop processes (the production build) on one PostgreSQL database and one sandbox.
  { name: 'multi-instance (PostgreSQL)', command: [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', 'tests/multi-instance/instances.test.ts', 'tests/multi-instance/boot-order.test.ts'], postgres: true },
  { name: 'browser (Playwright)', command: ['npm', 'run', '--silent', 'test:e2e'] },
];
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const failed: string[] = [];
for (const step of steps) {
  console.log(`\n=== ${step.name} tests`);
  let postgres: TestPostgres | undefined;
  try {
    if (step.postgres) postgres = await startTestPostgres();
    const [command, ...args] = step.command;
    const result = spawnSync(command!, args, { cwd: root, stdio: 'inherit', env: postgres ? { ...env, TEST_POSTGRES_URL: postgres.url } : env });
    if (result.status !== 0) failed.push(step.name);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    failed.push(step.name);
  } finally {
    postgres?.stop();
  }
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')} tests.`);
  process.exit(1);
}
console.log('\nAll test suites passed.');
