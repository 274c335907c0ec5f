// `npm start`: everything the shop needs on a fresh clone, in order. Apply migrations, seed the
// catalog, start the local SEQR sandbox (when the shop points at it), build the app if its sources
// changed since the last build, then serve it. `--dev` serves with `next dev` instead.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, getConfig } from '../lib/config';
import { closeDb } from '../lib/db';
import { migrate } from '../prisma/migrate';
import { seed } from '../prisma/seed';
import { buildIfNeeded, NEXT_BIN as nextBin } from './lib/production-build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}

function launch(name: string, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the others.`);
    stopAll(code === 0 ? 1 : (code ?? 1));
  });
  return child;
}

async function main(): Promise<void> {
  const config = getConfig();
  await migrate();
  try {
    console.log(`Seeded ${await seed()} products.`);
  } finally {
    await closeDb(); // the embedded database is single-process: hand it to the server
  }

  if (config.seqr.usesSandbox) {
    launch('The SEQR sandbox', process.execPath, ['--import', 'tsx', path.join(root, 'sandbox', 'main.ts')]);
  } else {
    console.log(`Using the SEQR endpoint ${config.seqr.endpointUrl}.`);
  }
  if (!dev) buildIfNeeded();
  launch('The shop', process.execPath, [nextBin, dev ? 'dev' : 'start', '--port', String(config.port)]);
  console.log(`The shop will be at ${config.publicBaseUrl}`);
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  stopAll(1);
  if (children.length === 0) process.exit(1);
});
